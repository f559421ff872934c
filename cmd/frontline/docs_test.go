package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
)

// The documentation is read inside the repository: it names no issue of
// the developers' tracker and no path outside the repository.
func TestDocsStayInTheRepository(t *testing.T) {
	outside := regexp.MustCompile(`(?i)\bissues? \d+\b|\.\./shared|\bshared/(seed|reference|anchors|aleppo)|/work/`)
	var checked int
	err := filepath.WalkDir(testkit.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if m := outside.FindString(line); m != "" {
				rel, _ := filepath.Rel(testkit.Root, p)
				t.Errorf("%s:%d refers to %q, outside the repository", rel, i+1, m)
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 3)
}

// The README, and scripts/deps.sh when Go is missing, ask for the Go
// version go.mod needs.
func TestReadmeGoVersion(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(testkit.Root, "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod has a go directive")
	readme, err := os.ReadFile(filepath.Join(testkit.Root, "README.md"))
	require.NoError(t, err)
	asked := regexp.MustCompile(`Go ≥ (\d+\.\d+)`).FindAllSubmatch(readme, -1)
	require.NotEmpty(t, asked, "the README says which Go it needs")
	for _, a := range asked {
		assert.Equal(t, string(m[1]), string(a[1]), "the README asks for Go %s, go.mod needs %s", a[1], m[1])
	}
	deps, err := os.ReadFile(filepath.Join(testkit.Root, "scripts", "deps.sh"))
	require.NoError(t, err)
	asked = regexp.MustCompile(`Go (\d+\.\d+) or later`).FindAllSubmatch(deps, -1)
	require.NotEmpty(t, asked, "scripts/deps.sh says which Go to install")
	for _, a := range asked {
		assert.Equal(t, string(m[1]), string(a[1]), "scripts/deps.sh asks for Go %s, go.mod needs %s", a[1], m[1])
	}
}
