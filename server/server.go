// Package server is frontline's HTTP adapter: Echo routes and handlers
// over a loaded geo.Dataset. It depends on geo, never the reverse.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// Deps are what the server serves.
type Deps struct {
	// Dataset is required.
	Dataset *geo.Dataset
	// Assets is the web front end (index.html at its root); nil serves the
	// API alone.
	Assets fs.FS
	// Logger receives the request log and the details of 5xx errors; nil
	// discards them.
	Logger *slog.Logger
}

// Config tunes the server; zero values take the defaults.
type Config struct {
	// RequestTimeout bounds how long a request waits for its answer to be
	// computed (default 30 s): past it the request gets 503 with
	// Retry-After while the computation completes in the background, so
	// the answer is always written within the connection's write timeout
	// (RequestTimeout + 10 s), never cut off.
	RequestTimeout time.Duration
	// ShutdownTimeout bounds graceful shutdown (default 10 s).
	ShutdownTimeout time.Duration
	// MaxAge is the Cache-Control max-age of dataset-derived responses
	// (default 1 h), and how long a shared cache (a CDN) may serve one
	// stale while it revalidates it. Clients revalidate with the ETag
	// after it. Answers that change with every new version (/api/meta,
	// the series and downloads up to the last date, dates after it) get
	// at most LatestMaxAge.
	MaxAge time.Duration
	// Updated, when set, is when the dataset's version went live, as
	// /api/meta and the GeoPackage say (default: when the server is made,
	// or swapped in by a Live). A static export sets it, so that exporting
	// an unchanged dataset again gives the same bytes.
	Updated time.Time
	// Version is reported by /healthz.
	Version string
	// TileURL is the page's basemap, a Leaflet URL template (default
	// DefaultTileURL; "off": none). The page's policy allows its host.
	TileURL string
	// TileAttribution credits the tiles (default DefaultTileAttribution
	// with the default URL), shown as text.
	TileAttribution string
	// CacheBytes bounds the memory of cached answers (response bodies,
	// their gzip forms, territories and frontlines per date; default 64
	// MiB): past it the least recently used are dropped and computed again
	// when next asked for.
	CacheBytes int64
	// BaseURL is the address clients use (scheme, host, optional path),
	// from which the OGC API's links are built. Without it they are built
	// from the request, when its host is one of AllowedHosts; requests
	// naming another host get 421.
	BaseURL string
	// AllowedHosts are the host names (no port) a request may name to
	// have the OGC links built on it, without BaseURL (default:
	// DefaultAllowedHosts).
	AllowedHosts []string
	// TrustedProxies are the networks of the proxies in front: a request
	// straight from one has its X-Forwarded-For (the request log's remote)
	// and X-Forwarded-Proto believed. Nobody's, by default.
	TrustedProxies []netip.Prefix
	// LogSample logs one in LogSample requests that succeed or fail on the
	// client's side (default 1: every request); 5xx answers and requests
	// slower than SlowRequest are always logged (at Error; Warn for slow
	// requests and for 503 while an answer is being computed).
	LogSample int
}

// SlowRequest is the latency from which every request is logged, sampled
// or not.
const SlowRequest = time.Second

// Server serves one dataset.
type Server struct {
	deps  Deps
	cfg   Config
	e     *echo.Echo
	log   *slog.Logger
	cache *cache
	// static responses computed once at start.
	meta       *response
	assets     *assetSet
	tileOrigin string // scheme://host of TileURL, for the page's policy
	origin     *origin
	enc        *encode.Encoder
	geometry   *geometry
	ogc        *ogcData
	gpkg       *geoPackage
	// requests counts the requests that may be sampled for the log.
	requests atomic.Uint64
	// cacheCtl is the Cache-Control of dataset-derived answers, latestCtl
	// of those that change with every new version (see cacheControlOf).
	cacheCtl, latestCtl string
	// updated is when this version of the dataset went live (New, or
	// the swap of a Live), for /api/meta and /healthz.
	updated time.Time
	// stamp is the time the GeoPackage is stamped with: Config.Updated,
	// or when the server was made.
	stamp time.Time
	// live is the Live serving this version, nil for a Server on its own:
	// /healthz reports its last reload.
	live *Live
}

