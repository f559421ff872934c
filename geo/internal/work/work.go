// Package work runs independent pieces of work on every core.
package work

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel calls fn(i) for i in 0 … n-1, on as many goroutines as there are
// cores, and returns when every call has; fn must be safe to run
// concurrently for different i.
func Parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
