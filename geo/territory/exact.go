package territory

import (
	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/internal/partition"
)

// exactFaces returns the districts snapped to Grid as the faces of the
// coverage, with their owners, when they already form an exact partition
// (package partition): then noding and polygonizing would give the same
// faces, and the GEOS overlay is skipped. ok is false otherwise.
func exactFaces(polys []orb.MultiPolygon) (faces []orb.Polygon, owner []int32, ok bool) {
	snapped, ok := partition.Exact(polys, 1/Grid)
	if !ok {
		return nil, nil, false
	}
	for i, mp := range snapped {
		for _, p := range mp {
			faces = append(faces, p)
			owner = append(owner, int32(i))
		}
	}
	return faces, owner, true
}

// knownFaces returns districts known to be an exact partition on the Grid
// (WithExactPartition) as faces with their owners, repeated vertices
// dropped.
func knownFaces(polys []orb.MultiPolygon) (faces []orb.Polygon, owner []int32) {
	for i, mp := range polys {
		for _, p := range mp {
			q := make(orb.Polygon, len(p))
			for k, r := range p {
				out := make(orb.Ring, 0, len(r))
				for _, pt := range r {
					if len(out) == 0 || out[len(out)-1] != pt {
						out = append(out, pt)
					}
				}
				q[k] = out
			}
			faces = append(faces, q)
			owner = append(owner, int32(i))
		}
	}
	return faces, owner
}
