package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
)

func text(s string) func() (sized, error) {
	return func() (sized, error) { return newResponse("text/plain", []byte(s)), nil }
}

func body(t *testing.T, v sized) string {
	t.Helper()
	r, ok := v.(*response)
	require.True(t, ok, "%T", v)
	return string(r.body)
}

func TestCacheComputesOnceUnderConcurrency(t *testing.T) {
	for _, budget := range []time.Duration{0, time.Minute} {
		c := newCache(1<<20, 2)
		var calls atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				<-start
				v, err := c.wait("k", budget, func() (sized, error) {
					calls.Add(1)
					return newResponse("text/plain", []byte("v")), nil
				})
				if assert.NoError(t, err) {
					assert.Equal(t, "v", body(t, v))
				}
			})
		}
		close(start)
		wg.Wait()
		assert.Equal(t, int32(1), calls.Load(), "budget %v", budget)
	}
}

func TestCacheForgetsFailures(t *testing.T) {
	c := newCache(1<<20, 1)
	_, err := c.get("k", func() (sized, error) { return nil, errors.New("boom") })
	require.Error(t, err)
	v, err := c.get("k", text("ok"))
	require.NoError(t, err)
	assert.Equal(t, "ok", body(t, v))
}

// A panic in a computation becomes an error for every waiter instead of
// a hang or a crash, and is not cached.
func TestCacheRecoversPanics(t *testing.T) {
	c := newCache(1<<20, 1)
	_, err := c.wait("k", time.Minute, func() (sized, error) { panic("GEOS said no") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GEOS said no")
	v, err := c.get("k", text("fine"))
	require.NoError(t, err)
	assert.Equal(t, "fine", body(t, v))
}

// The cache keeps at most its budget, dropping the least recently used;
// what it dropped is computed again when asked for.
func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	kb := func(s string) func() (sized, error) { return text(strings.Repeat(s, 1000)) }
	a, err := kb("a")()
	require.NoError(t, err)
	one := a.size()
	c := newCache(3*one, 1)
	for _, k := range []string{"a", "b", "c"} {
		_, err := c.get(k, kb(k))
		require.NoError(t, err)
	}
	assert.Equal(t, 3*one, c.bytes())
	_, err = c.get("a", kb("a")) // a is now the most recent
	require.NoError(t, err)
	_, err = c.get("d", kb("d")) // evicts b, the least recent
	require.NoError(t, err)
	assert.LessOrEqual(t, c.bytes(), 3*one)
	assert.Equal(t, int64(1), c.evictions.Load())

	computed := map[string]int{}
	for _, k := range []string{"a", "c", "d", "b"} {
		_, err := c.get(k, func() (sized, error) { computed[k]++; return kb(k)() })
		require.NoError(t, err)
	}
	assert.Equal(t, map[string]int{"b": 1}, computed, "only the evicted entry is rebuilt")

	// A value larger than the whole budget is answered but not kept.
	big, err := c.get("big", text(strings.Repeat("x", int(4*one))))
	require.NoError(t, err)
	assert.Len(t, body(t, big), int(4*one))
	assert.LessOrEqual(t, c.bytes(), 3*one)
}

// The gzip form, made on first demand, counts against the budget.
func TestCacheCountsGzipForm(t *testing.T) {
	c := newCache(1<<20, 1)
	v, err := c.get("k", text(strings.Repeat("frontline ", 1000)))
	require.NoError(t, err)
	before := c.bytes()
	r := v.(*response)
	r.encode()
	require.NotNil(t, r.gz)
	assert.Nil(t, r.br, "the API's answers are gzip only")
	assert.Equal(t, before+int64(len(r.gz)), c.bytes())
	r.encode()
	assert.Equal(t, before+int64(len(r.gz)), c.bytes(), "compressed once")
}

// A computation that outlasts the wait answers busy and completes in the
// background; the next request gets its result without computing again.
func TestCacheBusyThenCached(t *testing.T) {
	c := newCache(1<<20, 1)
	release := make(chan struct{})
	calls := 0
	slow := func() (sized, error) { calls++; <-release; return newResponse("text/plain", []byte("late")), nil }
	_, err := c.wait("k", time.Millisecond, slow)
	var busy *errBusy
	require.ErrorAs(t, err, &busy)
	assert.Equal(t, 1, busy.seconds())
	close(release)
	v, err := c.wait("k", time.Minute, slow)
	require.NoError(t, err)
	assert.Equal(t, "late", body(t, v))
	assert.Equal(t, 1, calls)
}

// The API's answers have identity and gzip forms: pickEncoding chooses.
func TestPickEncodingGzipOrIdentity(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.8": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"gzip;q=0.5": true, "deflate, gzip;q=1.0": true, "identity": false, "": false, "*": true, "GZIP": true, "x-gzip": true,
		// RFC 9110 §12.5.3: an explicit entry wins over "*".
		"*, gzip;q=0": false, "gzip;q=0, *": false, "*;q=0": false, "identity;q=0, *": true,
		// The preferred coding wins; a tie goes to gzip.
		"gzip;q=0.5, identity;q=0.8": false, "identity, gzip;q=0.9": false, "gzip, identity": true, "identity;q=0, gzip;q=0.1": true,
		// Malformed or out-of-range weights do not accept.
		"gzip;q=abc": false, "gzip;q=1.5": false, "deflate, br": false, "gzip;level=9": true,
	} {
		assert.Equal(t, want, pickEncoding(h, false, true) == "gzip", "pickEncoding(%q)", h)
	}
}

