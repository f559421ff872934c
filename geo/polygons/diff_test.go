package polygons

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestDiffRings compares diffRings with the symmetric difference of the
// two days' segment sets, on changes a daily map makes.
func TestDiffRings(t *testing.T) {
	sq := orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	moved := orb.Ring{{0, 0}, {4, 0}, {5, 2}, {4, 4}, {0, 4}, {0, 0}}
	rotated := orb.Ring{{4, 4}, {0, 4}, {0, 0}, {4, 0}, {4, 4}}
	hole := orb.Ring{{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}
	island := orb.Ring{{10, 10}, {11, 10}, {11, 11}, {10, 10}}
	for _, tc := range []struct {
		name     string
		was, now orb.MultiPolygon
	}{
		{"the same", orb.MultiPolygon{{sq}}, orb.MultiPolygon{{sq}}},
		{"a vertex added", orb.MultiPolygon{{sq}}, orb.MultiPolygon{{moved}}},
		{"a vertex removed", orb.MultiPolygon{{moved}}, orb.MultiPolygon{{sq}}},
		{"the ring starts elsewhere", orb.MultiPolygon{{sq}}, orb.MultiPolygon{{rotated}}},
		{"a hole appears", orb.MultiPolygon{{sq}}, orb.MultiPolygon{{sq, hole}}},
		{"an island appears first", orb.MultiPolygon{{sq}}, orb.MultiPolygon{{island}, {moved}}},
		{"an island goes", orb.MultiPolygon{{island}, {sq}}, orb.MultiPolygon{{rotated}}},
		{"from nothing", nil, orb.MultiPolygon{{sq, hole}}},
		{"to nothing", orb.MultiPolygon{{sq, hole}}, nil},
	} {
		added, removed := diffRings(tc.was, tc.now)
		wantAdded, wantRemoved := setDiff(tc.now, tc.was), setDiff(tc.was, tc.now)
		sortSegs(added, removed, wantAdded, wantRemoved)
		if !slices.Equal(added, wantAdded) || !slices.Equal(removed, wantRemoved) {
			t.Errorf("%s: added %v removed %v, want %v and %v", tc.name, added, removed, wantAdded, wantRemoved)
		}
	}
}

func setDiff(a, b orb.MultiPolygon) []segKey {
	in := map[segKey]bool{}
	forEachSegMP(b, func(k segKey) { in[k] = true })
	var out []segKey
	forEachSegMP(a, func(k segKey) {
		if !in[k] {
			out = append(out, k)
		}
	})
	return out
}

func sortSegs(ls ...[]segKey) {
	for _, l := range ls {
		slices.SortFunc(l, compareSegs)
	}
}
