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
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

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
	// RequestTimeout bounds reading a request and writing its response
	// (default 30 s); http.Server closes connections that take longer.
	RequestTimeout time.Duration
	// ShutdownTimeout bounds graceful shutdown (default 10 s).
	ShutdownTimeout time.Duration
	// MaxAge is the Cache-Control max-age of dataset-derived responses
	// (default 1 h). Clients revalidate with the ETag after it.
	MaxAge time.Duration
	// Version is reported by /healthz.
	Version string
	// TileURL is the page's basemap, a Leaflet URL template (default
	// DefaultTileURL; "off": none). The page's policy allows its host.
	TileURL string
	// TileAttribution credits the tiles (default DefaultTileAttribution
	// with the default URL), shown as text.
	TileAttribution string
}

// Server serves one dataset.
type Server struct {
	deps  Deps
	cfg   Config
	e     *echo.Echo
	log   *slog.Logger
	cache *cache
	// static responses computed once at start.
	meta, districts *response
	assets          *assetSet
	tileOrigin      string // scheme://host of TileURL, for the page's policy
	enc             *encode.Encoder
	geometry        *geometry
	pairs           []string // every side pair "a|b", for series columns
	ogc             *ogcData
}

// New builds the server and computes the responses that depend only on
// the dataset.
func New(deps Deps, cfg Config) (*Server, error) {
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
	enc, err := encode.New(deps.Dataset)
	if err != nil {
		return nil, err
	}
	s := &Server{deps: deps, cfg: cfg, log: log, cache: newCache(), enc: enc, tileOrigin: origin,
		geometry: newGeometry(deps.Dataset), pairs: deps.Dataset.SidePairs()}
	s.ogc = newOGCData(s)
	if err := s.precompute(); err != nil {
		return nil, err
	}
	s.e = s.routes()
	return s, nil
}

// Handler returns the HTTP handler (the Echo instance).
func (s *Server) Handler() http.Handler { return s.e }

// routes lists every route in one place.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.Recover())
	e.Use(s.requestLog())
	e.Use(securityHeaders())
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  []string{"*"},
		AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodOptions},
		ExposeHeaders: []string{"ETag", "Content-Length"},
		MaxAge:        86400,
	}))

	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	}
	get("/healthz", s.health)
	get("/api/meta", s.getMeta)
	get("/api/districts", s.getDistricts)
	get("/api/districts/:id", s.getDistrict)
	get("/api/control/:date", s.getControl)
	get("/api/snapshot/:date", s.getSnapshot)
	get("/api/stats", s.getSeries)
	get("/api/stats.csv", s.getSeriesFile)
	get("/api/stats.csvt", s.getSeriesFile)
	get("/api/stats/:date", s.getStats)
	get("/api/stats/:date/:to", s.getSeriesFile)
	get("/api/territory/:date", s.getTerritory)
	get("/api/frontlines/:date", s.getFrontlines)
	get("/api/changes", s.getChanges)
	get("/api/changes/summary", s.getChangesSummary)
	get("/api/changes.csv", s.getChangesFile)
	get("/api/changes.csvt", s.getChangesFile)
	get("/api/changes/:date/:to", s.getChangesFile)
	get("/ogc", s.getLanding)
	get("/ogc/", s.getLanding)
	get("/ogc/conformance", s.getConformance)
	get("/ogc/api", s.getOpenAPI)
	get("/ogc/collections", s.getCollections)
	get("/ogc/collections/:collection", s.getCollection)
	get("/ogc/collections/:collection/items", s.getItems)
	get("/ogc/collections/:collection/items/*", s.getItem)
	get("/api/references", s.getReferences)
	get("/*", s.getAsset)
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
	hs := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogResponseSize: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.Int64("bytes", v.ResponseSize), slog.String("remote", v.RemoteIP))
			return nil
		},
	})
}

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "dataset": s.deps.Dataset.Version, "version": s.cfg.Version})
}