// New builds the server and computes the responses that depend only on
// the dataset.
func New(deps Deps, cfg Config) (*Server, error) { return newServer(deps, cfg, nil) }

// newServer is New with the front end already prepared (assets non-nil):
// the versions of a Live share one, which does not depend on the dataset.
func newServer(deps Deps, cfg Config, assets *assetSet) (*Server, error) {
	if deps.Dataset == nil {
		return nil, errors.New("server: no dataset")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = time.Hour
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 64 << 20
	}
	if cfg.LogSample <= 0 {
		cfg.LogSample = 1
	}
	switch cfg.TileURL {
	case "":
		cfg.TileURL = DefaultTileURL
	case "off":
		cfg.TileURL, cfg.TileAttribution = "", ""
	}
	if cfg.TileURL == DefaultTileURL && cfg.TileAttribution == "" {
		cfg.TileAttribution = DefaultTileAttribution
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	origin, err := tileOrigin(cfg.TileURL)
	if err != nil {
		return nil, fmt.Errorf("server: tile URL %q: %w", cfg.TileURL, err)
	}
	links, err := newOrigin(cfg)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	enc, err := encode.New(deps.Dataset)
	if err != nil {
		return nil, err
	}
	c := newCache(cfg.CacheBytes, runtime.GOMAXPROCS(0))
	updated := cfg.Updated
	if updated.IsZero() {
		updated = time.Now()
	}
	s := &Server{deps: deps, cfg: cfg, log: log, cache: c, enc: enc, tileOrigin: origin, origin: links, assets: assets,
		geometry: newGeometry(deps.Dataset, enc, c), updated: updated, stamp: updated,
		cacheCtl: sharedCache(cfg.MaxAge), latestCtl: sharedCache(min(cfg.MaxAge, LatestMaxAge))}
	s.ogc = newOGCData(s)
	s.gpkg = newGeoPackage()
	if err := s.precompute(); err != nil {
		return nil, err
	}
	s.e = s.routes()
	return s, nil
}

// Prepared is closed once the districts are prepared for territories and
// frontlines (successfully or not): from then on every endpoint answers
// without waiting for the start.
func (s *Server) Prepared() <-chan struct{} { return s.geometry.ready }

// Close removes the files the server wrote for its answers (the
// GeoPackage download); Serve calls it when it returns. The handler should
// not be used after it.
func (s *Server) Close() error { return s.gpkg.close() }

// Handler returns the HTTP handler (the Echo instance).
func (s *Server) Handler() http.Handler { return s.e }

// routes lists every route in one place.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.origin.ipExtractor()
	e.Pre(closeSmuggling)
	e.Use(s.requestLog)
	e.Use(securityHeaders())
	e.Use(cors)
	e.Use(strictQuery)

	// Each route lists the query parameters it knows: any other, or one
	// given twice, is a 400 that names it (knownQuery). The OGC routes
	// build links (linkBase).
	methods := []string{http.MethodGet, http.MethodHead}
	get := func(path string, h echo.HandlerFunc, params ...string) {
		e.Match(methods, path, h, knownQuery(params))
	}
	// An OGC client carries the query of its connection URL (GDAL's
	// OAPIF:…/ogc?datetime=…) over to every request: each OGC route knows
	// f and the items' parameters.
	ogc := func(path string, h echo.HandlerFunc) {
		e.Match(methods, path, h, knownQuery(append([]string{"f"}, itemsParams...)), s.linkBase)
	}
	get("/healthz", s.health)
	get("/api/meta", s.getMeta)
	get("/api/districts", s.getDistricts, "flat")
	get("/api/districts.topojson", s.getDistrictsTopoJSON, "z")
	get("/api/districts/:id", s.getDistrict)
	get("/api/control/:date", s.getControl)
	get("/api/snapshot/:date", s.getSnapshot, "flat")
	get("/api/stats", s.getSeries, "from", "to", "format", "shape")
	get("/api/stats.csv", s.getSeriesFile, "from", "to", "shape", "by")
	get("/api/stats.csvt", s.getSeriesFile, "from", "to", "shape", "by")
	get("/api/stats_:file", s.getSeriesFile, "from", "to", "shape", "by")
	get("/api/stats/:date", s.getStats, "baseline", "of", "by")
	get("/api/gains", s.getGains, "every", "from", "to")
	get("/api/gains.csv", s.getGainsFile, "every", "from", "to")
	get("/api/gains.csvt", s.getGainsFile, "every", "from", "to")
	get("/api/gains_:file", s.getGainsFile, "from", "to")
	get("/api/territory/:date", s.getTerritory, "flat")
	get("/api/frontlines/:date", s.getFrontlines, "flat")
	get("/api/changes", s.getChanges, "from", "to", "flat")
	get("/api/changes/summary", s.getChangesSummary, "from", "to")
	get("/api/changes.csv", s.getChangesFile, "from", "to")
	get("/api/changes.csvt", s.getChangesFile, "from", "to")
	get("/api/changes_:file", s.getChangesFile)
	ogc("/ogc", s.getLanding)
	ogc("/ogc/", s.getLanding)
	ogc("/ogc/conformance", s.getConformance)
	ogc("/ogc/api", s.getOpenAPI)
	ogc("/ogc/collections", s.getCollections)
	ogc("/ogc/collections/:collection", s.getCollection)
	ogc("/ogc/collections/:collection/items", s.getItems)
	ogc("/ogc/collections/:collection/items/*", s.getItem)
	get("/api/references", s.getReferences)
	get("/api/export.gpkg", s.getGeoPackage)
	// The page takes ?tiles=off and ?embed=1, and a shared link may carry
	// anything (utm_source=…): its files check no parameter.
	e.Match(methods, "/*", s.getAsset)
	return e
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on an open listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer func() {
		if err := s.Close(); err != nil {
			s.log.Warn("removing the server's temporary files", "err", err)
		}
	}()
	// The page's files are compressed once the districts are prepared, so
	// the two do not share the CPU while the server starts.
	warm := func() {
		_, _ = s.geometry.prepared()
		s.assets.warmUp()
	}
	return serveHTTP(ctx, ln, s.e, s.cfg, s.log, warm)
}

