package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/frontline/frontline/geo"
)

// Live serves one version of a dataset at a time and replaces it, whole,
// with a new one on Reload. A version is a Server (the dataset, its caches,
// its Echo instance): each request takes the version current when it
// arrives and is answered wholly by it, so no answer mixes two versions. A
// reload loads the new version in the background while the old one keeps
// serving, prepares its districts for territories and frontlines and
// computes the answers asked for most lately (so the first requests after
// the swap neither wait nor fail), and swaps it in with one atomic store. A version with errors is refused: the old one stays
// live, the problems are logged as `frontline validate` prints them, and
// /healthz says that the last reload failed and why. The old version is
// closed once its requests in flight have finished; its cached answers are
// dropped at the swap.
type Live struct {
	deps   Deps   // of the first version; each reload replaces Dataset
	cfg    Config // as given: each version applies the defaults
	log    *slog.Logger
	assets *assetSet // the front end, shared: it does not depend on the dataset
	load   func() (*geo.Dataset, error)
	cur    atomic.Pointer[version]
	// hot samples the API requests served, for the warm-up of the next
	// version.
	hot hotRequests

	wake       chan struct{} // a reload is asked for; holds at most one
	quit       chan struct{} // closed by Close
	workerDone chan struct{}
	closeOnce  sync.Once

	mu sync.Mutex
	// requested counts the calls to Reload; finished is the count the
	// last finished load covered (every call made before it started).
	requested, finished uint64
	result              error         // of the last finished load
	done                chan struct{} // closed (and replaced) when a load finishes
	last                *ReloadResult
}

// ReloadResult is the outcome of the last reload, as /healthz reports it.
type ReloadResult struct {
	// At is when it finished, RFC 3339 UTC.
	At string `json:"at"`
	// Result is "swapped" (the new version is live), "unchanged" (the
	// files hold the version served) or "refused" (the new version has
	// errors: the old one stays live).
	Result string `json:"result"`
	// Version is the version loaded (not for "refused").
	Version string `json:"version,omitempty"`
	// Error says in short why a reload was refused; the log has every
	// problem.
	Error string `json:"error,omitempty"`
}

// ErrNothingToReload is Reload's answer when there is no loader: the
// embedded dataset cannot change.
var ErrNothingToReload = errors.New("the embedded dataset has nothing to reload: serve a directory (--data DIR) to reload it")

// errLiveClosed is Reload's answer once Close has been called.
var errLiveClosed = errors.New("the server is shutting down: reload abandoned")

// version is one Server and the requests using it.
type version struct {
	s *Server
	// refs counts the requests using the version, plus one while it is
	// the current version: it reaches 0 only once the version has been
	// replaced and its last request has finished.
	refs   atomic.Int64
	once   sync.Once
	closed atomic.Bool // for the tests: closed while in use is a bug
}

func newVersion(s *Server) *version {
	v := &version{s: s}
	v.refs.Store(1)
	return v
}

// NewLive serves deps.Dataset and, on each Reload, the dataset load
// returns; load nil (the embedded dataset) refuses reloads with
// ErrNothingToReload.
func NewLive(deps Deps, cfg Config, load func() (*geo.Dataset, error)) (*Live, error) {
	s, err := New(deps, cfg)
	if err != nil {
		return nil, err
	}
	l := &Live{deps: deps, cfg: cfg, log: s.log, assets: s.assets, load: load,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), workerDone: make(chan struct{}), done: make(chan struct{})}
	s.live = l
	l.cur.Store(newVersion(s))
	go l.worker()
	return l, nil
}

// ServeHTTP answers r with the version current when it arrives.
func (l *Live) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.hot.record(r)
	v := l.acquire()
	defer v.release(l.log)
	v.s.e.ServeHTTP(w, r)
}

// acquire returns the current version, counted as in use. A version
// replaced between the load and the count is given back and the new one
// taken: the count of a replaced version may rise from 0 again that way,
// but such a request never uses it.
func (l *Live) acquire() *version {
	for {
		v := l.cur.Load()
		v.refs.Add(1)
		if l.cur.Load() == v {
			return v
		}
		v.release(l.log)
	}
}

func (v *version) release(log *slog.Logger) {
	if v.refs.Add(-1) == 0 {
		v.close(log)
	}
}

// retire drops the version's cached answers (the requests in flight keep
// those they hold) and gives back its reference as the current version:
// it is closed once no request uses it.
func (v *version) retire(log *slog.Logger) {
	v.s.cache.release()
	v.release(log)
}

func (v *version) close(log *slog.Logger) {
	v.once.Do(func() {
		v.closed.Store(true)
		if err := v.s.Close(); err != nil {
			log.Warn("removing the temporary files of a replaced version", "err", err)
		}
	})
}

