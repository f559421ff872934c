package e2e

import (
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// A dataset whose whole range holds more values than one series may (here
// 3,000 sides listed and rows over two years: at most 332 days a series)
// still opens with its statistics: the page asks for the last days a
// series holds and says where its chart starts.
func TestSeriesLongerThanOneRequest(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	var sides strings.Builder
	sides.WriteString(string(testkit.ReadSmall(t, geo.SidesFile)))
	for i := range 3000 {
		fmt.Fprintf(&sides, "unused-%d,Unused %d,#123456\n", i, i)
	}
	control := string(testkit.ReadSmall(t, geo.ControlFile)) + "2018-12-22,north-east,opposition,1,[7],\n"
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.SidesFile: sides.String(), geo.ControlFile: control}), "long")
	require.NoError(t, err)
	require.Less(t, ds.MaxSeriesDays(), ds.Range().Days())
	ts := httptest.NewServer(newHandler(t, ds, server.Config{}))
	t.Cleanup(ts.Close)
	meta := apiClient{t: t, base: ts.URL}.meta()
	b := open(t, newBrowser(t), ts.URL+"/?tiles=off#"+meta.LastDate)
	caption := poll[string](t, b, `document.querySelector('table.stats caption')?.textContent ?? ''`)
	assert.Contains(t, caption, "the chart runs from", "the page says the series is shortened")
	assert.Contains(t, caption, "the data begins "+meta.FirstDate)
	assert.NotContains(t, eval[string](t, b, `document.documentElement.dataset.error ?? ''`), "400")
}