// serveHTTP serves h on ln until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish; started runs in its own
// goroutine once the server accepts connections.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, cfg Config, log *slog.Logger, started func()) error {
	ln = writevListener{ln}
	hs := &http.Server{
		Handler:           h,
		ConnContext:       withConn,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	go started()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// requestLog is the outermost middleware: it turns a panic into a 500
// (the stack goes to the log with the error), and writes one record per
// request, at Info for one in cfg.LogSample requests, always for slow
// requests (Warn) and server errors (Error), so that a busy server's log
// grows with its problems, not with its traffic. URIs are cut to 1 KB.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				c.Error(fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
			}
			s.logRequest(c, start)
		}()
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// logRequest writes the record of a finished request, if it is logged.
func (s *Server) logRequest(c echo.Context, start time.Time) {
	latency := time.Since(start)
	status := c.Response().Status
	level := slog.LevelInfo
	switch {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn // busy computing, not broken
	case status >= 500:
		level = slog.LevelError
	case latency >= SlowRequest:
		level = slog.LevelWarn
	case s.cfg.LogSample > 1 && s.requests.Add(1)%uint64(s.cfg.LogSample) != 0:
		return
	}
	req := c.Request()
	ctx := req.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.LogAttrs(ctx, level, "request",
		slog.String("method", req.Method), slog.String("uri", clip(req.RequestURI, 1024)), slog.Int("status", status),
		slog.Duration("latency", latency), slog.Int64("bytes", c.Response().Size), slog.String("remote", c.RealIP()))
}

// healthDoc is the answer of /healthz.
type healthDoc struct {
	Status string `json:"status"`
	// Dataset is the version of the dataset served (its content hash).
	Dataset string `json:"dataset"`
	// Version is the program's.
	Version string `json:"version"`
	// Updated is when the dataset's version went live.
	Updated string `json:"updated"`
	// LastReload is the outcome of the last reload, if any.
	LastReload *ReloadResult `json:"last_reload,omitempty"`
}

func (s *Server) health(c echo.Context) error {
	doc := healthDoc{Status: "ok", Dataset: s.deps.Dataset.Version, Version: s.cfg.Version, Updated: rfc3339(s.updated)}
	if s.live != nil {
		doc.LastReload = s.live.LastReload()
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, doc)
}

// rfc3339 formats t in UTC to the second.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
