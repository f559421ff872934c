package partition

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMeetOnlyAtEnds(t *testing.T) {
	p := func(x, y int64) ipoint { return ipoint{x, y} }
	seg := func(a, b ipoint) iseg {
		if lessPoint(b, a) {
			a, b = b, a
		}
		return iseg{a, b}
	}
	cases := []struct {
		name string
		s, u iseg
		want bool
	}{
		{"disjoint", seg(p(0, 0), p(2, 0)), seg(p(0, 1), p(2, 1)), true},
		{"shared end", seg(p(0, 0), p(2, 0)), seg(p(2, 0), p(3, 5)), true},
		{"shared end, collinear, opposite ways", seg(p(0, 0), p(2, 0)), seg(p(2, 0), p(4, 0)), true},
		{"collinear, apart", seg(p(0, 0), p(2, 0)), seg(p(3, 0), p(4, 0)), true},
		{"end on the other's line beyond it", seg(p(0, 0), p(2, 0)), seg(p(3, 0), p(3, 3)), true},
		{"proper crossing", seg(p(0, 0), p(2, 2)), seg(p(0, 2), p(2, 0)), false},
		{"T-junction", seg(p(0, 0), p(2, 0)), seg(p(1, 0), p(1, 2)), false},
		{"collinear overlap", seg(p(0, 0), p(2, 0)), seg(p(1, 0), p(3, 0)), false},
		{"collinear, shared end, same way", seg(p(0, 0), p(2, 0)), seg(p(0, 0), p(1, 0)), false},
		{"one inside the other", seg(p(0, 0), p(4, 0)), seg(p(1, 0), p(2, 0)), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, meetOnlyAtEnds(tc.s, tc.u), tc.name)
		assert.Equal(t, tc.want, meetOnlyAtEnds(tc.u, tc.s), tc.name+", swapped")
		assert.Equal(t, tc.want, noded([]iseg{tc.s, tc.u}), tc.name+", noded")
	}
}

func TestCmpProducts(t *testing.T) {
	const big = 1 << 40
	cases := []struct {
		p, q, r, s int64
		want       int
	}{
		{2, 3, 1, 5, 1},
		{2, 3, 1, 6, 0},
		{-2, 3, 1, -5, -1},
		{big, big, big - 1, big + 1, 1}, // 2^80 vs 2^80 - 1: beyond int64
		{big, -big, -(big - 1), big + 1, -1},
		{0, big, 0, -big, 0},
		{-big, -big, big, big, 0},
		{1<<31 - 1, 1<<31 - 1, 1<<31 - 2, 1 << 31, 1}, // at the edge of the int64 shortcut
		{-(1<<31 - 1), 1<<31 - 1, 1<<31 - 1, -(1<<31 - 1), 0},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, cmpProducts(tc.p, tc.q, tc.r, tc.s), "%d·%d − %d·%d", tc.p, tc.q, tc.r, tc.s)
	}
}

// cmpProducts agrees with big-integer arithmetic on both sides of its
// int64 shortcut.
func TestCmpProductsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, limit := range []int64{1 << 8, 1 << 31, 1 << 40, 1<<62 - 1} {
		for range 20000 {
			v := func() int64 { return rng.Int64N(2*limit) - limit }
			p, q, r, s := v(), v(), v(), v()
			want := new(big.Int).Sub(new(big.Int).Mul(big.NewInt(p), big.NewInt(q)), new(big.Int).Mul(big.NewInt(r), big.NewInt(s))).Sign()
			require.Equal(t, want, cmpProducts(p, q, r, s), "%d·%d − %d·%d", p, q, r, s)
		}
	}
}

// No districts tile trivially, and an empty index answers nothing: a file
// whose every feature was refused must not crash the checks after it.
func TestEmpty(t *testing.T) {
	faces, ok := Exact(nil, 1e9)
	assert.True(t, ok)
	assert.Empty(t, faces)
	assert.Empty(t, NewIndex(nil).Query(orb.Point{0, 0}))
}
