package polygons

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/paulmach/orb"
)

// packed is a MultiPolygon as the state stores it: the number of polygons,
// of rings in each and of points in each ring, then the coordinates, all
// little-endian in one byte slice (gob writes it in one piece: decoding
// nested slices of points element by element took most of a resumed run).
type packed []byte

func pack(mp orb.MultiPolygon) packed {
	n := 4
	for _, p := range mp {
		n += 4
		for _, r := range p {
			n += 4 + 16*len(r)
		}
	}
	b := make([]byte, 0, n)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(mp)))
	for _, p := range mp {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
		for _, r := range p {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(r)))
			for _, pt := range r {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
			}
		}
	}
	return b
}

var errDamaged = errors.New("the import's state is damaged: a geometry is cut short")

func (b packed) unpack() (orb.MultiPolygon, error) {
	count := func() (int, error) {
		if len(b) < 4 {
			return 0, errDamaged
		}
		n := int(binary.LittleEndian.Uint32(b))
		b = b[4:]
		if n > len(b) {
			return 0, errDamaged // every item takes at least a byte
		}
		return n, nil
	}
	np, err := count()
	if err != nil {
		return nil, err
	}
	mp := make(orb.MultiPolygon, np)
	for i := range mp {
		nr, err := count()
		if err != nil {
			return nil, err
		}
		mp[i] = make(orb.Polygon, nr)
		for j := range mp[i] {
			n, err := count()
			if err != nil {
				return nil, err
			}
			if len(b) < 16*n {
				return nil, errDamaged
			}
			r := make(orb.Ring, n)
			for k := range r {
				r[k] = orb.Point{math.Float64frombits(binary.LittleEndian.Uint64(b[16*k:])), math.Float64frombits(binary.LittleEndian.Uint64(b[16*k+8:]))}
			}
			b = b[16*n:]
			mp[i][j] = r
		}
	}
	return mp, nil
}

// packSegs packs segments as one ring of their points, two a segment.
func packSegs(segs []segKey) packed {
	r := make(orb.Ring, 0, 2*len(segs))
	for _, s := range segs {
		r = append(r, s[0], s[1])
	}
	return pack(orb.MultiPolygon{{r}})
}

func (b packed) unpackSegs() ([]segKey, error) {
	mp, err := b.unpack()
	if err != nil {
		return nil, err
	}
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0])%2 != 0 {
		return nil, errDamaged
	}
	r := mp[0][0]
	out := make([]segKey, len(r)/2)
	for i := range out {
		out[i] = segKey{r[2*i], r[2*i+1]}
	}
	return out, nil
}
