package polygons

import (
	"slices"

	"github.com/paulmach/orb"
)

// A side's map changes in a few places a day: most of its rings' segments
// are the day before's, in the same order. diffRings finds the segments
// that differ by walking the two days' rings side by side, instead of
// putting every segment of both days in a map.

// diffRings returns the segments of now that was lacks and those of was
// that now lacks (each a symmetric difference: a segment that moved in the
// ring is in neither).
func diffRings(was, now orb.MultiPolygon) (added, removed []segKey) {
	old := rings(was)
	done := make([][]bool, len(old)) // which segments of was now has
	for i, r := range old {
		done[i] = make([]bool, max(len(r)-1, 0))
	}
	// at finds where a point starts a segment of was; made when first
	// needed (the walk usually stays in step).
	var at map[orb.Point][2]int
	find := func(p orb.Point) (int, int, bool) {
		if at == nil {
			at = map[orb.Point][2]int{}
			for ri, r := range old {
				for i := 0; i+1 < len(r); i++ {
					if _, ok := at[r[i]]; !ok {
						at[r[i]] = [2]int{ri, i}
					}
				}
			}
		}
		pos, ok := at[p]
		return pos[0], pos[1], ok
	}
	// ahead looks for segment a–b a little further along ring ri from i:
	// where a day's line rejoins the last day's after a change.
	const window = 256
	ahead := func(ri, i int, a, b orb.Point) (int, bool) {
		o := old[ri]
		n := len(o) - 1
		for k := range min(window, n) {
			at := (i + k) % n
			if o[at] == a && o[at+1] == b {
				return at, true
			}
		}
		return 0, false
	}
	for k, r := range rings(now) {
		ri, i := k, 0 // the same ring from the same start, until shown otherwise
		lastRi, lastI := -1, 0
		for j := 0; j+1 < len(r); j++ {
			a, b := r[j], r[j+1]
			match := func() bool {
				o := old[ri]
				return i+1 < len(o) && o[i] == a && o[i+1] == b
			}
			ok := ri < len(old) && match()
			if !ok && lastRi >= 0 {
				if at, found := ahead(lastRi, lastI, a, b); found {
					ri, i, ok = lastRi, at, true
				}
			}
			if !ok {
				var found bool
				if ri, i, found = find(a); found {
					ok = match()
				}
			}
			if !ok {
				added = append(added, newSegKey(a, b))
				ri = len(old) // out of step
				continue
			}
			lastRi, lastI = ri, i
			done[ri][i] = true
			if i++; i+1 >= len(old[ri]) {
				i = 0 // round the ring
			}
		}
	}
	for ri, r := range old {
		for i := 0; i+1 < len(r); i++ {
			if !done[ri][i] {
				removed = append(removed, newSegKey(r[i], r[i+1]))
			}
		}
	}
	if len(added) == 0 || len(removed) == 0 {
		return added, removed
	}
	// A segment in both lists moved along its ring: it is no change.
	odd := make(map[segKey]int, len(added)+len(removed))
	for _, k := range added {
		odd[k]++
	}
	for _, k := range removed {
		odd[k]--
	}
	keep := func(l []segKey, sign int) []segKey {
		return slices.DeleteFunc(l, func(k segKey) bool {
			if n := odd[k]; n*sign > 0 {
				odd[k] -= sign
				return false
			}
			return true
		})
	}
	return keep(added, 1), keep(removed, -1)
}

func rings(mp orb.MultiPolygon) []orb.Ring {
	var out []orb.Ring
	for _, p := range mp {
		out = append(out, p...)
	}
	return out
}
