package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

// response is a body computed once and served many times: the one server
// of ETags, 304s and compression, for the API's answers and the page's
// files alike. Each representation (identity, gzip, Brotli) has its own
// strong ETag. Its compressed forms are made once, on the first request
// that accepts one (or in the background, for the page's files): the
// API's answers get gzip at a level chosen by their size, so clients that
// never ask for gzip never pay for it; the page's files (best) get Brotli
// and gzip at their best levels, paid once per start for every visitor.
type response struct {
	ctype string
	body  []byte
	etag  string // of the identity representation
	best  bool

	once   sync.Once
	gz, br []byte // nil when the coding would not shrink the body
	// done is set once the compressed forms are made, for the tests to
	// watch.
	done atomic.Bool
	// cache is told how many bytes the compressed forms add; nil for
	// responses held outside the cache.
	cache *cache
	key   string

	// header values, built once so that serving allocates nothing.
	ctypeH, etagH, gzETagH, brETagH, lengthH, gzLengthH, brLengthH []string
}

// minGzip is the size below which compression costs more than it saves.
const minGzip = 512

func newResponse(ctype string, body []byte) *response {
	// Bodies come from growing buffers: keep no spare capacity.
	if cap(body)-len(body) > 4096 {
		body = bytes.Clone(body)
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	return &response{
		ctype: ctype, body: body, etag: `"` + tag + `"`,
		ctypeH: []string{ctype}, etagH: []string{`"` + tag + `"`}, gzETagH: []string{`"` + tag + `-gzip"`}, brETagH: []string{`"` + tag + `-br"`},
		lengthH: []string{strconv.Itoa(len(body))},
	}
}

// size is what the response holds in memory, for the cache's budget.
func (r *response) size() int64 { return int64(cap(r.body)+len(r.gz)+len(r.br)) + 512 }

// gzipLevel trades time for bytes by size: small bodies (most requests)
// get the best compression, which costs a few ms on them; middle ones the
// default (on Aleppo's 1 MB snapshot level 9 takes 143 ms against 57 ms for
// 0.1 % fewer bytes); the largest the fastest (a 5.6 MB snapshot of 10,000
// districts: 32 ms and 1.08 MB against 186 ms and 0.91 MB at level 9).
func gzipLevel(n int) int {
	switch {
	case n <= 256<<10:
		return gzip.BestCompression
	case n <= 2<<20:
		return gzip.DefaultCompression
	}
	return gzip.BestSpeed
}

// encodable reports whether the body may be sent compressed: only then
// does the answer vary with Accept-Encoding.
func (r *response) encodable() bool { return len(r.body) >= minGzip && !compressedType(r.ctype) }

// encode makes the compressed forms, once; a form that would not be
// smaller is not kept.
func (r *response) encode() {
	r.once.Do(func() {
		defer r.done.Store(true)
		if !r.encodable() {
			return
		}
		level := gzipLevel(len(r.body))
		if r.best {
			level = gzip.BestCompression
		}
		var buf bytes.Buffer
		buf.Grow(len(r.body) / 4)
		zw, _ := gzip.NewWriterLevel(&buf, level)
		_, _ = zw.Write(r.body)
		_ = zw.Close()
		if buf.Len() < len(r.body) {
			r.gz = bytes.Clone(buf.Bytes()) // no spare capacity kept
			r.gzLengthH = []string{strconv.Itoa(len(r.gz))}
		}
		if r.best {
			// Brotli's best level costs about 0.9 s of CPU for the page's
			// 320 KB (level 5: 0.07 s) and saves 10 % over level 5.
			buf.Reset()
			bw := brotli.NewWriterLevel(&buf, brotli.BestCompression)
			_, _ = bw.Write(r.body)
			_ = bw.Close()
			if buf.Len() < len(r.body) {
				r.br = bytes.Clone(buf.Bytes())
				r.brLengthH = []string{strconv.Itoa(len(r.br))}
			}
		}
		if r.cache != nil && len(r.gz)+len(r.br) > 0 {
			r.cache.grew(r.key, r, int64(len(r.gz)+len(r.br)))
		}
	})
}

// compressedType reports media types whose bytes are compressed already.
func compressedType(ctype string) bool {
	return strings.HasPrefix(ctype, "image/png") || strings.HasPrefix(ctype, "image/jpeg") ||
		strings.HasPrefix(ctype, "image/webp") || strings.HasPrefix(ctype, "font/woff")
}

var (
	gzipH   = []string{"gzip"}
	brH     = []string{"br"}
	varyAEH = "Accept-Encoding"
)

// serve writes r with its ETag, Cache-Control and the coding the client
// accepts best (pickEncoding), answering 304 to a matching If-None-Match.
func (r *response) serve(c echo.Context, cacheControl string) error {
	req := c.Request()
	h := c.Response().Header()
	body, etag, length := r.body, r.etagH, r.lengthH
	if ae := req.Header.Get("Accept-Encoding"); r.encodable() && pickEncoding(ae, r.best, true) != "" {
		r.encode()
		switch pickEncoding(ae, r.br != nil, r.gz != nil) {
		case "br":
			body, etag, length = r.br, r.brETagH, r.brLengthH
			h["Content-Encoding"] = brH
		case "gzip":
			body, etag, length = r.gz, r.gzETagH, r.gzLengthH
			h["Content-Encoding"] = gzipH
		}
	}
	h["Etag"] = etag
	h.Set("Cache-Control", cacheControl)
	if r.encodable() {
		h.Add("Vary", varyAEH)
	}
	if etagMatch(req.Header.Get("If-None-Match"), etag[0]) {
		h.Del("Content-Encoding")
		c.Response().WriteHeader(http.StatusNotModified)
		return nil
	}
	h["Content-Type"] = r.ctypeH
	h["Content-Length"] = length
	res := c.Response()
	res.WriteHeader(http.StatusOK)
	if req.Method == http.MethodHead {
		return nil
	}
	n, err := writeBody(req, res.Writer, body)
	res.Size += n
	return err
}

// etagMatch is If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// sized is what the cache holds: a value that knows its memory footprint.
type sized interface{ size() int64 }

// cache holds computed values by key, bounded by bytes: when the values
// held exceed the budget, the least recently used are dropped, and are
// computed again when next asked for. Each key is computed at most once at
// a time, however many requests ask for it; failures are not kept.
type cache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	items  map[string]*item
	lru    item // sentinel: lru.next is the most recently used
	calls  map[string]*call

	// slots bounds the computations that run at once for requests, so
	// that cached answers stay fast while many new ones are computed.
	slots chan struct{}

	hits, misses, evictions atomic.Int64
}

