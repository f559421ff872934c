package geodesic

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paulmach/orb"
)

// Reference values come from GeographicLib's own tools (Debian package
// geographiclib-tools 2.1.2), independent of PROJ's C port, e.g.
//
//	printf "36.2 37.1\n36.2 37.11\n36.21 37.11\n36.21 37.1\n" | Planimeter -p 12
//	→ 4 4017.8512444618 997885.81350   (vertices, perimeter m, area m²)
//	echo "36.2 37.1 36.21 37.11" | GeodSolve -i -p 12
//	→ 39.020069336145205 39.025976097036988 1428.2893737512  (azi1 azi2 s12 m)
//
// Planimeter reads lat lon; the rings below are the same points as lon/lat.
func TestAreaMatchesPlanimeter(t *testing.T) {
	tests := []struct {
		name string
		geom orb.Geometry
		want float64 // m², Planimeter -p 12
	}{
		{
			name: "0.01° square at Aleppo, counter-clockwise",
			geom: orb.Polygon{{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}}},
			want: 997885.81350,
		},
		{
			name: "same square clockwise: area is unsigned",
			geom: orb.Polygon{{{37.1, 36.2}, {37.1, 36.21}, {37.11, 36.21}, {37.11, 36.2}, {37.1, 36.2}}},
			want: 997885.81350,
		},
		{
			name: "city-sized rectangle",
			geom: orb.Polygon{{{37.05, 36.15}, {37.25, 36.15}, {37.25, 36.28}, {37.05, 36.28}, {37.05, 36.15}}},
			want: 259417671.32303,
		},
		{
			name: "irregular pentagon, clockwise in input",
			geom: orb.Polygon{{{37.150, 36.203}, {37.151, 36.204}, {37.1522, 36.2035}, {37.1518, 36.2025}, {37.1505, 36.2022}, {37.150, 36.203}}},
			want: 24398.91200,
		},
		{
			name: "rectangle with the square as a hole",
			geom: orb.Polygon{
				{{37.05, 36.15}, {37.25, 36.15}, {37.25, 36.28}, {37.05, 36.28}, {37.05, 36.15}},
				{{37.1, 36.2}, {37.1, 36.21}, {37.11, 36.21}, {37.11, 36.2}, {37.1, 36.2}},
			},
			want: 259417671.32303 - 997885.81350,
		},
		{
			name: "multipolygon sums its parts",
			geom: orb.MultiPolygon{
				{{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}}},
				{{{37.150, 36.203}, {37.151, 36.204}, {37.1522, 36.2035}, {37.1518, 36.2025}, {37.1505, 36.2022}, {37.150, 36.203}}},
			},
			want: 997885.81350 + 24398.91200,
		},
		{
			name: "unclosed ring is closed implicitly",
			geom: orb.Polygon{{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}}},
			want: 997885.81350,
		},
		{name: "a line has no area", geom: orb.LineString{{37.1, 36.2}, {37.2, 36.3}}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Area(tt.geom)
			assertRel(t, got, tt.want, 1e-9)
		})
	}
}

func TestLengthMatchesGeodSolve(t *testing.T) {
	const s12 = 1428.2893737512 // GeodSolve -i -p 12, see above
	line := orb.LineString{{37.1, 36.2}, {37.11, 36.21}}
	assertRel(t, Length(line), s12, 1e-9)
	assertRel(t, Distance(line[0], line[1]), s12, 1e-9)
	assertRel(t, Length(orb.MultiLineString{line, line}), 2*s12, 1e-9)
	// The square's perimeter, Planimeter -p 12 → 4017.8512444618.
	sq := orb.Polygon{{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}}}
	assertRel(t, Length(sq), 4017.8512444618, 1e-9)
}

func TestSignedRingArea(t *testing.T) {
	ccw := orb.Ring{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}}
	if a := RingArea(ccw); a <= 0 {
		t.Fatalf("counter-clockwise ring area = %v, want > 0", a)
	}
	cw := orb.Ring{{37.1, 36.2}, {37.1, 36.21}, {37.11, 36.21}, {37.11, 36.2}, {37.1, 36.2}}
	if a := RingArea(cw); a >= 0 {
		t.Fatalf("clockwise ring area = %v, want < 0", a)
	}
	if a := RingArea(orb.Ring{{0, 0}, {1, 1}}); a != 0 {
		t.Fatalf("degenerate ring area = %v, want 0", a)
	}
}

func assertRel(t *testing.T, got, want, tol float64) {
	t.Helper()
	if want == 0 {
		if got != 0 {
			t.Fatalf("got %v, want 0", got)
		}
		return
	}
	if rel := math.Abs(got-want) / math.Abs(want); rel > tol {
		t.Fatalf("got %.6f, want %.6f (relative error %.3g > %.0e)", got, want, rel, tol)
	}
}

func BenchmarkPolygonArea(b *testing.B) {
	p := orb.Polygon{{{37.150, 36.203}, {37.151, 36.204}, {37.1522, 36.2035}, {37.1518, 36.2025}, {37.1505, 36.2022}, {37.150, 36.203}}}
	for b.Loop() {
		PolygonArea(p)
	}
}

func ExampleArea() {
	square := orb.Polygon{{{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}}}
	fmt.Printf("%.4f km²\n", Area(square)/1e6)
	// Output: 0.9979 km²
}

// Points added along the geodesic keep the geodesic area: the edges
// between them are pieces of the same geodesics.
func TestDensifyRingKeepsArea(t *testing.T) {
	r := orb.Ring{{30, 45}, {40, 45}, {40, 50}, {30, 50}, {30, 45}}
	d := DensifyRing(r, 1000)
	assert.Greater(t, len(d), 2000)
	assert.Equal(t, r[0], d[0])
	assert.Equal(t, r[len(r)-1], d[len(d)-1])
	assert.InEpsilon(t, RingArea(r), RingArea(d), 1e-12)
	for i := 0; i+1 < len(d); i++ {
		assert.LessOrEqual(t, Distance(d[i], d[i+1]), 1000.0+1e-6)
	}
	// No segment over the limit: the same ring back.
	short := orb.Ring{{30, 45}, {30.001, 45}, {30.001, 45.001}, {30, 45}}
	assert.Equal(t, short, DensifyRing(short, 1000))
}
