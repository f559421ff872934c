package server

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRequestHeaders: the parsers of what clients send in headers (Host,
// Accept and Accept-Encoding, If-None-Match) take anything without
// panicking, and an allowed Host always makes a link base that is a URL of
// that host and nothing else (issue 22, item 12: the links of the OGC API
// are built on it).
func FuzzRequestHeaders(f *testing.F) {
	for _, s := range []string{"localhost:8080", "[::1]:9", "::1", "127.0.0.1", "LOCALHOST.", "localhost:8080@evil.example",
		"evil.example", "localhost:80/x", "", "gzip;q=0.5, br;q=abc, *;q=0", `W/"abc", "def"`, "*", "text/html;q=1.5"} {
		f.Add(s)
	}
	o, err := newOrigin(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if name := hostName(h); name != "" {
			if name != strings.ToLower(name) || strings.ContainsAny(name, "/@ \\[]") {
				t.Fatalf("hostName(%q) = %q", h, name)
			}
			if o.hosts[name] {
				u, err := url.Parse("http://" + h + "/ogc")
				if err != nil || u.User != nil || u.Path != "/ogc" || u.RawQuery != "" || u.Fragment != "" ||
					strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") != name {
					t.Fatalf("Host %q is allowed as %q, but its links would be %v (%v)", h, name, u, err)
				}
			}
		}
		for _, a := range parseAccept(h) {
			if !(a.q >= 0 && a.q <= 1) || a.name == "" || a.name != strings.ToLower(strings.TrimSpace(a.name)) || strings.Contains(a.name, ",") {
				t.Fatalf("parseAccept(%q) gave %+v", h, a)
			}
		}
		// An ETag of the server's: quoted, without commas or spaces.
		etag := `"` + strings.Map(func(r rune) rune {
			if r == ',' || r == '"' || r <= ' ' {
				return -1
			}
			return r
		}, h) + `"`
		if !etagMatch(etag, etag) || !etagMatch("W/"+etag, etag) || !etagMatch(`"x", `+etag, etag) {
			t.Fatalf("If-None-Match %s does not match itself", etag)
		}
		etagMatch(h, `"x"`)
	})
}
