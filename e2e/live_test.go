package e2e

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

// The page follows a new version of the data served without a restart: on
// focus it finds the new version in /api/meta and updates in place. The
// reader keeps the shown date, the comparison, the map's view and the open
// popup; the map shows the corrected state of the shown date (nothing
// cached from the old version is mixed in), the slider reaches the new last
// day, and a note says so and offers to show it.
func TestBrowserFollowsANewVersion(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	dir := t.TempDir()
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile, geo.ReferencesFile} {
		b, err := fs.ReadFile(data.Default(), f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	load := func() (*geo.Dataset, error) { return geo.LoadDir(os.DirFS(dir), dir) }
	ds, err := load()
	require.NoError(t, err)
	live, err := server.NewLive(server.Deps{Dataset: ds, Assets: web.Assets(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		server.Config{}, load)
	require.NoError(t, err)
	ts := httptest.NewServer(live)
	t.Cleanup(func() { ts.Close(); assert.NoError(t, live.Close()) })
	api := apiClient{t: t, base: ts.URL}
	meta := api.meta()

	// The view: a date in the middle compared with the first, and a
	// district held by one side then that no row changes on that date.
	date, compare := meta.ChangeDates[len(meta.ChangeDates)/2], meta.FirstDate
	states := api.control(date)
	var id, side string
	for _, d := range slices.Sorted(maps.Keys(states)) {
		s := states[d]
		if _, sole := soleColor(meta, s); sole && !s.Changed && states[d].Controller == api.control(compare)[d].Controller {
			id = d
			for _, other := range meta.Sides {
				if other.ID != s.Controller {
					side = other.ID
					break
				}
			}
			break
		}
	}
	require.NotEmpty(t, id, "no district holds still from %s to %s", compare, date)

	ctx := newBrowser(t)
	b := open(t, ctx, ts.URL+"/?tiles=off#"+date+"/"+compare)
	waitCompared(t, b, date, compare)
	clickDistrict(t, b, id)
	waitPopup(t, b, id)
	// The reader zooms in (the zoom is then theirs, not the fitted one).
	zoom := eval[string](t, b, `location.hash.split('/')[4]`)
	require.NoError(t, chromedp.Do(b, chromedp.Click(`.leaflet-control-zoom-in`)))
	poll[bool](t, b, fmt.Sprintf(`location.hash.split('/')[4] !== %q`, zoom))
	fillBefore := fillOf(t, b, id)
	hashBefore := eval[string](t, b, `location.hash`)
	sliderBefore := eval[string](t, b, `document.getElementById('slider').max`)
	version := eval[string](t, b, `document.documentElement.dataset.version`)
	require.NotEmpty(t, version, "the page knows the version it shows")

	// The new version: a correction on the shown date and a new last day.
	newLast := api.addDays(meta.LastDate, 3)
	f, err := os.OpenFile(filepath.Join(dir, geo.ControlFile), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fmt.Fprintf(f, "%s,%s,%s,1,,correction\n%s,%s,%s,1,,a new day\n", date, id, side, newLast, id, states[id].Controller)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, live.Reload(context.Background()))
	require.NotEqual(t, version, live.Version())

	eval[bool](t, b, `window.dispatchEvent(new Event('focus')), true`)
	poll[bool](t, b, fmt.Sprintf(`document.documentElement.dataset.version === %q`, live.Version()))
	waitCompared(t, b, date, compare)
	// The view stays where the reader put it: the same zoom, the centre
	// moved at most by the popup keeping its taller history in view.
	before, after := strings.Split(hashBefore, "/"), strings.Split(eval[string](t, b, `location.hash`), "/")
	require.Len(t, after, 5)
	assert.Equal(t, before[:2], after[:2], "the date and the comparison are kept")
	assert.Equal(t, before[4], after[4], "the zoom is kept")
	for i := 2; i <= 3; i++ {
		assert.InDelta(t, atof(t, before[i]), atof(t, after[i]), 0.01, "the centre is kept")
	}
	waitPopup(t, b, id)
	assert.NotEqual(t, fillBefore, fillOf(t, b, id), "the corrected state of the shown date is drawn")
	assert.Equal(t, side, eval[string](t, b, fmt.Sprintf(`document.querySelector('path.district[data-id=%q]').dataset.change.split('>')[0]`, id)),
		"the district is marked as gained by its new side")
	assert.NotEqual(t, sliderBefore, eval[string](t, b, `document.getElementById('slider').max`))
	assert.Equal(t, api.daysBetween(meta.FirstDate, newLast), atoi(t, eval[string](t, b, `document.getElementById('slider').max`)))
	note := eval[string](t, b, `document.getElementById('update-note').textContent`)
	assert.Contains(t, note, "Data updated: now to "+newLast, "dates are shown in one format, ISO")

	// Nothing new, nothing redone: another focus keeps the note.
	eval[bool](t, b, `window.dispatchEvent(new Event('focus')), true`)
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, 1, eval[int](t, b, `document.querySelectorAll('#update-note').length`))

	require.NoError(t, chromedp.Do(b, chromedp.Click(`#update-note button:not(.small)`)))
	waitShown(t, b, newLast)
	assert.True(t, strings.HasPrefix(eval[string](t, b, `location.hash`), "#"+newLast+"/"+compare+"/"))

	// A district renamed: the map cannot redraw its districts in place, so
	// the note offers a reload and the page stays as it was.
	path := filepath.Join(dir, geo.DistrictsFile)
	districts, err := os.ReadFile(path)
	require.NoError(t, err)
	renamed := strings.Replace(string(districts), fmt.Sprintf(`"id":%q,"name":"`, id), fmt.Sprintf(`"id":%q,"name":"Renamed `, id), 1)
	require.NotEqual(t, string(districts), renamed)
	require.NoError(t, os.WriteFile(path, []byte(renamed), 0o644))
	shown := live.Version()
	require.NoError(t, live.Reload(context.Background()))
	require.NotEqual(t, shown, live.Version())
	eval[bool](t, b, `window.dispatchEvent(new Event('focus')), true`)
	poll[bool](t, b, fmt.Sprintf(`document.getElementById('update-note')?.dataset.version === %q`, live.Version()))
	assert.Contains(t, eval[string](t, b, `document.getElementById('update-note').textContent`), "reload the page")
	assert.Equal(t, shown, eval[string](t, b, `document.documentElement.dataset.version`), "nothing applied in place")
	require.NoError(t, chromedp.Do(b, chromedp.Click(`#update-note button:not(.small)`)))
	// The page reloads: wait for the new document (evaluating fails while
	// the old one goes), then for its start.
	reloaded := fmt.Sprintf(`document.documentElement.dataset.version === %q && document.documentElement.dataset.ready === 'true'`, live.Version())
	require.Eventually(t, func() bool {
		ok, err := chromedp.Run(b, chromedp.Evaluate[bool](reloaded))
		return err == nil && ok
	}, 20*time.Second, 50*time.Millisecond, "the page reloads on the new version")
	waitCompared(t, b, newLast, compare)
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	_, err := fmt.Sscan(s, &f)
	require.NoError(t, err)
	return f
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	_, err := fmt.Sscan(s, &n)
	require.NoError(t, err)
	return n
}