// Version is the version of the dataset served (its content hash).
func (l *Live) Version() string { return l.cur.Load().s.deps.Dataset.Version }

// Dataset is the dataset served.
func (l *Live) Dataset() *geo.Dataset { return l.cur.Load().s.deps.Dataset }

// Prepared is closed once the districts of the first version are
// prepared (later versions are prepared before they go live).
func (l *Live) Prepared() <-chan struct{} { return l.cur.Load().s.Prepared() }

// LastReload is the outcome of the last reload; nil before the first.
func (l *Live) LastReload() *ReloadResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		return nil
	}
	r := *l.last
	return &r
}

// Reload loads the dataset again and swaps it in if it is new and valid,
// returning once a load that started after the call has finished: nil if
// its version is live (swapped or unchanged), else why it was refused.
// Calls while a load runs share the next one: one load at a time, the
// latest files win.
func (l *Live) Reload(ctx context.Context) error {
	l.mu.Lock()
	l.requested++
	gen := l.requested
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // a reload is already pending: it covers this call
	}
	for {
		l.mu.Lock()
		if l.finished >= gen {
			err := l.result
			l.mu.Unlock()
			return err
		}
		done := l.done
		l.mu.Unlock()
		select {
		case <-done:
		case <-l.workerDone:
			return errLiveClosed
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// worker runs the reloads, one at a time.
func (l *Live) worker() {
	defer close(l.workerDone)
	for {
		select {
		case <-l.quit:
			return
		case <-l.wake:
		}
		l.mu.Lock()
		gen := l.requested
		l.mu.Unlock()
		err := l.reload()
		l.mu.Lock()
		l.finished, l.result = gen, err
		close(l.done)
		l.done = make(chan struct{})
		l.mu.Unlock()
	}
}

// reload loads, checks and prepares a new version, then swaps it in.
func (l *Live) reload() error {
	if l.load == nil {
		return ErrNothingToReload
	}
	cur := l.cur.Load()
	// One preparation at a time: while the version served is still being
	// prepared (the start, or a huge dataset), the reload waits for it.
	select {
	case <-cur.s.Prepared():
	case <-l.quit:
		return errLiveClosed
	}
	start := time.Now()
	ds, err := l.load()
	if err != nil {
		return l.refuse(err, nil)
	}
	if ds.Version == cur.s.deps.Dataset.Version {
		l.record(ReloadResult{Result: "unchanged", Version: ds.Version})
		l.log.Info("reload: the dataset is unchanged", "dataset", ds.Name, "version", ds.Version)
		return nil
	}
	deps := l.deps
	deps.Dataset = ds
	s, err := newServer(deps, l.cfg, l.assets)
	if err != nil {
		return l.refuse(err, ds)
	}
	// What `frontline validate` checks beyond loading: the districts can
	// be prepared for territories and frontlines.
	select {
	case <-s.Prepared():
	case <-l.quit:
		_ = s.Close()
		return errLiveClosed
	}
	if _, err := s.geometry.prepared(); err != nil {
		_ = s.Close()
		return l.refuse(&geo.ValidationError{Problems: []geo.Problem{{
			File: path.Join(ds.Name, geo.DistrictsFile), Severity: geo.SeverityError, Msg: err.Error(),
		}}}, ds)
	}
	for _, w := range ds.Warnings {
		l.log.Warn(w.String())
	}
	prepared := time.Since(start)
	warmed := l.warmUp(s)
	if err := s.goLive(l, time.Now()); err != nil {
		_ = s.Close()
		return l.refuse(err, ds)
	}
	old := l.cur.Swap(newVersion(s))
	old.retire(l.log)
	l.record(ReloadResult{Result: "swapped", Version: ds.Version})
	r := ds.Range()
	l.log.Info("reloaded: a new version of the dataset is live", "dataset", ds.Name, "version", ds.Version,
		"previous", old.s.deps.Dataset.Version, "districts", len(ds.Districts), "range", r.String(),
		"prepared_in", prepared.Round(time.Millisecond), "warmed", warmed, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// refuse logs why a new version is not served, as `frontline validate`
// prints it (each problem, then the count), records it for /healthz and
// returns it in short. ds is the version refused, if it loaded.
func (l *Live) refuse(err error, ds *geo.Dataset) error {
	var ve *geo.ValidationError
	var first string
	nerr, nwarn := 0, 0
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if p.Severity == geo.SeverityError {
				nerr++
				l.log.Error(p.String())
				if first == "" {
					first = p.String()
				}
			} else {
				nwarn++
				l.log.Warn(p.String())
			}
		}
	} else {
		nerr, first = 1, err.Error()
		l.log.Error(first)
	}
	if ds != nil {
		for _, w := range ds.Warnings {
			nwarn++
			l.log.Warn(w.String())
		}
	}
	cur := l.cur.Load().s.deps.Dataset
	l.log.Error(fmt.Sprintf("%s: %d error(s), %d warning(s): reload refused, still serving version %s", cur.Name, nerr, nwarn, cur.Version))
	short := clip(fmt.Sprintf("%d error(s), %d warning(s); the first: %s", nerr, nwarn, first), 300)
	l.record(ReloadResult{Result: "refused", Error: short})
	return errors.New("reload refused: " + short)
}

func (l *Live) record(r ReloadResult) {
	r.At = rfc3339(time.Now())
	l.mu.Lock()
	l.last = &r
	l.mu.Unlock()
}

// Close stops reloading (a load in progress finishes and is dropped) and
// closes the version served once its requests have finished. Serve calls
// it when it returns.
func (l *Live) Close() error {
	l.closeOnce.Do(func() { close(l.quit) })
	<-l.workerDone
	l.cur.Load().retire(l.log)
	return nil
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func (l *Live) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return l.Serve(ctx, ln)
}

// Serve is ListenAndServe on an open listener.
func (l *Live) Serve(ctx context.Context, ln net.Listener) error {
	defer l.Close()
	first := l.cur.Load().s
	// As Server.Serve: the page's files are compressed once the first
	// version's districts are prepared.
	warm := func() {
		<-first.Prepared()
		l.assets.warmUp()
	}
	return serveHTTP(ctx, ln, l, first.cfg, l.log, warm)
}

// goLive marks s as the version l serves from at: /api/meta's updated.
func (s *Server) goLive(l *Live, at time.Time) error {
	s.live, s.updated = l, at
	m, err := s.metaResponse()
	if err != nil {
		return err
	}
	s.meta = m
	return nil
}

// The warm-up: before a new version goes live, the answers most asked for
// lately are computed on it, so that a busy server does not meet its
// clients with a cold cache at every swap (as at a start, every hot answer
// would be computed while the requests for it wait).
const (
	hotSize   = 256 // requests remembered
	hotSample = 8   // one request in hotSample is remembered
	hotWarm   = 64  // distinct requests warmed at most
	// warmBudget bounds how long a swap waits for the warm-up; what is
	// not done by then goes on in the background on the new version.
	warmBudget = 5 * time.Second
)

// hotRequests is a sample of the API requests served: a ring written
// without a lock, so that recording costs a request almost nothing.
type hotRequests struct {
	n   atomic.Uint64
	uri [hotSize]atomic.Pointer[string]
}

func (h *hotRequests) record(r *http.Request) {
	if r.Method != http.MethodGet {
		return
	}
	n := h.n.Add(1)
	if n%hotSample != 0 {
		return
	}
	p := r.URL.Path
	// The GeoPackage is written once per version, on demand: too large
	// to make for a swap.
	if !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/ogc/") || p == "/api/export.gpkg" {
		return
	}
	u := r.URL.RequestURI()
	h.uri[(n/hotSample)%hotSize].Store(&u)
}

// top returns the distinct requests remembered, the most frequent first,
// at most max.
func (h *hotRequests) top(max int) []string {
	count := map[string]int{}
	for i := range h.uri {
		if u := h.uri[i].Load(); u != nil {
			count[*u]++
		}
	}
	out := make([]string, 0, len(count))
	for u := range count {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if count[out[i]] != count[out[j]] {
			return count[out[i]] > count[out[j]]
		}
		return out[i] < out[j]
	})
	return out[:min(len(out), max)]
}

// warmUp asks s for the hot requests (gzip, as browsers ask), a few at a
// time, for up to warmBudget and half the cache budget, and returns how
// many were answered.
func (l *Live) warmUp(s *Server) int {
	uris := l.hot.top(hotWarm)
	if len(uris) == 0 {
		return 0
	}
	work := make(chan string)
	var answered atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				// The old version's cache is full until the swap: the
				// new one's warm-up takes at most half the budget more.
				if s.cache.bytes() >= s.cfg.CacheBytes/2 {
					continue
				}
				req, err := http.NewRequest(http.MethodGet, u, nil)
				if err != nil {
					continue
				}
				req.RequestURI = u
				req.Header.Set("Accept-Encoding", "gzip")
				req.RemoteAddr = "reload-warm-up:0" // how the request log names them
				s.e.ServeHTTP(discard{h: http.Header{}}, req)
				answered.Add(1)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(work)
		for _, u := range uris {
			select {
			case work <- u:
			case <-done:
				return
			}
		}
	}()
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(warmBudget):
	case <-l.quit:
	}
	close(done)
	return int(answered.Load())
}

// discard is a ResponseWriter that keeps nothing: the warm-up wants the
// answers in the cache, not the bytes.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}
