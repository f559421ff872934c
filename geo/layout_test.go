package geo_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// forbidden are the imports that the domain must never depend on, directly
// or through other packages: geo knows nothing of HTTP, the server, the web
// page or the command line.
var forbidden = []string{
	"net/http",
	"github.com/labstack/echo",
	"github.com/frontline/frontline/server",
	"github.com/frontline/frontline/web",
	"github.com/frontline/frontline/cmd",
}

// TestGeoImportsNoHTTP enforces the layout rule with go list: no package
// under geo/ depends on net/http, echo, server, web or cmd (test files
// aside: testify imports net/http).
func TestGeoImportsNoHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "github.com/frontline/frontline/geo/...").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NotEmpty(t, lines)
	for _, line := range lines {
		fields := strings.Fields(line)
		for _, dep := range fields[1:] {
			if bad := forbiddenImport(dep); bad != "" {
				t.Errorf("%s depends on %s: geo must not import %s (see README, Layout)", fields[0], dep, bad)
			}
		}
	}
}

func forbiddenImport(dep string) string {
	for _, f := range forbidden {
		if dep == f || strings.HasPrefix(dep, f+"/") {
			return f
		}
	}
	return ""
}

func TestForbiddenImport(t *testing.T) {
	for dep, want := range map[string]string{
		"net/http":                                     "net/http",
		"net/http/httptrace":                           "net/http",
		"github.com/labstack/echo/v4":                  "github.com/labstack/echo",
		"github.com/frontline/frontline/server":        "github.com/frontline/frontline/server",
		"github.com/frontline/frontline/cmd/frontline": "github.com/frontline/frontline/cmd",
		"net/url": "",
		"github.com/frontline/frontline/webhooks": "",
		"github.com/frontline/frontline/geo":      "",
	} {
		if got := forbiddenImport(dep); got != want {
			t.Errorf("forbiddenImport(%q) = %q, want %q", dep, got, want)
		}
	}
}
