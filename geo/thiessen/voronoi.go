package thiessen

// go-geos v0.20.4 has no binding for GEOSVoronoiDiagram_r and does not expose
// its context handle, so this file opens its own GEOS context for the one call
// and exchanges geometry with go-geos and orb as WKB.

/*
#cgo LDFLAGS: -lgeos_c
#include <stdlib.h>
#include <string.h>
#include <geos_c.h>

typedef struct { char msg[512]; } thiessen_err;

static void thiessen_on_error(const char *message, void *userdata) {
	thiessen_err *e = (thiessen_err *)userdata;
	strncpy(e->msg, message, sizeof(e->msg) - 1);
	e->msg[sizeof(e->msg) - 1] = 0;
}

// thiessen_voronoi returns the WKB of the Voronoi polygons of the points in
// wkb, covering at least the envelope (minx, miny, maxx, maxy), in a buffer
// allocated with malloc, or NULL with a message in errbuf (512 bytes).
static unsigned char *thiessen_voronoi(const unsigned char *wkb, size_t n,
		double minx, double miny, double maxx, double maxy,
		size_t *outsize, char *errbuf) {
	thiessen_err e;
	e.msg[0] = 0;
	unsigned char *result = NULL;
	GEOSContextHandle_t h = GEOS_init_r();
	if (h == NULL) {
		strcpy(errbuf, "GEOS_init_r failed");
		return NULL;
	}
	GEOSContext_setErrorMessageHandler_r(h, thiessen_on_error, &e);
	GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
	GEOSWKBWriter *writer = GEOSWKBWriter_create_r(h);
	GEOSGeometry *sites = NULL, *env = NULL, *diagram = NULL;
	if (reader == NULL || writer == NULL) goto done;
	sites = GEOSWKBReader_read_r(h, reader, wkb, n);
	if (sites == NULL) goto done;
	env = GEOSGeom_createRectangle_r(h, minx, miny, maxx, maxy);
	if (env == NULL) goto done;
	diagram = GEOSVoronoiDiagram_r(h, sites, env, 0.0, 0);
	if (diagram == NULL) goto done;
	size_t size = 0;
	unsigned char *buf = GEOSWKBWriter_write_r(h, writer, diagram, &size);
	if (buf == NULL) goto done;
	result = malloc(size);
	if (result != NULL) {
		memcpy(result, buf, size);
		*outsize = size;
	} else {
		strcpy(e.msg, "out of memory");
	}
	GEOSFree_r(h, buf);
done:
	if (result == NULL) {
		strncpy(errbuf, e.msg[0] ? e.msg : "unknown GEOS error", 511);
		errbuf[511] = 0;
	}
	if (diagram) GEOSGeom_destroy_r(h, diagram);
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

// voronoiWKB returns the WKB of a GeometryCollection of Voronoi polygons for
// the MultiPoint sitesWKB. The diagram covers at least the envelope.
// GEOS 3.11 does not keep the order of the sites: callers match cells to sites.
func voronoiWKB(sitesWKB []byte, minX, minY, maxX, maxY float64) ([]byte, error) {
	if len(sitesWKB) == 0 {
		return nil, errors.New("voronoi: no sites")
	}
	in := C.CBytes(sitesWKB)
	defer C.free(in)
	errbuf := (*C.char)(C.calloc(512, 1))
	defer C.free(unsafe.Pointer(errbuf))
	var size C.size_t
	out := C.thiessen_voronoi((*C.uchar)(in), C.size_t(len(sitesWKB)),
		C.double(minX), C.double(minY), C.double(maxX), C.double(maxY), &size, errbuf)
	if out == nil {
		return nil, fmt.Errorf("GEOS Voronoi diagram: %s", C.GoString(errbuf))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
