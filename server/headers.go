package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// DefaultTileURL is the basemap the page loads unless configured otherwise.
const DefaultTileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

// DefaultTileAttribution is the credit DefaultTileURL's tiles require.
const DefaultTileAttribution = "© OpenStreetMap contributors"

// apiPolicy is the Content-Security-Policy of everything that is not a
// page: a JSON or CSV body opened in a tab can run nothing and load nothing.
const apiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets the headers every response carries; pages replace
// the policy with their own (pageHeaders).
func securityHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("X-Content-Type-Options", "nosniff")
			// The tile server sees the origin (its usage policy asks for a
			// referrer), never the path with the permalink.
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Content-Security-Policy", apiPolicy)
			h.Set("X-Frame-Options", "DENY")
			return next(c)
		}
	}
}

// tileOrigin is the scheme and host of a tile URL template, for img-src;
// "" when tiles are off.
func tileOrigin(tileURL string) (string, error) {
	if tileURL == "" {
		return "", nil
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tileURL))
	if err != nil {
		return "", err
	}
	if strings.Contains(tileURL, "{s}") {
		// Leaflet spreads {s} over subdomains a, b, c.
		return u.Scheme + "://*." + strings.TrimPrefix(u.Host, "a."), nil
	}
	return u.Scheme + "://" + u.Host, nil
}

// pageHeaders sets the policy of an HTML page: scripts, styles, fonts and
// data from this server only, images from here and the tile server, and
// no framing except for the embed variant.
func (s *Server) pageHeaders(h http.Header, embed bool) {
	img := "'self'"
	if s.tileOrigin != "" {
		img += " " + s.tileOrigin
	}
	frame := "'none'"
	if embed {
		frame = "*"
		h.Del("X-Frame-Options")
	}
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src "+img+
		"; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "+frame)
}

// Caching, for browsers and for a CDN or caching proxy in front (RFC 9111,
// RFC 5861). Every answer that may be stored is public; each kind of
// answer has its own lifetime, and a shared cache may serve it stale for
// as long again while it asks the server (If-None-Match: mostly a 304), so
// a spike of readers reaches the server about once per answer per
// lifetime:
//
//   - the page's fingerprinted files never change: a year, immutable;
//   - the page itself (index.html, the plain names): browsers revalidate
//     it every time, so a new build is seen at once; shared caches keep it
//     a minute (s-maxage), then revalidate it too;
//   - answers that change with every new version of the dataset (meta,
//     the series and downloads that run to its last date, dates after it):
//     LatestMaxAge at most;
//   - every other answer about the data (a date, a district, a range
//     given in full): Config.MaxAge.
//
// Errors, the 503 of an answer still being computed and /healthz are
// no-store.

// LatestMaxAge caps the lifetime of the answers that change with every
// new version of the dataset, such as /api/meta, which tells the page that
// a new version is there.
const LatestMaxAge = time.Minute

// CachePage is the Cache-Control of the page's HTML and plain names:
// browsers revalidate them on every visit, shared caches after a minute.
// A static copy of the site gives it to its entry files.
const CachePage = "public, max-age=0, must-revalidate, s-maxage=60"

// CacheImmutable is the Cache-Control of what never changes under its
// name: the page's fingerprinted files, a static site's data files.
const CacheImmutable = immutable

// pageCache is CachePage.
const pageCache = CachePage

// sharedCache is the Cache-Control of an answer fresh for age.
func sharedCache(age time.Duration) string {
	return "public, max-age=" + seconds(age) + ", stale-while-revalidate=" + seconds(age)
}

func seconds(d time.Duration) string { return strconv.Itoa(int(d.Seconds())) }

// latestKey marks, in a request's echo.Context, an answer that changes
// with every new version of the dataset (markLatest).
const latestKey = "frontline.latest"

// markLatest says that the request's answer reads up to the dataset's last
// date or past it, so that a new version changes it: it gets the short
// lifetime.
func markLatest(c echo.Context) { c.Set(latestKey, true) }

// cacheControlOf is the Cache-Control of a request's answer about the
// data.
func (s *Server) cacheControlOf(c echo.Context) string {
	if latest, _ := c.Get(latestKey).(bool); latest {
		return s.latestCtl
	}
	return s.cacheCtl
}

// cors lets any site read the answers, which are public: every answer
// says Access-Control-Allow-Origin: *, whatever the request's Origin, so
// a shared cache may give one stored answer to every client (no Vary:
// Origin, which would store one copy per site that embeds the map). A
// preflight (OPTIONS) gets the methods, and the headers it asks for, for a
// day.
func cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Access-Control-Allow-Origin", "*")
		req := c.Request()
		if req.Method != http.MethodOptions {
			h.Set("Access-Control-Expose-Headers", "ETag, Content-Length")
			return next(c)
		}
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		if asked := req.Header.Get("Access-Control-Request-Headers"); asked != "" {
			h.Set("Access-Control-Allow-Headers", asked)
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		h.Set("Access-Control-Max-Age", "86400")
		return c.NoContent(http.StatusNoContent)
	}
}
