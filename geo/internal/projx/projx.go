// Package projx binds the few PROJ calls frontline needs, with lifetimes
// that do not depend on the order in which the garbage collector runs
// cleanups.
//
// go-proj v11 registers one cleanup on its Context (proj_context_destroy)
// and another on each PJ (proj_destroy). When both become unreachable in the
// same cycle the runtime may run the context's first, and proj_destroy then
// writes into the freed context: heap corruption that surfaces later as a
// crash anywhere in C code, typically inside GEOS. Here each Transformer owns
// its own context and frees its PJ before that context, either at Close or in
// the single cleanup that stands in for a forgotten Close.
package projx

/*
#cgo LDFLAGS: -lproj
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <proj.h>

// projx_open creates a context without logging and, in it, the operation
// from src to dst (dst NULL: src is a whole PROJ definition), normalised to
// the axis order of GIS software (longitude or easting first). On failure
// it returns NULL with the PROJ error number in *err, and frees the context.
static PJ *projx_open(const char *src, const char *dst, PJ_CONTEXT **ctxp, int *err) {
	*err = 0;
	PJ_CONTEXT *ctx = proj_context_create();
	if (ctx == NULL) {
		*err = -1;
		return NULL;
	}
	proj_log_level(ctx, PJ_LOG_NONE);
	PJ *p = dst == NULL ? proj_create(ctx, src) : proj_create_crs_to_crs(ctx, src, dst, NULL);
	if (p != NULL && dst != NULL) {
		PJ *n = proj_normalize_for_visualization(ctx, p);
		proj_destroy(p);
		p = n;
	}
	if (p == NULL) {
		*err = proj_context_errno(ctx);
		proj_context_destroy(ctx);
		return NULL;
	}
	*ctxp = ctx;
	return p;
}

// projx_close frees p, then the context p lives in: never the other way round.
static void projx_close(PJ *p, PJ_CONTEXT *ctx) {
	proj_destroy(p);
	proj_context_destroy(ctx);
}

// projx_trans transforms n points in place, x and y interleaved in xy; it
// returns the index of the first point that failed with its error number
// in *err, or -1.
static long projx_trans(PJ *p, int dir, double *xy, long n, int *err) {
	for (long i = 0; i < n; i++) {
		PJ_COORD c = proj_coord(xy[2*i], xy[2*i+1], 0, 0);
		proj_errno_reset(p);
		c = proj_trans(p, (PJ_DIRECTION)dir, c);
		int e = proj_errno(p);
		if (e != 0 || c.xy.x == HUGE_VAL || c.xy.y == HUGE_VAL) {
			*err = e;
			return i;
		}
		xy[2*i] = c.xy.x;
		xy[2*i+1] = c.xy.y;
	}
	return -1;
}

// projx_crs_info describes the CRS def: whether it is projected, its name
// (malloc'd, or NULL) and its area of use in degrees (has_area 0 when PROJ
// does not know it). It returns the PROJ error number, 0 on success.
static int projx_crs_info(const char *def, int *projected, char **name,
		int *has_area, double *w, double *s, double *e, double *n, char **area_name) {
	*projected = 0; *name = NULL; *has_area = 0; *area_name = NULL;
	PJ_CONTEXT *ctx = proj_context_create();
	if (ctx == NULL) return -1;
	proj_log_level(ctx, PJ_LOG_NONE);
	PJ *crs = proj_create(ctx, def);
	if (crs == NULL) {
		int err = proj_context_errno(ctx);
		proj_context_destroy(ctx);
		return err == 0 ? -1 : err;
	}
	PJ_TYPE t = proj_get_type(crs);
	*projected = t == PJ_TYPE_PROJECTED_CRS;
	const char *nm = proj_get_name(crs);
	if (nm != NULL) {
		*name = strdup(nm);
	}
	const char *an = NULL;
	if (proj_get_area_of_use(ctx, crs, w, s, e, n, &an) && *w > -1000) {
		*has_area = 1;
		if (an != NULL) {
			*area_name = strdup(an);
		}
	}
	proj_destroy(crs);
	proj_context_destroy(ctx);
	return 0;
}

static const char *projx_errstr(int err) {
	return proj_context_errno_string(NULL, err);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/paulmach/orb"
)

// handle is the C side of a Transformer.
type handle struct {
	pj  *C.PJ
	ctx *C.PJ_CONTEXT
}

func (h handle) close() { C.projx_close(h.pj, h.ctx) }

// Transformer is a PROJ coordinate operation in its own PROJ context. It is
// safe for concurrent use (calls are serialised); Close frees it.
type Transformer struct {
	mu      sync.Mutex
	h       handle
	cleanup runtime.Cleanup
}

// New returns the operation of a PROJ definition such as
// "+proj=pipeline +step …", used as it is.
func New(definition string) (*Transformer, error) {
	return open(definition, nil)
}

// NewCRSToCRS returns the operation from the CRS src to the CRS dst (e.g.
// "EPSG:32637" to "OGC:CRS84"), in GIS axis order: longitude (or easting)
// first, whatever the CRS definitions say.
func NewCRSToCRS(src, dst string) (*Transformer, error) {
	return open(src, &dst)
}

func open(src string, dst *string) (*Transformer, error) {
	csrc := C.CString(src)
	defer C.free(unsafe.Pointer(csrc))
	var cdst *C.char
	if dst != nil {
		cdst = C.CString(*dst)
		defer C.free(unsafe.Pointer(cdst))
	}
	var ctx *C.PJ_CONTEXT
	var errno C.int
	pj := C.projx_open(csrc, cdst, &ctx, &errno)
	if pj == nil {
		return nil, projError(errno)
	}
	t := &Transformer{h: handle{pj: pj, ctx: ctx}}
	// One cleanup frees both, PJ first; its argument holds no pointer to t.
	t.cleanup = runtime.AddCleanup(t, handle.close, t.h)
	return t, nil
}

// Close frees the operation and its context now. Further calls fail.
func (t *Transformer) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.h.pj == nil {
		return
	}
	t.cleanup.Stop()
	t.h.close()
	t.h = handle{}
}

// Forward transforms the points in place in the forward direction. On
// failure it returns the index of the first point that failed and leaves
// that point and the ones after it untouched; on success the index is -1.
func (t *Transformer) Forward(pts []orb.Point) (int, error) { return t.trans(C.PJ_FWD, pts) }

// Inverse is Forward in the inverse direction.
func (t *Transformer) Inverse(pts []orb.Point) (int, error) { return t.trans(C.PJ_INV, pts) }

func (t *Transformer) trans(dir C.int, pts []orb.Point) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.h.pj == nil {
		return 0, errors.New("PROJ transformer used after Close")
	}
	if len(pts) == 0 {
		return -1, nil
	}
	var errno C.int
	// pts is Go memory without Go pointers, x and y of each point side by
	// side: C may read and write it during the call.
	i := C.projx_trans(t.h.pj, dir, (*C.double)(unsafe.Pointer(&pts[0][0])), C.long(len(pts)), &errno)
	if i < 0 {
		return -1, nil
	}
	if errno == 0 {
		return int(i), errors.New("coordinate outside the domain of the projection")
	}
	return int(i), projError(errno)
}

// Area is a CRS's area of use in WGS84 degrees (West may exceed East when
// the area crosses the antimeridian).
type Area struct {
	West, South, East, North float64
	Name                     string
}

// Contains reports whether lon/lat lies in a, enlarged by margin degrees.
func (a Area) Contains(lon, lat, margin float64) bool {
	if lat < a.South-margin || lat > a.North+margin {
		return false
	}
	if a.West <= a.East {
		return lon >= a.West-margin && lon <= a.East+margin
	}
	return lon >= a.West-margin || lon <= a.East+margin
}

// CRSInfo is what PROJ knows of a CRS.
type CRSInfo struct {
	Name      string
	Projected bool
	// Area is nil when PROJ knows no area of use.
	Area *Area
}

// Describe returns what PROJ knows of the CRS def (e.g. "EPSG:32637").
func Describe(def string) (CRSInfo, error) {
	cdef := C.CString(def)
	defer C.free(unsafe.Pointer(cdef))
	var projected, hasArea C.int
	var name, areaName *C.char
	var w, s, e, n C.double
	if errno := C.projx_crs_info(cdef, &projected, &name, &hasArea, &w, &s, &e, &n, &areaName); errno != 0 {
		return CRSInfo{}, projError(errno)
	}
	info := CRSInfo{Projected: projected != 0}
	if name != nil {
		info.Name = C.GoString(name)
		C.free(unsafe.Pointer(name))
	}
	if hasArea != 0 {
		info.Area = &Area{West: float64(w), South: float64(s), East: float64(e), North: float64(n)}
		if areaName != nil {
			info.Area.Name = C.GoString(areaName)
		}
	}
	if areaName != nil {
		C.free(unsafe.Pointer(areaName))
	}
	return info, nil
}

func projError(errno C.int) error {
	if errno < 0 {
		return errors.New("PROJ could not create a context")
	}
	if errno == 0 {
		return errors.New("unknown PROJ error")
	}
	return fmt.Errorf("%s", C.GoString(C.projx_errstr(errno)))
}
