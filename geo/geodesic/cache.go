package geodesic

import (
	"math"

	"github.com/paulmach/orb"
)

// segKey is a segment's two end points, by their bits: -0 and 0 are
// different keys, as they may give different results.
type segKey [4]uint64

func keyOf(a, b orb.Point) segKey {
	return segKey{math.Float64bits(a[0]), math.Float64bits(a[1]), math.Float64bits(b[0]), math.Float64bits(b[1])}
}

// segCache keeps a value per segment for a round (a day) and the round
// before. Rings are looked up segment by segment, and a day's ring mostly
// repeats the day before's in the same order: each entry remembers the
// entry looked up after it, so a repeated stretch costs a comparison of
// keys a segment, and only the first segment of a ring and those after a
// change hash.
type segCache[V any] struct {
	m    map[segKey]*segEntry[V]
	gen  uint32
	last *segEntry[V] // the entry looked up before, in this ring
}

type segEntry[V any] struct {
	key  segKey
	val  V
	gen  uint32       // the last round that used it
	next *segEntry[V] // the entry looked up after it, when last used
}

// startRing says the next lookup is not after the previous one.
func (c *segCache[V]) startRing() { c.last = nil }

// get returns the entry of k, or nil.
func (c *segCache[V]) get(k segKey) *segEntry[V] {
	if c.last != nil {
		if n := c.last.next; n != nil && n.key == k {
			n.gen, c.last = c.gen, n
			return n
		}
	}
	e := c.m[k]
	if e != nil {
		e.gen = c.gen
		c.follow(e)
	}
	return e
}

// add makes an entry for k and returns it.
func (c *segCache[V]) add(k segKey, v V) *segEntry[V] {
	if c.m == nil {
		c.m = map[segKey]*segEntry[V]{}
	}
	e := &segEntry[V]{key: k, val: v, gen: c.gen}
	c.m[k] = e
	c.follow(e)
	return e
}

func (c *segCache[V]) follow(e *segEntry[V]) {
	if c.last != nil {
		c.last.next = e
	}
	c.last = e
}

// nextRound forgets the segments the round did not use, and the links to
// them, so that nothing forgotten is kept alive.
func (c *segCache[V]) nextRound() {
	for k, e := range c.m {
		if e.gen != c.gen {
			delete(c.m, k)
		} else if e.next != nil && e.next.gen != c.gen {
			e.next = nil
		}
	}
	c.gen++
	c.last = nil
}

func (c *segCache[V]) reset() {
	*c = segCache[V]{}
}

// DensifyCache keeps the points DensifyRing adds to each segment, so that
// rings that share most segments with those of the day before (daily maps
// of a front) need the geodesic only for the new ones. Next ends a round
// (a day) and forgets what the round did not use, so that the cache never
// holds more than two rounds' segments. The zero value is ready to use; it
// is not safe for concurrent use.
type DensifyCache struct {
	maxM float64
	segs segCache[[]orb.Point] // nil: the segment is no longer than maxM
}

// DensifyRing returns what DensifyRing(r, maxM) does (the same points),
// reusing the points of segments it has cut before.
func (c *DensifyCache) DensifyRing(r orb.Ring, maxM float64) orb.Ring {
	if c.maxM != maxM {
		c.segs.reset()
		c.maxM = maxM
	}
	c.segs.startRing()
	return densifyRing(r, maxM, func(a, b orb.Point) []orb.Point {
		k := keyOf(a, b)
		if e := c.segs.get(k); e != nil {
			return e.val
		}
		return c.segs.add(k, cutSegment(a, b, maxM)).val
	})
}

// Next ends a round (a day): the segments it did not use are forgotten.
func (c *DensifyCache) Next() { c.segs.nextRound() }

// Len is the number of segments kept.
func (c *DensifyCache) Len() int { return len(c.segs.m) }
