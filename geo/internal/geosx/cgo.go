package geosx

// go-geos v0.20.4 binds neither GEOSVoronoiDiagram_r nor the unconstrained
// GEOSDelaunayTriangulation_r, and does not expose its context handle. So each
// call here opens its own short-lived GEOS handle, shares no state with any
// go-geos Context (concurrent calls are safe), exchanges geometry as WKB and
// frees everything before it returns.

/*
#cgo LDFLAGS: -lgeos_c
#include <stdlib.h>
#include <string.h>
#include <geos_c.h>

#define GEOSX_ERRLEN 512

enum { GEOSX_VORONOI, GEOSX_DELAUNAY };

static void geosx_on_error(const char *message, void *userdata) {
	char *msg = (char *)userdata;
	strncpy(msg, message, GEOSX_ERRLEN - 1);
	msg[GEOSX_ERRLEN - 1] = 0;
}

// geosx_apply reads the WKB sites, applies op to them and returns the WKB of
// the result in a buffer allocated with malloc, or NULL with the last GEOS
// error message in errbuf (GEOSX_ERRLEN bytes). env (minx, miny, maxx, maxy)
// is the envelope the Voronoi diagram covers at least; Delaunay ignores it.
static unsigned char *geosx_apply(int op, const unsigned char *wkb, size_t n,
		double minx, double miny, double maxx, double maxy,
		size_t *outsize, char *errbuf) {
	errbuf[0] = 0;
	unsigned char *result = NULL;
	GEOSContextHandle_t h = GEOS_init_r();
	if (h == NULL) {
		strcpy(errbuf, "GEOS_init_r failed");
		return NULL;
	}
	GEOSContext_setErrorMessageHandler_r(h, geosx_on_error, errbuf);
	GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
	GEOSWKBWriter *writer = GEOSWKBWriter_create_r(h);
	GEOSGeometry *sites = NULL, *env = NULL, *out = NULL;
	if (reader == NULL || writer == NULL) goto done;
	sites = GEOSWKBReader_read_r(h, reader, wkb, n);
	if (sites == NULL) goto done;
	switch (op) {
	case GEOSX_VORONOI:
		env = GEOSGeom_createRectangle_r(h, minx, miny, maxx, maxy);
		if (env == NULL) goto done;
		out = GEOSVoronoiDiagram_r(h, sites, env, 0.0, 0);
		break;
	case GEOSX_DELAUNAY:
		out = GEOSDelaunayTriangulation_r(h, sites, 0.0, 0);
		break;
	}
	if (out == NULL) goto done;
	size_t size = 0;
	unsigned char *buf = GEOSWKBWriter_write_r(h, writer, out, &size);
	if (buf == NULL) goto done;
	result = malloc(size);
	if (result != NULL) {
		memcpy(result, buf, size);
		*outsize = size;
	} else {
		strcpy(errbuf, "out of memory");
	}
	GEOSFree_r(h, buf);
done:
	if (result == NULL && errbuf[0] == 0) {
		strcpy(errbuf, "unknown GEOS error");
	}
	if (out) GEOSGeom_destroy_r(h, out);
	if (env) GEOSGeom_destroy_r(h, env);
	if (sites) GEOSGeom_destroy_r(h, sites);
	if (writer) GEOSWKBWriter_destroy_r(h, writer);
	if (reader) GEOSWKBReader_destroy_r(h, reader);
	GEOS_finish_r(h);
	return result;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// VoronoiDiagram returns the WKB of a GeometryCollection of the Voronoi
// polygons of the points in sitesWKB (a MultiPoint), covering at least the
// envelope (minX, minY, maxX, maxY). The envelope extends the diagram, it
// does not clip it: clip each cell on its own. GEOS 3.11 does not keep the
// order of the sites: callers match cells to sites.
func VoronoiDiagram(sitesWKB []byte, minX, minY, maxX, maxY float64) ([]byte, error) {
	if len(sitesWKB) == 0 {
		return nil, errors.New("voronoi: no sites")
	}
	out, err := apply(C.GEOSX_VORONOI, sitesWKB, minX, minY, maxX, maxY)
	if err != nil {
		return nil, fmt.Errorf("GEOS Voronoi diagram: %w", err)
	}
	return out, nil
}

// DelaunayTriangles returns the WKB of the Delaunay triangulation (a
// GeometryCollection of triangles) of the vertices of the geometry sitesWKB.
// go-geos binds only the constrained triangulation.
func DelaunayTriangles(sitesWKB []byte) ([]byte, error) {
	if len(sitesWKB) == 0 {
		return nil, errors.New("no Delaunay sites")
	}
	out, err := apply(C.GEOSX_DELAUNAY, sitesWKB, 0, 0, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("GEOS Delaunay triangulation: %w", err)
	}
	return out, nil
}

// apply runs geosx_apply on the sites and returns its result as Go bytes,
// or GEOS's error message as the error.
func apply(op C.int, sitesWKB []byte, minX, minY, maxX, maxY float64) ([]byte, error) {
	in := C.CBytes(sitesWKB)
	defer C.free(in)
	errbuf := (*C.char)(C.calloc(C.GEOSX_ERRLEN, 1))
	defer C.free(unsafe.Pointer(errbuf))
	var size C.size_t
	out := C.geosx_apply(op, (*C.uchar)(in), C.size_t(len(sitesWKB)),
		C.double(minX), C.double(minY), C.double(maxX), C.double(maxY), &size, errbuf)
	if out == nil {
		return nil, errors.New(C.GoString(errbuf))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
