package server

import (
	"net/http"
	"net/url"
	"strings"

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
