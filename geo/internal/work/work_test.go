package work

import (
	"sync/atomic"
	"testing"
)

// Every index is done once, whatever the number of cores.
func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		seen := make([]atomic.Int32, n)
		Parallel(n, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if v := seen[i].Load(); v != 1 {
				t.Fatalf("n=%d: index %d done %d times", n, i, v)
			}
		}
	}
}