func TestClip(t *testing.T) {
	assert.Equal(t, "short", clip("short", 10))
	assert.Equal(t, "abcde… (5 bytes cut)", clip("abcdefghij", 5))
	// Never in the middle of a rune: "é" is two bytes.
	assert.Equal(t, "ab… (6 bytes cut)", clip("abééé", 3))
}

// Answers about dates after the last change are cached like any other,
// and what they are computed from is kept per change date: a territory or
// frontlines far after the last change reuses the geometry of the last
// change date, only its encoding is new. Repeating a request computes
// nothing.
func TestAfterLastChangeIsCached(t *testing.T) {
	ds := testkit.Small(t)
	s, err := New(Deps{Dataset: ds}, Config{})
	require.NoError(t, err)
	r := ds.Range()
	do := func(target string) {
		t.Helper()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusOK, rec.Code, target)
	}
	for _, target := range []string{
		"/api/stats?from=" + r.First.String() + "&to=" + (r.Last + 3000).String(),
		"/api/snapshot/" + (r.Last + 5).String(),
		"/api/changes?from=" + r.First.String() + "&to=" + (r.Last + 9).String(),
		"/api/control/" + (r.Last + 11).String(),
	} {
		do(target)
		misses := s.cache.misses.Load()
		do(target)
		assert.Equal(t, misses, s.cache.misses.Load(), "%s computed again", target)
	}
	for _, kind := range []string{"territory", "frontlines"} {
		do("/api/" + kind + "/" + (r.Last + 7).String())
		misses := s.cache.misses.Load()
		do("/api/" + kind + "/" + (r.Last + 700).String())
		assert.Equal(t, misses+1, s.cache.misses.Load(), "%s: only the answer is new, not the geometry", kind)
	}
}

// One parser reads Accept and Accept-Encoding: a malformed or
// out-of-range weight accepts nothing, in both.
func TestParseAccept(t *testing.T) {
	for h, want := range map[string][]accepted{
		"":                             nil,
		"gzip":                         {{"gzip", 1}},
		"GZIP;q=0.5, br":               {{"gzip", 0.5}, {"br", 1}},
		"text/html;level=1;q=0.8, */*": {{"text/html", 0.8}, {"*/*", 1}},
		"text/html;q=abc":              {{"text/html", 0}},
		"gzip;q=1.5, identity;q=-1":    {{"gzip", 0}, {"identity", 0}},
		"gzip;Q=0.25":                  {{"gzip", 0.25}},
		" , gzip ;  q = 0.3 ,":         {{"gzip", 0.3}},
		"gzip;q=NaN":                   {{"gzip", 0}},
	} {
		assert.Equal(t, want, parseAccept(h), "parseAccept(%q)", h)
	}
}
