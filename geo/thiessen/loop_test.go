package thiessen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildFromBytes is the body of FuzzBuild: up to 16 places on a 4096×4096
// grid over 0.1°, three bytes each, and an optional square outline. It
// returns the checked build, or nil.
func buildFromBytes(t *testing.T, data []byte, withOutline bool) *build {
	t.Helper()
	var places []Place
	for i := 0; i+2 < len(data) && len(places) < 16; i += 3 {
		// 12 bits for each coordinate: 4096 steps over 0.1 degree.
		x := int(data[i]) | int(data[i+2]&0x0f)<<8
		y := int(data[i+1]) | int(data[i+2]&0xf0)<<4
		places = append(places, place(fmt.Sprintf("p%02d", len(places)), 37.1+float64(x)*0.1/4096, 36.15+float64(y)*0.1/4096))
	}
	if len(places) == 0 {
		return nil
	}
	opt := Options{MinDistanceM: 20}
	if withOutline {
		opt.Outline = square(37.12, 36.17, 37.18, 36.23)
	}
	b, err := runBuild(places, opt)
	if err != nil {
		msg := err.Error()
		require.True(t, strings.Contains(msg, "apart, closer than the minimum distance") || strings.Contains(msg, "have identical coordinates"), msg)
		return nil
	}
	checkCoverage(t, b)
	return b
}

// TestBuildLoopUnderGC runs the fuzz body over many random inputs in one
// process, from two goroutines, with a garbage collection after every
// build. It guards against C memory freed while still in use: go-proj v11
// freed a PROJ context before the projection made in it (two cleanups run
// in either order), and the write into the freed context corrupted the C
// heap until GEOS crashed with SIGSEGV, after some 20,000 builds in such a
// loop (TestPROJFreeOrder watches the order directly).
// FRONTLINE_BUILD_LOOP=N runs N builds per goroutine (default 150).
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
			for i := range n {
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
				// Half the projections are closed, half left to the GC.
				if b := buildFromBytes(t, data, r.IntN(2) == 0); b != nil && i%2 == 0 {
					b.plane.close()
				}
				runtime.GC()
			}
		})
	}
	wg.Wait()
}

// TestPROJFreeOrder runs TestBuildLoopUnderGC in a child process with a
// probe (testdata/projorder, built with the C compiler cgo uses) preloaded
// in front of libproj: it sees every PJ made in a context and every
// destruction, and the test fails if any PJ is destroyed after its context.
// With go-proj v11 most were (402 of 600 builds).
func TestPROJFreeOrder(t *testing.T) {
	if os.Getenv("FRONTLINE_PROJORDER") != "" {
		t.Skip("in the child process")
	}
	if testing.Short() {
		t.Skip("builds a C probe and runs a child process")
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	so := filepath.Join(t.TempDir(), "projorder.so")
	out, err := exec.Command(cc, "-shared", "-fPIC", "-O1", "-o", so, "testdata/projorder/projorder.c", "-ldl", "-lpthread").CombinedOutput()
	require.NoError(t, err, "building the probe: %s", out)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildLoopUnderGC$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "LD_PRELOAD="+so, "FRONTLINE_BUILD_LOOP=40", "FRONTLINE_PROJORDER=1")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	inOrder := strings.Count(string(out), "projorder: PJ destroyed in order")
	late := strings.Count(string(out), "projorder: PJ destroyed after its context")
	require.Positive(t, inOrder+late, "the probe saw no PJ destroyed: is it loaded?\n%s", out)
	t.Logf("the probe saw %d PJs destroyed", inOrder+late)
	assert.Zero(t, late, "%d of %d PJs destroyed after their PROJ context", late, inOrder+late)
}
