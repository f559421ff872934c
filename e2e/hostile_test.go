package e2e

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// payload is markup that runs script if a page inserts it as HTML.
const payload = `<img src=x onerror=alert(1)>`

// hostileDataset is the small test dataset with markup in every string the
// page shows: names, Arabic names, aliases, side names, title, description,
// attribution, licence, notes and references.
func hostileDataset(t *testing.T) *geo.Dataset {
	t.Helper()
	read := func(name string) []byte { return testkit.ReadSmall(t, name) }
	var fc map[string]any
	require.NoError(t, json.Unmarshal(read(geo.DistrictsFile), &fc))
	for i, f := range fc["features"].([]any) {
		props := f.(map[string]any)["properties"].(map[string]any)
		props["name"] = fmt.Sprintf(`%s %d`, payload, i)
		props["name_ar"] = fmt.Sprintf(`<svg onload=alert(2)>حي %d`, i)
		props["aliases"] = []string{fmt.Sprintf(`<script>alert(3)</script>alias%d`, i)}
	}
	districts, err := json.Marshal(fc)
	require.NoError(t, err)
	meta, err := json.Marshal(map[string]any{
		"title": "<b onmouseover=alert(4)>Title</b>", "description": "<iframe src=javascript:alert(5)></iframe>",
		"attribution": `<a href="javascript:alert(6)">credit</a>`, "license": "<style>body{display:none}</style>CC0",
	})
	require.NoError(t, err)
	control := strings.ReplaceAll(string(read(geo.ControlFile)), "split evenly", `"<img src=y onerror=alert(7)>"`)
	require.Contains(t, control, "alert(7)")
	sides := strings.Replace(string(read(geo.SidesFile)), "Government,", `"<img src=z onerror=alert(8)> Government",`, 1)
	fsys := fstest.MapFS{
		geo.MetaFile:       {Data: meta},
		geo.SidesFile:      {Data: []byte(sides)},
		geo.DistrictsFile:  {Data: districts},
		geo.ControlFile:    {Data: []byte(control)},
		geo.ReferencesFile: {Data: []byte("number,text\n1,\"<img src=w onerror=alert(9)> a source\"\n4,<u>four</u>\n")},
	}
	ds, err := geo.LoadDir(fsys, "hostile")
	require.NoError(t, err)
	return ds
}

// Every dataset string must reach the page as text: the test shows each one
// (tooltip, search, popup with history and an opened reference, labels,
// legend of both views, stats, about) and checks that the markup is there as
// text, that no element came from it, and that nothing ran or was blocked.
func TestHostileDatasetRendersAsText(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	ts := httptest.NewServer(newHandler(t, hostileDataset(t), server.Config{}))
	t.Cleanup(ts.Close)
	api := apiClient{t: t, base: ts.URL}
	meta := api.meta()
	ctx := newBrowser(t)
	b := open(t, ctx, ts.URL+"/?tiles=off#"+meta.LastDate+"/"+meta.FirstDate)
	waitCompared(t, b, meta.LastDate, meta.FirstDate)
	// The chart loads when scrolled near.
	eval[bool](t, b, `(document.getElementById('chart').scrollIntoView(), true)`)
	poll[bool](t, b, `document.documentElement.dataset.chart === 'ready' && !!document.querySelector('#chart canvas')`)

	// Labels in both scripts: a zoom level closer than the first view (which shows every district).
	eval[bool](t, b, `(location.hash = location.hash.replace(/\/([^/]+)$/, (m, z) => '/' + (Number(z) + 1))) !== ''`)
	poll[bool](t, b, `[...document.querySelectorAll('.district-label span')].some(s => s.textContent.startsWith('<img src=x'))`)
	eval[bool](t, b, `(document.querySelector('.arabic-switch').click(), true)`)
	poll[bool](t, b, `[...document.querySelectorAll('.district-label span')].some(s => s.textContent.startsWith('<svg onload'))`)
	// The tooltip of a district under the mouse.
	id := "north-west"
	clickDistrict(t, b, id)
	tip := poll[string](t, b, `(document.querySelector('.leaflet-tooltip') || {}).textContent || ''`)
	assert.Equal(t, payload+" 0", tip)
	// The search list, then its popup with the history and an opened reference.
	search(t, b, "alias3")
	assert.Contains(t, eval[string](t, b, `document.getElementById('search-list').textContent`), "<script>alert(3)</script>alias3")
	waitPopup(t, b, "south-east")
	popup := eval[string](t, b, `document.querySelector('.leaflet-popup-content .popup').textContent`)
	assert.Contains(t, popup, payload+" 3")
	assert.Contains(t, popup, "<svg onload=alert(2)>حي 3")
	assert.Contains(t, popup, "<img src=y onerror=alert(7)>", "notes are text")
	eval[bool](t, b, `(document.querySelector('.leaflet-popup-content .history button.cite[data-cite="[4]"]').click(), true)`)
	poll[bool](t, b, `[...document.querySelectorAll('.leaflet-popup-content ul.refs li')].some(li => li.textContent === '[4] <u>four</u>')`)

	text := eval[string](t, b, `document.body.textContent`)
	for _, s := range []string{"<b onmouseover=alert(4)>Title</b>", "<iframe src=javascript:alert(5)></iframe>", `<a href="javascript:alert(6)">credit</a>`,
		"<style>body{display:none}</style>CC0", "<img src=z onerror=alert(8)> Government"} {
		assert.Contains(t, text, s)
	}
	assert.Equal(t, "<b onmouseover=alert(4)>Title</b> — frontline", eval[string](t, b, `document.title`))
	// The plain view's legend names the sides too.
	eval[bool](t, b, `(document.getElementById('compare-clear').click(), true)`)
	waitCompared(t, b, meta.LastDate, "")
	assert.Contains(t, eval[string](t, b, `document.getElementById('legend').textContent`), "<img src=z onerror=alert(8)> Government")

	injected := eval[[]string](t, b, `[...document.querySelectorAll('img:not(.leaflet-tile), iframe, style, script:not([src]), b, u, svg [onload], [onerror], [onload], [onmouseover], a[href^="javascript:"]')]
		.map(el => el.outerHTML.slice(0, 80))`)
	assert.Empty(t, injected, "markup from the dataset became elements")
	assertNothingRan(t, b)
	require.NoError(t, chromedp.Do(b))
}
