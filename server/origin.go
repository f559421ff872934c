package server

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// DefaultAllowedHosts are the host names whose requests may set the OGC
// links when Config has neither BaseURL nor AllowedHosts.
var DefaultAllowedHosts = []string{"localhost", "127.0.0.1", "::1"}

// origin says where the server is, as clients should see it: the links of
// the OGC API are absolute (GDAL and QGIS resolve them against the landing
// page), and a link taken from whatever Host a request names would let one
// request poison a shared cache with links to another site.
type origin struct {
	base    string // Config.BaseURL without a trailing slash, or ""
	hosts   map[string]bool
	proxies []netip.Prefix
}

func newOrigin(cfg Config) (*origin, error) {
	o := &origin{hosts: map[string]bool{}, proxies: cfg.TrustedProxies}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(cfg.BaseURL, " \t\r\n\"<>\\") {
			return nil, fmt.Errorf("base URL %q: give the address clients use, such as https://maps.example.org or https://example.org/frontline", cfg.BaseURL)
		}
		o.base = strings.TrimRight(cfg.BaseURL, "/")
	}
	hosts := cfg.AllowedHosts
	if len(hosts) == 0 {
		hosts = DefaultAllowedHosts
	}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
		if h == "" || strings.ContainsAny(h, ":/@ ") && net.ParseIP(h) == nil {
			return nil, fmt.Errorf("allowed host %q: give a host name or an IP address, without a port", h)
		}
		o.hosts[h] = true
	}
	return o, nil
}

// hostName returns the name of a Host header ("Example.org:8080" →
// "example.org", "[::1]:80" → "::1"), or "" when it is not a name and an
// optional port.
func hostName(host string) string {
	name, port := host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		name = host[1 : len(host)-1]
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return ""
		}
	}
	if name == "" || strings.ContainsAny(name, "/@ \\[]") {
		return ""
	}
	// An IPv6 address only in brackets ("[::1]:80"; "::1" makes no URL),
	// and brackets only around one.
	if bracketed := strings.HasPrefix(host, "["); strings.Contains(name, ":") != bracketed {
		return ""
	} else if bracketed {
		if ip, err := netip.ParseAddr(name); err != nil || !ip.Is6() {
			return ""
		}
	}
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// trusted reports whether the request comes straight from a trusted proxy.
func (o *origin) trusted(r *http.Request) bool {
	if len(o.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range o.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// scheme is https on TLS, X-Forwarded-Proto's http or https from a trusted
// proxy, else http: Echo's c.Scheme() believes that header from anyone.
func (o *origin) scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if o.trusted(r) {
		if p := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
			return p
		}
	}
	return "http"
}

// ipExtractor is the request log's remote address: the socket's, or with
// trusted proxies the first address of X-Forwarded-For, from the right,
// that is not one of them.
func (o *origin) ipExtractor() echo.IPExtractor {
	if o == nil || len(o.proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range o.proxies {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// baseKey holds a request's link base in its echo.Context.
const baseKey = "frontline.base"

// linkBase sets the base of the OGC links of a request: Config.BaseURL;
// else the request's scheme and host, when the host is allowed, with Vary:
// Host since the body depends on it; else 421 Misdirected Request, which
// names the flags that set it right.
func (s *Server) linkBase(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		o := s.origin
		if o.base != "" {
			c.Set(baseKey, o.base)
			return next(c)
		}
		req := c.Request()
		if name := hostName(req.Host); name == "" || !o.hosts[name] {
			return echo.NewHTTPError(http.StatusMisdirectedRequest, fmt.Sprintf("this server builds its links for the hosts %s, not %q: "+
				"start it with --base-url (the address clients use) or --allowed-hosts", strings.Join(slices.Sorted(maps.Keys(o.hosts)), ", "), req.Host))
		}
		c.Response().Header().Add("Vary", "Host")
		c.Set(baseKey, o.scheme(req)+"://"+req.Host)
		return next(c)
	}
}

// closeSmuggling closes the connection after answering a request with a
// Transfer-Encoding (RFC 9112 §6.1): net/http reads its body by the
// transfer coding and drops a Content-Length beside it, but a proxy in
// front may have taken the Content-Length, and what follows on the
// connection would be a request smuggled past it. The API takes no body.
func closeSmuggling(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(c.Request().TransferEncoding) > 0 {
			c.Response().Header().Set("Connection", "close")
		}
		return next(c)
	}
}