type item struct {
	key        string
	val        sized
	size       int64
	prev, next *item
}

// call is a computation in progress.
type call struct {
	done chan struct{}
	val  sized
	err  error
}

// newCache returns a cache of budget bytes running at most concurrent
// computations for requests at once.
func newCache(budget int64, concurrent int) *cache {
	c := &cache{budget: budget, items: map[string]*item{}, calls: map[string]*call{}, slots: make(chan struct{}, max(1, concurrent))}
	c.lru.prev, c.lru.next = &c.lru, &c.lru
	return c
}

// errBusy says that a computation outlasted the request's wait; it goes
// on in the background and its result is cached when done.
type errBusy struct{ retryAfter time.Duration }

func (e *errBusy) Error() string {
	return fmt.Sprintf("the answer is still being computed: retry in %d s", e.seconds())
}

func (e *errBusy) seconds() int { return max(1, int((e.retryAfter+time.Second-1)/time.Second)) }

// get returns the value for key, computing it in the calling goroutine
// when nobody else is; for nested use inside a computation.
func (c *cache) get(key string, compute func() (sized, error)) (sized, error) {
	return c.wait(key, 0, compute)
}

// wait returns the value for key. With a positive budget the computation
// runs in its own goroutine and wait returns *errBusy when it is not done
// within budget (a slot to compute in included); the computation goes on
// and is cached when done.
func (c *cache) wait(key string, budget time.Duration, compute func() (sized, error)) (sized, error) {
	c.mu.Lock()
	if it, ok := c.items[key]; ok {
		c.touch(it)
		c.mu.Unlock()
		c.hits.Add(1)
		return it.val, nil
	}
	cl, running := c.calls[key]
	if !running {
		cl = &call{done: make(chan struct{})}
		c.calls[key] = cl
	}
	c.mu.Unlock()
	if !running {
		c.misses.Add(1)
		if budget <= 0 {
			c.run(key, cl, compute)
		} else {
			go c.runInSlot(key, cl, budget, compute)
		}
	}
	if budget <= 0 {
		<-cl.done
		return cl.val, cl.err
	}
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case <-cl.done:
		return cl.val, cl.err
	case <-t.C:
		return nil, &errBusy{retryAfter: budget}
	}
}

