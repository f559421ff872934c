package polygons

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPackRoundTrip(t *testing.T) {
	mp := orb.MultiPolygon{
		{{{30, 50}, {31, 50}, {31, 51}, {30, 50}}, {{30.2, 50.2}, {30.3, 50.2}, {30.3, 50.3}, {30.2, 50.2}}},
		{{{32.0000001, 49.9999999}, {32.5, 49}, {33, 50}, {32.0000001, 49.9999999}}},
	}
	got, err := pack(mp).unpack()
	require.NoError(t, err)
	assert.Equal(t, mp, got)
	segs := []segKey{newSegKey(orb.Point{1, 2}, orb.Point{3, 4}), newSegKey(orb.Point{-1, 2}, orb.Point{0, 0})}
	back, err := packSegs(segs).unpackSegs()
	require.NoError(t, err)
	assert.Equal(t, segs, back)
	_, err = pack(mp)[:20].unpack()
	assert.ErrorIs(t, err, errDamaged)
}

// FuzzUnpack: a damaged state gives an error, never a panic or a huge
// allocation; what unpacks packs to the same bytes.
func FuzzUnpack(f *testing.F) {
	f.Add([]byte(pack(orb.MultiPolygon{{{{30, 50}, {31, 50}, {31, 51}, {30, 50}}}})))
	f.Add([]byte{1, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		mp, err := packed(b).unpack()
		if err != nil {
			return
		}
		again := pack(mp)
		if !bytes.Equal(again, b[:len(again)]) {
			t.Fatalf("unpack then pack changed the bytes")
		}
	})
}
