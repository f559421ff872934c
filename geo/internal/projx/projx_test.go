package projx

import (
	"runtime"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCRSToCRS(t *testing.T) {
	tr, err := NewCRSToCRS("EPSG:32637", "OGC:CRS84")
	require.NoError(t, err)
	defer tr.Close()
	// The central meridian of UTM zone 37N (39°E) at the false easting.
	pts := []orb.Point{{500000, 0}, {500000, 4000000}}
	i, err := tr.Forward(pts)
	require.NoError(t, err)
	assert.Equal(t, -1, i)
	assert.InDelta(t, 39, pts[0][0], 1e-12)
	assert.InDelta(t, 0, pts[0][1], 1e-12)
	assert.InDelta(t, 39, pts[1][0], 1e-12)
	assert.InDelta(t, 36.14, pts[1][1], 0.01)
	_, err = tr.Inverse(pts)
	require.NoError(t, err)
	assert.InDelta(t, 500000, pts[1][0], 1e-6)
	assert.InDelta(t, 4000000, pts[1][1], 1e-6)
}

func TestAxisOrderNormalised(t *testing.T) {
	// EPSG:4258 is latitude first by definition; GeoJSON writes longitude first.
	tr, err := NewCRSToCRS("EPSG:4258", "OGC:CRS84")
	require.NoError(t, err)
	defer tr.Close()
	pts := []orb.Point{{10, 50}}
	_, err = tr.Forward(pts)
	require.NoError(t, err)
	assert.InDelta(t, 10, pts[0][0], 1e-6)
	assert.InDelta(t, 50, pts[0][1], 1e-6)
}

func TestErrors(t *testing.T) {
	_, err := NewCRSToCRS("EPSG:999999", "OGC:CRS84")
	require.Error(t, err)
	_, err = New("+proj=nonsense")
	require.Error(t, err)
	_, err = Describe("not a crs")
	require.Error(t, err)

	tr, err := New("+proj=ortho +lat_0=0 +lon_0=0")
	require.NoError(t, err)
	// The far side of the globe is not on an orthographic map.
	pts := []orb.Point{{0, 0}, {180, 0}, {1, 1}}
	i, err := tr.Forward(pts)
	require.Error(t, err)
	assert.Equal(t, 1, i)
	assert.Equal(t, orb.Point{180, 0}, pts[1], "the failed point is left as it was")
	tr.Close()
	tr.Close()
	_, err = tr.Forward(pts)
	assert.EqualError(t, err, "PROJ transformer used after Close")
}

func TestDescribe(t *testing.T) {
	info, err := Describe("EPSG:32637")
	require.NoError(t, err)
	assert.True(t, info.Projected)
	assert.Equal(t, "WGS 84 / UTM zone 37N", info.Name)
	require.NotNil(t, info.Area)
	assert.Equal(t, Area{West: 36, South: 0, East: 42, North: 84, Name: info.Area.Name}, *info.Area)
	assert.True(t, info.Area.Contains(37.1, 36.2, 0))
	assert.False(t, info.Area.Contains(34.5, 0.0003, 1))

	info, err = Describe("EPSG:4326")
	require.NoError(t, err)
	assert.False(t, info.Projected)
}

func TestAreaAcrossAntimeridian(t *testing.T) {
	a := Area{West: 170, South: -50, East: -170, North: 0}
	assert.True(t, a.Contains(175, -10, 0))
	assert.True(t, a.Contains(-175, -10, 0))
	assert.False(t, a.Contains(0, -10, 0))
	assert.False(t, a.Contains(175, 10, 0))
}

// TestForgottenClose drops transformers without Close under GC pressure,
// from several goroutines: the one cleanup frees each PJ before its context.
func TestForgottenClose(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				tr, err := New("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=tmerc +lat_0=36 +lon_0=37 +ellps=WGS84")
				if !assert.NoError(t, err) {
					return
				}
				pts := []orb.Point{{37 + float64(g)/10, 36 + float64(i)/1000}}
				_, err = tr.Forward(pts)
				assert.NoError(t, err)
				if i%10 == 0 {
					runtime.GC()
				}
			}
		})
	}
	wg.Wait()
	runtime.GC()
}
