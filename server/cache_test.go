package server

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCacheComputesOnceUnderConcurrency(t *testing.T) {
	c := newCache()
	var calls atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := c.get("k", func() (*response, error) {
				calls.Add(1)
				return newResponse("text/plain", []byte("v")), nil
			})
			if err != nil || string(r.body) != "v" {
				t.Errorf("got %v, %v", r, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("computed %d times, want 1", n)
	}
}

func TestCacheForgetsFailures(t *testing.T) {
	c := newCache()
	_, err := c.get("k", func() (*response, error) { return nil, errors.New("boom") })
	if err == nil {
		t.Fatal("want error")
	}
	r, err := c.get("k", func() (*response, error) { return newResponse("text/plain", []byte("ok")), nil })
	if err != nil || string(r.body) != "ok" {
		t.Fatalf("retry got %v, %v", r, err)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.8": true, "gzip;q=0": false, "gzip; q=0.0": false, "gzip;q=0.5": true, "deflate, gzip;q=1.0": true, "identity": false, "": false, "*": true,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
