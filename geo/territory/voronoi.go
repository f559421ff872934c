package territory

/*
#cgo pkg-config: geos
#include <stdlib.h>
#include <geos_c.h>
*/
import "C"

import (
	"errors"
	"unsafe"
)

// delaunayTriangles returns, as WKB, the Delaunay triangulation (a collection
// of triangles) of the vertices of the geometry given as WKB. go-geos v0.20.4
// binds only the constrained triangulation, so this opens its own short-lived
// GEOS handle: no state is shared with any go-geos Context and concurrent
// calls are safe. (GEOS's own Voronoi diagram is ~10× slower than this plus
// the circumcentres computed in Go.)
func delaunayTriangles(sites []byte) ([]byte, error) {
	if len(sites) == 0 {
		return nil, errors.New("territory: no Delaunay sites")
	}
	h := C.GEOS_init_r()
	if h == nil {
		return nil, errors.New("territory: GEOS_init_r failed")
	}
	defer C.GEOS_finish_r(h)

	reader := C.GEOSWKBReader_create_r(h)
	defer C.GEOSWKBReader_destroy_r(h, reader)
	csites := C.CBytes(sites)
	defer C.free(csites)
	g := C.GEOSWKBReader_read_r(h, reader, (*C.uchar)(csites), C.size_t(len(sites)))
	if g == nil {
		return nil, errors.New("territory: GEOS could not read the Delaunay sites")
	}
	defer C.GEOSGeom_destroy_r(h, g)

	v := C.GEOSDelaunayTriangulation_r(h, g, 0, 0)
	if v == nil {
		return nil, errors.New("territory: GEOSDelaunayTriangulation_r failed")
	}
	defer C.GEOSGeom_destroy_r(h, v)

	writer := C.GEOSWKBWriter_create_r(h)
	defer C.GEOSWKBWriter_destroy_r(h, writer)
	var size C.size_t
	buf := C.GEOSWKBWriter_write_r(h, writer, v, &size)
	if buf == nil {
		return nil, errors.New("territory: GEOS could not write the Delaunay triangles")
	}
	defer C.GEOSFree_r(h, unsafe.Pointer(buf))
	return C.GoBytes(unsafe.Pointer(buf), C.int(size)), nil
}
