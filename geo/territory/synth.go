package territory

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Synthetic coverages are placed near Aleppo with cells of SynthCell degrees
// (about 90 m × 110 m), for benchmarks and for a synthetic demo dataset.
const (
	SynthLon  = 37.10
	SynthLat  = 36.15
	SynthCell = 0.001
)

// SynthGrid returns nx×ny districts that tile a rectangle exactly: a grid
// whose interior lattice points are jittered by up to 30% of a cell (seeded,
// deterministic), so neighbours share their corners bit for bit and every
// cell is a valid convex-or-not quadrilateral. District i is column i%nx, row
// i/nx, counter-clockwise.
func SynthGrid(nx, ny int, seed int64) []orb.Geometry {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7e77))
	lattice := make([]orb.Point, (nx+1)*(ny+1))
	for j := 0; j <= ny; j++ {
		for i := 0; i <= nx; i++ {
			x, y := float64(i), float64(j)
			if i > 0 && i < nx && j > 0 && j < ny {
				x += (rng.Float64() - 0.5) * 0.6
				y += (rng.Float64() - 0.5) * 0.6
			}
			lattice[j*(nx+1)+i] = orb.Point{SynthLon + x*SynthCell, SynthLat + y*SynthCell}
		}
	}
	at := func(i, j int) orb.Point { return lattice[j*(nx+1)+i] }
	out := make([]orb.Geometry, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			out = append(out, orb.Polygon{{at(i, j), at(i+1, j), at(i+1, j+1), at(i, j+1), at(i, j)}})
		}
	}
	return out
}

// SynthHex returns nx×ny hexagonal districts (pointy-top, odd rows shifted
// east by half a cell) that tile a ragged rectangle exactly: every vertex is
// computed from its integer lattice position and jittered by up to 15% of a
// cell (seeded, deterministic), so the three districts meeting at a vertex
// share it bit for bit. District i is column i%nx, row i/nx, counter-clockwise.
// Cells are SynthCell wide and about as tall, like those of SynthGrid.
func SynthHex(nx, ny int, seed int64) []orb.Geometry {
	// Vertex lattice: X in half cell widths, Y in quarter cell heights
	// (a hexagon spans 4 quarters; rows are 3 quarters apart).
	const jitter = 0.15
	vertex := func(x, y int) orb.Point {
		h := uint64(seed)*0x9e3779b97f4a7c15 ^ uint64(x)*0xbf58476d1ce4e5b9 ^ uint64(y)*0x94d049bb133111eb
		rng := rand.New(rand.NewPCG(h, 0x4e7))
		dx := (rng.Float64() - 0.5) * 2 * jitter
		dy := (rng.Float64() - 0.5) * 2 * jitter
		return orb.Point{SynthLon + (float64(x)/2+dx)*SynthCell, SynthLat + (float64(y)/4+dy)*SynthCell}
	}
	out := make([]orb.Geometry, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			x, y := 2*i+(j&1)+1, 3*j+2
			out = append(out, orb.Polygon{{
				vertex(x, y-2), vertex(x+1, y-1), vertex(x+1, y+1), vertex(x, y+2),
				vertex(x-1, y+1), vertex(x-1, y-1), vertex(x, y-2),
			}})
		}
	}
	return out
}

// SynthFront returns dates labellings of the nx×ny districts of SynthGrid:
// side a holds the districts west of a wavy north–south front, side b those
// east of it, and districts within half a cell of the front are "contested".
// The front moves back and forth and changes shape from one date to the next,
// so that each labelling differs from the previous one by a few hundred
// districts on a 75×70 grid.
func SynthFront(nx, ny, dates int, a, b string, seed int64) [][]string {
	return SynthFrontPace(nx, ny, dates, 1, a, b, seed)
}

// SynthFrontPace is SynthFront with the front moving pace times as fast:
// pace 1/3 on a 100×100 grid changes about 130 districts a date.
func SynthFrontPace(nx, ny, dates int, pace float64, a, b string, seed int64) [][]string {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xf20))
	phase := rng.Float64() * 2 * math.Pi
	out := make([][]string, dates)
	for d := range out {
		t := float64(d) * pace
		labels := make([]string, nx*ny)
		for j := 0; j < ny; j++ {
			y := float64(j) / float64(ny)
			front := float64(nx)/2 +
				float64(nx)/4*math.Sin(2*math.Pi*t/40+phase) +
				float64(nx)/8*math.Sin(4*math.Pi*y+t/5) +
				float64(nx)/16*math.Sin(10*math.Pi*y-t/3)
			for i := 0; i < nx; i++ {
				x := float64(i) + 0.5
				switch {
				case math.Abs(x-front) < 0.5:
					labels[j*nx+i] = "contested"
				case x < front:
					labels[j*nx+i] = a
				default:
					labels[j*nx+i] = b
				}
			}
		}
		out[d] = labels
	}
	return out
}
