package thiessen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildFromBytes is the body of FuzzBuild: up to 16 places on a 4096×4096
// grid over 0.1°, three bytes each, and an optional square outline.
func buildFromBytes(t *testing.T, data []byte, withOutline bool) {
	t.Helper()
	var places []Place
	for i := 0; i+2 < len(data) && len(places) < 16; i += 3 {
		// 12 bits for each coordinate: 4096 steps over 0.1 degree.
		x := int(data[i]) | int(data[i+2]&0x0f)<<8
		y := int(data[i+1]) | int(data[i+2]&0xf0)<<4
		places = append(places, place(fmt.Sprintf("p%02d", len(places)), 37.1+float64(x)*0.1/4096, 36.15+float64(y)*0.1/4096))
	}
	if len(places) == 0 {
		return
	}
	opt := Options{MinDistanceM: 20}
	if withOutline {
		opt.Outline = square(37.12, 36.17, 37.18, 36.23)
	}
	b, err := runBuild(places, opt)
	if err != nil {
		msg := err.Error()
		require.True(t, strings.Contains(msg, "apart, closer than the minimum distance") || strings.Contains(msg, "have identical coordinates"), msg)
		return
	}
	checkCoverage(t, b)
	b.plane.close()
}

// TestBuildLoopUnderGC runs the fuzz body over many random inputs in one
// process, from two goroutines, with a garbage collection after every
// build. It guards against C memory freed while still in use: go-proj v11
// freed a PROJ context before the projection made in it (two cleanups run
// in either order), and the write into the freed context corrupted the C
// heap until GEOS crashed with SIGSEGV, after some 20,000 builds in such a
// loop. FRONTLINE_BUILD_LOOP=N runs N builds per goroutine (default 150).
func TestBuildLoopUnderGC(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 20
	}
	if v := os.Getenv("FRONTLINE_BUILD_LOOP"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "FRONTLINE_BUILD_LOOP")
	}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 42))
			for range n {
				// Inputs like the saved fuzz inputs: many bytes equal.
				data := make([]byte, 3+r.IntN(46))
				common := byte(r.IntN(256))
				for i := range data {
					if r.IntN(2) == 0 {
						data[i] = common
					} else {
						data[i] = byte(r.IntN(256))
					}
				}
				buildFromBytes(t, data, r.IntN(2) == 0)
				runtime.GC()
			}
		})
	}
	wg.Wait()
}
