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

	"github.com/labstack/echo/v4"
)

// response is a body computed once and served many times: it carries its
// gzip form and its ETag so serving it costs no encoding.
type response struct {
	ctype string
	body  []byte
	gz    []byte // nil when gzip would not shrink it
	etag  string
}

func newResponse(ctype string, body []byte) *response {
	sum := sha256.Sum256(body)
	r := &response{ctype: ctype, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	if len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body) {
			r.gz = buf.Bytes()
		}
	}
	return r
}

// serve writes r with ETag, Cache-Control and content negotiation for
// gzip, answering 304 to a matching If-None-Match.
func (r *response) serve(c echo.Context, cacheControl string) error {
	h := c.Response().Header()
	h.Set("ETag", r.etag)
	h.Set("Cache-Control", cacheControl)
	h.Add("Vary", "Accept-Encoding")
	if etagMatch(c.Request().Header.Get("If-None-Match"), r.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	body := r.body
	if r.gz != nil && acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = r.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	return c.Blob(http.StatusOK, r.ctype, body)
}

func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above 0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return false
			}
			q = f
		}
		return q > 0
	}
	return false
}

// once computes each key once, even under concurrent requests for the
// same uncomputed key; failures are not kept, so a later request retries.
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

// cache holds response bytes by key.
type cache = once[*response]

func newCache() *cache { return newOnce[*response]() }