// runInSlot computes once a slot is free; if none frees within budget the
// computation is given up (nobody is waiting for it any more) and the key
// is computed again on the next request.
func (c *cache) runInSlot(key string, cl *call, budget time.Duration, compute func() (sized, error)) {
	select {
	case c.slots <- struct{}{}:
	default:
		t := time.NewTimer(budget)
		select {
		case c.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			c.finish(key, cl, nil, &errBusy{retryAfter: budget})
			return
		}
	}
	defer func() { <-c.slots }()
	c.run(key, cl, compute)
}

func (c *cache) run(key string, cl *call, compute func() (sized, error)) {
	var val sized
	var err error
	returned := false
	defer func() {
		// A panic must not leave the waiters hanging, nor take the process
		// down from a goroutine no middleware recovers.
		if !returned {
			err = fmt.Errorf("computing %s panicked: %v", key, recover())
		}
		c.finish(key, cl, val, err)
	}()
	val, err = compute()
	returned = true
}

func (c *cache) finish(key string, cl *call, val sized, err error) {
	c.mu.Lock()
	delete(c.calls, key)
	if err == nil {
		c.add(key, val)
	}
	c.mu.Unlock()
	cl.val, cl.err = val, err
	close(cl.done)
}

// add stores val under key; a value larger than the whole budget is
// returned to its caller but not kept. c.mu is held.
func (c *cache) add(key string, val sized) {
	size := val.size()
	if size > c.budget {
		return
	}
	if r, ok := val.(*response); ok {
		r.cache, r.key = c, key
	}
	it := &item{key: key, val: val, size: size}
	c.items[key] = it
	c.link(it)
	c.used += size
	c.evict()
}

// grew accounts for bytes a held value gained after it was stored (a gzip
// form made on demand).
func (c *cache) grew(key string, val sized, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || it.val != val {
		return // evicted meanwhile
	}
	it.size += n
	c.used += n
	c.evict()
}

// evict drops least recently used items until the budget holds. c.mu is
// held.
func (c *cache) evict() {
	for c.used > c.budget && c.lru.prev != &c.lru {
		it := c.lru.prev
		c.unlink(it)
		delete(c.items, it.key)
		c.used -= it.size
		c.evictions.Add(1)
	}
}

func (c *cache) link(it *item) {
	it.prev, it.next = &c.lru, c.lru.next
	c.lru.next.prev = it
	c.lru.next = it
}

func (c *cache) unlink(it *item) {
	it.prev.next = it.next
	it.next.prev = it.prev
}

func (c *cache) touch(it *item) {
	if c.lru.next != it {
		c.unlink(it)
		c.link(it)
	}
}

// release drops every value held and keeps none from now on (a replaced
// version of a Live): its memory returns at once, while computations in
// progress still answer the requests waiting for them.
func (c *cache) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = 0
	c.evict()
}

// bytes returns the bytes held.
func (c *cache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// once computes each key once and keeps the result for the life of the
// server, even under concurrent requests for the same uncomputed key;
// failures are not kept, so a later request retries. It is for the few
// values that must not be evicted (the OGC collections); answers go
// through cache, which is bounded.
type once[T any] struct {
	mu sync.Mutex
	m  map[string]*onceEntry[T]
}

type onceEntry[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newOnce[T any]() *once[T] { return &once[T]{m: map[string]*onceEntry[T]{}} }

func (c *once[T]) get(key string, compute func() (T, error)) (T, error) {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.mu.Unlock()
		<-e.done
		return e.val, e.err
	}
	e := &onceEntry[T]{done: make(chan struct{})}
	c.m[key] = e
	c.mu.Unlock()

	e.val, e.err = compute()
	if e.err != nil {
		c.mu.Lock()
		delete(c.m, key)
		c.mu.Unlock()
	}
	close(e.done)
	return e.val, e.err
}
