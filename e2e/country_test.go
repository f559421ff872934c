package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/polygons"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// ukraineDays are the DeepState files the country test imports: three days
// in a row (steps and comparisons of a day) and two months later (a range
// of three months, so the slider has month ticks and a year).
var ukraineDays = []string{"20241101", "20241102", "20241103", "20241201", "20250201"}

// ukraineDataset imports ukraineDays of DeepState's polygons of occupied
// Ukraine (../shared/ukraine beside the repository) with the OSM raions and
// the sides of data/ukraine-raions into a dataset, as frontline
// import-polygons does; it skips the test when the shared folder is absent.
// The data is GPL: built here, never committed.
func ukraineDataset(t *testing.T) *geo.Dataset {
	t.Helper()
	sample, regions := testkit.Ukraine(t)
	var files []string
	for _, d := range ukraineDays {
		files = append(files, filepath.Join(sample, "deepstatemap_data_"+d+".geojson"))
	}
	const maxBytes = 512 << 20
	cfg := polygons.Config{Sides: []string{"russia"}, Rest: "ukraine", EdgeM: polygons.DefaultEdgeM, RegionID: "osm_id", RegionName: "name", Group: "oblast"}
	im, _, err := polygons.Run{
		Config: cfg, Sources: []polygons.Source{{Side: "russia", Files: files}}, MaxFileBytes: maxBytes,
		Regions: func() ([]polygons.Region, error) {
			rs, _, _, err := polygons.ReadRegions(regions, cfg.RegionID, cfg.RegionName, cfg.Group, maxBytes)
			return rs, err
		},
	}.Do()
	require.NoError(t, err)
	out := t.TempDir()
	f, err := os.Open(filepath.Join(testkit.Root, "data", "ukraine-raions", "sides.csv"))
	require.NoError(t, err)
	defer f.Close()
	sides, problems := geo.ReadSides(f, "sides.csv")
	require.Empty(t, problems)
	written, err := im.Files(polygons.Meta{
		Title: "Russian-occupied Ukraine (DeepState), five days from 2024-11-01 to 2025-02-01", Description: polygons.Describe(im), Sides: sides,
	})
	require.NoError(t, err)
	for _, f := range written {
		w, err := os.Create(filepath.Join(out, f.Name))
		require.NoError(t, err)
		require.NoError(t, f.Write(w))
		require.NoError(t, w.Close())
	}
	ds, err := geo.LoadDir(os.DirFS(out), "ukraine")
	require.NoError(t, err)
	return ds
}

// TestBrowserCountry is issue 18's "a country over years": the page on
// thousands of faces of a country over months, in Chromium.
func TestBrowserCountry(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	ds := ukraineDataset(t)
	ts := httptest.NewServer(newHandler(t, ds, server.Config{}))
	t.Cleanup(ts.Close)
	api := apiClient{t: t, base: ts.URL}
	meta := api.meta()
	features := api.countryFeatures()
	ctx := newBrowser(t)
	page := ts.URL + "/?tiles=off"
	require.GreaterOrEqual(t, len(features), 500, "the test dataset must be big enough for the country view")
	first, last := meta.FirstDate, meta.LastDate
	require.Equal(t, "2024-11-01", first)
	require.Equal(t, "2025-02-01", last)

	t.Run("the page draws the faces for the zoom, merged per region and look, the regions and their names", func(t *testing.T) {
		b := open(t, ctx, page)
		// Every face drawn once: in its region's path of faces that look the same, or (changed on the date) on its own.
		drawn := eval[[]int](t, b, `[[...document.querySelectorAll('path.face-group')].reduce((n, p) => n + Number(p.dataset.faces), 0),
			document.querySelectorAll('path.district').length, document.querySelectorAll('path.face-group').length]`)
		assert.Equal(t, len(features), drawn[0]+drawn[1], "faces drawn: %d merged, %d on their own", drawn[0], drawn[1])
		assert.Less(t, drawn[1]+drawn[2], len(features)/2, "%d faces drawn as %d paths", len(features), drawn[1]+drawn[2])
		band := eval[string](t, b, `document.documentElement.dataset.band`)
		assert.NotEmpty(t, band, "a big dataset is drawn in zoom bands")
		zoom := poll[float64](t, b, `Number(location.hash.split('/').pop())`)
		z := atoi(t, band)
		assert.True(t, float64(z) >= math.Floor(zoom)-1 && float64(z) <= math.Floor(zoom)+2, "band %d for zoom %.2f", z, zoom)
		// Only bands were fetched, not the 1 m layer: the first guessed from the dataset's area, at most one more once fitted.
		got := eval[[]string](t, b, `performance.getEntriesByType('resource').map(e => new URL(e.name)).filter(u => u.pathname === '/api/districts.topojson').map(u => u.search)`)
		assert.Contains(t, got, "?z="+band)
		assert.LessOrEqual(t, len(got), 2, "geometry fetched: %v", got)
		for _, q := range got {
			assert.True(t, strings.HasPrefix(q, "?z="), "the map fetched %q", q)
		}
		// Faces are not outlined one by one: the merged paths have no border (their regions have).
		assert.Equal(t, []string{"none"}, eval[[]string](t, b, `[...new Set([...document.querySelectorAll('path.face-group')].map(p => p.getAttribute('stroke')))]`))
		// The oblasts' and raions' borders, and the oblasts' names.
		for _, cls := range []string{"group-line", "region-line"} {
			assert.Greater(t, poll[int](t, b, fmt.Sprintf(`(document.querySelector('path.%s') || {getAttribute: () => ''}).getAttribute('d').length`, cls)), 1000, cls)
		}
		labels := poll[[]string](t, b, `(() => { const l = [...document.querySelectorAll('.district-label.group span')].map(s => s.textContent); return l.length >= 5 && l; })()`)
		assert.Contains(t, labels, "Donetska oblast")
		assert.Zero(t, eval[int](t, b, `document.querySelectorAll('.arabic-switch').length`), "no Arabic names, no Arabic switch")
	})

	t.Run("the front line is drawn over the faces", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		waitFronts(t, b, last)
		want := api.frontlines(last)
		require.NotEmpty(t, want)
		assert.Len(t, eval[[]string](t, b, `[...document.querySelectorAll('path.frontline')].map(p => p.dataset.sides)`), len(want))
		// [width, height] of the drawn front, [z-index of its pane, of the faces' and the regions' panes], its stroke width.
		box := eval[[]float64](t, b, `(() => { const p = document.querySelector('path.frontline').getBoundingClientRect();
			const z = (n) => Number(getComputedStyle(document.querySelector('.leaflet-' + n + '-pane')).zIndex);
			return [p.width, p.height, z('frontlines'), z('faces'), z('regions'), parseFloat(document.querySelector('path.frontline').getAttribute('stroke-width'))]; })()`)
		assert.Greater(t, max(box[0], box[1]), 100.0, "the front is drawn across the map")
		assert.Greater(t, box[2], box[3])
		assert.Greater(t, box[2], box[4])
		assert.GreaterOrEqual(t, box[5], 3.0, "the front line is thicker than any border")
	})

	t.Run("the slider reaches the first and last date, with month and year ticks and steps", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		setSlider(t, b, 0)
		waitShown(t, b, first)
		setSlider(t, b, api.daysBetween(first, last))
		waitShown(t, b, last)
		months := eval[[]string](t, b, `[...document.querySelectorAll('#ticks .tick.month')].map(t => t.dataset.date)`)
		assert.Equal(t, []string{"2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01"}, months)
		assert.Equal(t, []string{"2025"}, eval[[]string](t, b, `[...document.querySelectorAll('#ticks .tick.year .tick-label')].map(l => l.textContent)`))
		// The last month's tick sits where the slider's thumb is on the last date.
		xs := eval[[]float64](t, b, `(() => { const s = document.getElementById('slider').getBoundingClientRect();
			const t = document.querySelector('#ticks .tick[data-date="2025-02-01"]').getBoundingClientRect(); return [s.right, t.left + t.width / 2]; })()`)
		assert.InDelta(t, xs[0]-10, xs[1], 2, "the tick of the last date is under the thumb at the end")
		// Steps of a month and a week.
		eval[bool](t, b, `(() => { const s = document.getElementById('step-unit'); s.value = 'month'; s.dispatchEvent(new Event('change')); return true; })()`)
		assert.Equal(t, "Back 1 month", eval[string](t, b, `document.getElementById('prev-day').getAttribute('aria-label')`))
		eval[bool](t, b, `(document.getElementById('prev-day').click(), true)`)
		waitShown(t, b, "2025-01-01")
		eval[bool](t, b, `(() => { const s = document.getElementById('step-unit'); s.value = 'week'; s.dispatchEvent(new Event('change')); return true; })()`)
		eval[bool](t, b, `(document.getElementById('prev-day').click(), true)`)
		waitShown(t, b, "2024-12-25")
		// A date typed into the big date.
		typeInto(t, b, "#date-label", "2 Nov 2024")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		waitShown(t, b, "2024-11-02")
		assert.Equal(t, "2024-11-02", eval[string](t, b, `document.getElementById('date-label').value`))
		// Playback crosses two years in under a minute (and Aleppo's weeks a day at a time).
		plan := eval[[]float64](t, b, `import('/js/timeline.js').then(m => [['2024-08-01', '2026-08-01'], ['2016-11-15', '2016-12-22']]
			.map(([a, z]) => { const p = m.playPlan(a, z); return Math.ceil((Date.parse(z) - Date.parse(a)) / 864e5 / p.stepDays) * p.everyMs; }))`, chromedp.EvalAwaitPromise)
		assert.Less(t, plan[0], 60000.0, "playing two years takes %.0f ms", plan[0])
		assert.Equal(t, 37*800.0, plan[1], "a short range plays a day every 0.8 s")
	})

	t.Run("a typed comparison date holds and the summaries equal the API's", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		typeInto(t, b, "#compare", "11/02/2024") // 2 November; 11 February 2024 is outside the data
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		waitCompared(t, b, last, "2024-11-02")
		assert.Equal(t, "2024-11-02", eval[string](t, b, `document.getElementById('compare').value`))
		time.Sleep(300 * time.Millisecond)
		assert.Equal(t, "2024-11-02", eval[string](t, b, `document.getElementById('compare').value`), "the typed date holds")
		assertComparison(t, b, api, meta, "2024-11-02", last)
		assertRegionChanges(t, b, api, features, "2024-11-02", last)

		// Presets: a month before the shown date, and 1 January.
		eval[bool](t, b, `(document.querySelector('#presets button[data-preset="month"]').click(), true)`)
		waitCompared(t, b, last, "2025-01-01")
		assertComparison(t, b, api, meta, "2025-01-01", last)
		assert.Equal(t, "2025-01-01", eval[string](t, b, `document.querySelector('#presets button[data-preset="year"]').textContent`))
		assert.True(t, eval[bool](t, b, `document.querySelector('#presets button[data-preset="year"]').getAttribute('aria-pressed') === 'true'`))
		// A week before 5 December, in the year whose 1 January is before the data.
		setSlider(t, b, api.daysBetween(first, "2024-12-05"))
		waitCompared(t, b, "2024-12-05", "2025-01-01")
		assert.True(t, eval[bool](t, b, `document.querySelector('#presets button[data-preset="week"]').disabled === false
			&& document.querySelector('#presets button[data-preset="year"]').disabled === true`), "1 January 2024 is before the data")
		eval[bool](t, b, `(document.querySelector('#presets button[data-preset="week"]').click(), true)`)
		waitCompared(t, b, "2024-12-05", "2024-11-28")
		assertComparison(t, b, api, meta, "2024-11-28", "2024-12-05")
	})

	t.Run("a phone popup fits inside 390 px, names its region and history, and closes with a tap", func(t *testing.T) {
		id := api.changedFace(meta, features)
		b := open(t, ctx, page+"#"+last, phone(390, 844))
		// The face's region (found by its name) fitted in view, then the face tapped.
		pickFirst(t, b, features[id].Properties.Name)
		closePopup(t, b)
		tapFace(t, b, api, id)
		waitPopup(t, b, id)
		time.Sleep(300 * time.Millisecond) // the popup's pan
		type box struct{ Left, Top, Right, Bottom float64 }
		got := eval[map[string]box](t, b, `(() => {
			const r = (el) => { const q = el.getBoundingClientRect(); return { Left: q.left, Top: q.top, Right: q.right, Bottom: q.bottom }; };
			return { popup: r(document.querySelector('.leaflet-popup-content-wrapper')), close: r(document.querySelector('.leaflet-popup-close-button')) }; })()`)
		p, c := got["popup"], got["close"]
		assert.True(t, p.Left >= 0 && p.Right <= 390 && p.Top >= 0, "the popup %+v spills off the 390 px screen", p)
		assert.True(t, c.Left >= 0 && c.Right <= 390 && c.Top >= 0 && c.Right-c.Left >= 44-1e-3 && c.Bottom-c.Top >= 44-1e-3, "close button %+v", c)
		assert.True(t, eval[bool](t, b, fmt.Sprintf(`!!document.elementFromPoint(%f, %f).closest('.leaflet-popup-close-button')`, (c.Left+c.Right)/2, (c.Top+c.Bottom)/2)),
			"something covers the close button")
		text := eval[string](t, b, `document.querySelector('.leaflet-popup-content .popup').innerText`)
		assert.Contains(t, text, features[id].Properties.Name)
		assert.Contains(t, text, groupName(features[id].Properties.Group), "the popup names the face's oblast")
		info := api.district(id)
		hands := eval[string](t, b, `document.querySelector('.leaflet-popup-content .hands').dataset.changes`)
		assert.Equal(t, fmt.Sprint(countHands(info)), hands, "times the face changed hands")
		assert.Positive(t, countHands(info))
		state := api.control(last)[id]
		assert.Contains(t, text, "Since: "+state.Since)
		require.NoError(t, chromedp.Do(b, chromedp.MouseClickXY((c.Left+c.Right)/2, (c.Top+c.Bottom)/2)))
		poll[bool](t, b, `!document.querySelector('.leaflet-popup')`)
	})

	t.Run("a phone's first screen holds the map, the date with its steps and the legend, and does not jump", func(t *testing.T) {
		// On a 320 px phone the legend may be under the fold (the time bar of a long range is taller), the date
		// and its buttons may not.
		for _, vp := range [][2]int64{{390, 844}, {320, 568}} {
			name := fmt.Sprintf("%d×%d", vp[0], vp[1])
			b := open(t, ctx, page, phone(vp[0], vp[1]))
			first := []string{"#map", "#date-label", "#prev-day", "#play", "#next-day", "#step-unit", "#slider"}
			if vp[0] >= 390 {
				first = append(first, "#legend li:last-child")
			}
			assertFirstScreen(t, b, name, first)
			assert.LessOrEqual(t, eval[int](t, b, `document.documentElement.scrollWidth`), int(vp[0]), "%s: the page scrolls sideways", name)
			assert.True(t, eval[bool](t, b, `(() => { const l = document.getElementById('date-label'); return l.scrollWidth <= l.clientWidth + 1; })()`),
				"%s: the date runs out of its box (under the buttons)", name)
			assert.Equal(t, []string{"visible", "visible", "visible"}, eval[[]string](t, b, `['#timeline', '#legend-section', '.panel'].map(s => getComputedStyle(document.querySelector(s)).visibility)`),
				"%s: the time bar, the legend and the panel are shown once the page is ready", name)
			assertSteady(t, b, name)
		}
	})

	t.Run("the map is one Tab stop and Enter opens a popup", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		eval[bool](t, b, `(document.getElementById('search').focus(), true)`)
		tabs, paths := 0, 0
		for ; tabs < 60 && eval[string](t, b, `document.activeElement.id`) != "prev-day"; tabs++ {
			require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Tab)))
			if eval[bool](t, b, `!!document.activeElement.closest('path')`) {
				paths++
			}
		}
		assert.Zero(t, paths, "face paths took the focus")
		assert.LessOrEqual(t, tabs, 14, "Tabs from the search box to the date buttons")
		eval[bool](t, b, `(document.getElementById('map').focus(), true)`)
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowDown)))
		id := poll[string](t, b, `(document.querySelector('path.picked') || {dataset: {}}).dataset.ids`)
		require.NotContains(t, id, " ", "one face is outlined")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		waitPopup(t, b, id)
		assert.True(t, eval[bool](t, b, `!!document.activeElement.closest('.leaflet-popup')`), "the opened popup has the focus")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Escape)))
		poll[bool](t, b, `!document.querySelector('.leaflet-popup')`)
		assert.Equal(t, "map", eval[string](t, b, `document.activeElement.id`))
	})

	t.Run("search finds regions by their names, in Latin letters too", func(t *testing.T) {
		faces := api.facesNamed(features, "Бахмутський район")
		require.NotEmpty(t, faces)
		b := open(t, ctx, page+"#"+last)
		require.NoError(t, chromedp.Do(b, chromedp.Click("#search"), chromedp.SendKeys("#search", "Bakhmut")))
		opt := poll[[]string](t, b, `(() => { const li = document.querySelector('#search-list li[data-group], #search-list li[data-id]');
			return li && [li.querySelector('.opt-name').textContent, li.dataset.group || li.dataset.id]; })()`)
		assert.Equal(t, "Бахмутський район", opt[0])
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		if len(faces) == 1 {
			waitPopup(t, b, faces[0])
		}
		assertPicked(t, b, faces)
		// An oblast by its readable name.
		eval[bool](t, b, `(() => { const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input')); return true; })()`)
		require.NoError(t, chromedp.Do(b, chromedp.SendKeys("#search", "kharkiv oblast")))
		name := poll[string](t, b, `(() => { const li = document.querySelector('#search-list li[data-group]'); return li && li.querySelector('.opt-name').textContent; })()`)
		assert.Equal(t, "Kharkivska oblast", name)
	})

	t.Run("the regions panel shows each oblast's shares, sorts, and zooms to one", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		groups := api.groups(features)
		rows := poll[[]string](t, b, fmt.Sprintf(`(() => { const r = [...document.querySelectorAll('#regions tr[data-group]')].map(r => r.dataset.group);
			return (r.length === %d || document.querySelector('#regions .muted:not(:empty)') && document.querySelector('#regions p.muted').textContent.startsWith('Regions unavailable')) && r; })()`, len(groups)))
		if len(rows) == 0 {
			msg := eval[string](t, b, `document.querySelector('#regions p.muted').textContent`)
			t.Skipf("the server has no /api/stats/{date}?by=group yet (%s): the panel's numbers are not checked", msg)
		}
		assert.ElementsMatch(t, slices.Collect(maps.Keys(groups)), rows)
		var want struct {
			Groups []struct {
				Group string `json:"group"`
				Sides map[string]struct {
					Km2   float64 `json:"km2"`
					Share float64 `json:"share"`
				} `json:"sides"`
			} `json:"groups"`
		}
		api.get("/api/stats/"+last+"?by=group", &want)
		shares := eval[map[string]map[string]string](t, b, `Object.fromEntries([...document.querySelectorAll('#regions tr[data-group]')].map(r =>
			[r.dataset.group, Object.fromEntries([...r.querySelectorAll('td.share')].map(td => [td.dataset.side, td.dataset.value]))]))`)
		for _, g := range want.Groups {
			if g.Group == "" {
				continue // the ground outside every oblast is no row of the panel
			}
			for side, v := range g.Sides {
				assert.Equal(t, v.Share, parseFloat(t, shares[g.Group][side]), "%s: %s's share", g.Group, side)
			}
		}
		// Sorted by Russia's share, the most held first.
		eval[bool](t, b, `(document.querySelector('#regions th[data-sort="russia"] button').click(), true)`)
		sorted := eval[[]float64](t, b, `[...document.querySelectorAll('#regions tr[data-group] td.share[data-side="russia"]')].map(td => Number(td.dataset.value))`)
		assert.True(t, slices.IsSortedFunc(sorted, func(a, b float64) int { return -cmpFloat(a, b) }), "rows sorted by Russia's share, descending: %v", sorted)
		assert.Equal(t, "descending", eval[string](t, b, `document.querySelector('#regions th[data-sort="russia"]').getAttribute('aria-sort')`))
		// A click shows the oblast: all its faces in view, outlined.
		eval[bool](t, b, `(document.querySelector('#regions tr[data-group="luhanska_oblast"] button').click(), true)`)
		assertPicked(t, b, groups["luhanska_oblast"])
	})

	t.Run("zooming in swaps finer geometry into the same paths", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		before := eval[string](t, b, `document.documentElement.dataset.band`)
		// The path of the most faces: it stays, with another shape.
		big := `[...document.querySelectorAll('path.face-group')].sort((a, b) => b.dataset.faces - a.dataset.faces)[0]`
		d := eval[string](t, b, `(() => { const p = `+big+`; p.dataset.probe = 'kept'; return p.getAttribute('d'); })()`)
		for i := 0; i < 6; i++ {
			eval[bool](t, b, `(document.querySelector('.leaflet-control-zoom-in').click(), true)`)
			time.Sleep(350 * time.Millisecond)
		}
		after := poll[string](t, b, fmt.Sprintf(`document.documentElement.dataset.band !== %q && document.documentElement.dataset.band`, before))
		assert.Greater(t, atoi(t, after), atoi(t, before))
		assert.Equal(t, "kept", eval[string](t, b, `(document.querySelector('path.face-group[data-probe]') || {dataset: {}}).dataset.probe`), "the path stays")
		assert.NotEqual(t, d, eval[string](t, b, `document.querySelector('path.face-group[data-probe]').getAttribute('d')`), "with the finer shape")
	})

	t.Run("the chart shows the net gain per month", func(t *testing.T) {
		b := open(t, ctx, page+"#"+last)
		eval[bool](t, b, `(document.getElementById('chart').scrollIntoView(), true)`)
		poll[bool](t, b, `document.documentElement.dataset.chart === 'ready'`)
		var months [][2]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(eval[string](t, b, `document.getElementById('chart').dataset.months`)), &months))
		require.Len(t, months, 4, "November to February")
		var net map[string]float64
		require.NoError(t, json.Unmarshal(months[1][1], &net))
		// December: from 30 November to 31 December, from the stats of those days.
		from, to := api.statsOf("2024-11-30"), api.statsOf("2024-12-31")
		for side, v := range net {
			assert.InDelta(t, to.Sides[side].Km2-from.Sides[side].Km2, v, 1e-6, "%s's net gain in December", side)
		}
	})

	t.Run("without zoom bands (a static copy holding the 1 m layer only) the faces are drawn from it", func(t *testing.T) {
		handler := newHandler(t, ds, server.Config{})
		noBands := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/districts.topojson" && r.URL.Query().Has("z") {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"type":"about:blank","title":"Not Found","status":404,"detail":"not part of this copy"}`)
				return
			}
			handler.ServeHTTP(w, r)
		}))
		t.Cleanup(noBands.Close)
		b := open(t, ctx, noBands.URL+"/?tiles=off#"+last)
		drawn := eval[[]int](t, b, `[[...document.querySelectorAll('path.face-group')].reduce((n, p) => n + Number(p.dataset.faces), 0),
			document.querySelectorAll('path.district').length]`)
		assert.Equal(t, len(features), drawn[0]+drawn[1])
		assert.Empty(t, eval[string](t, b, `document.documentElement.dataset.error || ''`))
		eval[bool](t, b, `(document.querySelector('.leaflet-control-zoom-in').click(), true)`)
		time.Sleep(500 * time.Millisecond)
		got := eval[[]string](t, b, `performance.getEntriesByType('resource').map(e => new URL(e.name)).filter(u => u.pathname === '/api/districts.topojson').map(u => u.search)`)
		assert.Equal(t, 1, len(slices.DeleteFunc(slices.Clone(got), func(q string) bool { return q != "" })), "the 1 m layer once: %v", got)
		assert.LessOrEqual(t, len(got), 2, "no band asked for again once there were none: %v", got)
	})

	t.Run("screenshot", func(t *testing.T) {
		if os.Getenv(screenshotEnv) != "1" {
			t.Skipf("set %s=1 to write docs/screenshot-ukraine.png", screenshotEnv)
		}
		b := open(t, ctx, page+"#"+last+"/"+first)
		waitCompared(t, b, last, first)
		waitFronts(t, b, last)
		poll[bool](t, b, `document.querySelectorAll('.district-label span').length > 4`)
		saveScreenshotAs(t, b, "screenshot-ukraine.png")
	})
}

type countryFeature struct {
	ID         string `json:"id"`
	Properties struct {
		Name    string  `json:"name"`
		Group   string  `json:"group"`
		Region  string  `json:"region"`
		AreaKm2 float64 `json:"area_km2"`
	} `json:"properties"`
}

func (a apiClient) countryFeatures() map[string]countryFeature {
	var fc struct{ Features []countryFeature }
	a.get("/api/districts", &fc)
	out := map[string]countryFeature{}
	for _, f := range fc.Features {
		out[f.ID] = f
	}
	return out
}

// groups are the oblasts' faces.
func (a apiClient) groups(features map[string]countryFeature) map[string][]string {
	out := map[string][]string{}
	for id, f := range features {
		if f.Properties.Group != "" {
			out[f.Properties.Group] = append(out[f.Properties.Group], id)
		}
	}
	return out
}

func (a apiClient) facesNamed(features map[string]countryFeature, name string) []string {
	var out []string
	for id, f := range features {
		if f.Properties.Name == name {
			out = append(out, id)
		}
	}
	return out
}

// changedFace is the largest face in an oblast that changed hands in the data.
func (a apiClient) changedFace(m metaDoc, features map[string]countryFeature) string {
	ch := a.changes(m.FirstDate, m.LastDate)
	best := ""
	for id := range ch {
		if f := features[id]; f.Properties.Group != "" && (best == "" || f.Properties.AreaKm2 > features[best].Properties.AreaKm2) {
			best = id
		}
	}
	require.NotEmpty(a.t, best, "no face changed hands from %s to %s", m.FirstDate, m.LastDate)
	return best
}

func (a apiClient) statsOf(date string) statsDay {
	var s statsDay
	a.get("/api/stats/"+date, &s)
	return s
}

// countHands is how often a district's controller changed over its history.
func countHands(d districtDoc) int {
	n := 0
	for i := 1; i < len(d.History); i++ {
		if d.History[i].Controller != d.History[i-1].Controller {
			n++
		}
	}
	return n
}

// groupName is the page's name of an oblast's slug.
func groupName(slug string) string {
	s := strings.ReplaceAll(slug, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// assertRegionChanges checks the per-oblast summary of a comparison against
// the areas of the faces that changed hands (/api/changes, /api/districts).
func assertRegionChanges(t *testing.T, ctx context.Context, api apiClient, features map[string]countryFeature, from, to string) {
	t.Helper()
	want := map[string]map[string]float64{}
	before, after := api.control(from), api.control(to)
	for id := range api.changes(from, to) {
		f := features[id]
		if f.Properties.Group == "" {
			continue
		}
		g := want[f.Properties.Group]
		if g == nil {
			g = map[string]float64{}
			want[f.Properties.Group] = g
		}
		for side := range unionKeys(before[id].Shares, after[id].Shares) {
			g[side] += (after[id].Shares[side] - before[id].Shares[side]) * f.Properties.AreaKm2
		}
	}
	got := eval[map[string]map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('#compare-regions tr[data-group]')].map(r =>
		[r.dataset.group, Object.fromEntries([...r.querySelectorAll('td.net')].map(td => [td.dataset.side, td.dataset.value]))]))`)
	require.NotEmpty(t, got, "no per-region summary")
	for g, sides := range got {
		for side, v := range sides {
			assert.InDelta(t, want[g][side], parseFloat(t, v), 1e-6, "%s: %s's net km²", g, side)
		}
	}
}

func unionKeys(a, b map[string]float64) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func setSlider(t *testing.T, ctx context.Context, offset int) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById('slider');
		s.value = '%d'; s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); return true; })()`, offset))
}

// tapFace taps the map where face id is: at a point inside it (the page's
// own interiorPoint of its exact geometry), placed on the screen by Web
// Mercator from the view the address holds.
func tapFace(t *testing.T, ctx context.Context, api apiClient, id string) {
	t.Helper()
	var f struct {
		Geometry json.RawMessage `json:"geometry"`
	}
	var fc struct {
		Features []struct {
			ID       string          `json:"id"`
			Geometry json.RawMessage `json:"geometry"`
		}
	}
	api.get("/api/districts", &fc)
	for _, g := range fc.Features {
		if g.ID == id {
			f.Geometry = g.Geometry
		}
	}
	require.NotEmpty(t, f.Geometry, "no face %s", id)
	pt := eval[[]float64](t, ctx, fmt.Sprintf(`import('/js/labels.js').then(m => m.interiorPoint(%s))`, f.Geometry), chromedp.EvalAwaitPromise)
	// Settled: the hash holds the view once the map has stopped moving.
	view := poll[[]float64](t, ctx, `(() => { const v = location.hash.split('/').slice(-3).map(Number); const r = document.getElementById('map').getBoundingClientRect();
		const k = JSON.stringify(v); window.__view = window.__lastView === k ? (window.__view || 0) + 1 : 0; window.__lastView = k;
		return window.__view >= 5 && [...v, r.left, r.top, r.width, r.height]; })()`)
	merc := func(lat, lon, z float64) (float64, float64) {
		s := 256 * math.Exp2(z)
		phi := lat * math.Pi / 180
		return (lon + 180) / 360 * s, (1 - math.Log(math.Tan(phi)+1/math.Cos(phi))/math.Pi) / 2 * s
	}
	cx, cy := merc(view[0], view[1], view[2])
	px, py := merc(pt[0], pt[1], view[2])
	x, y := view[3]+view[5]/2+px-cx, view[4]+view[6]/2+py-cy
	require.True(t, x > view[3] && x < view[3]+view[5] && y > view[4] && y < view[4]+view[6], "face %s is off the map at %.0f,%.0f", id, x, y)
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, x, y), chromedp.MouseClickXY(x, y)))
}

// assertPicked checks that the faces ids are outlined together (the picked
// outline names exactly them) and wholly in view.
func assertPicked(t *testing.T, ctx context.Context, ids []string) {
	t.Helper()
	want := slices.Clone(ids)
	slices.Sort(want)
	got := poll[string](t, ctx, `(document.querySelector('path.picked') || {dataset: {}}).dataset.ids`)
	assert.Equal(t, strings.Join(want, " "), got, "the outlined faces")
	in := eval[bool](t, ctx, `(() => { const m = document.getElementById('map').getBoundingClientRect(), r = document.querySelector('path.picked').getBoundingClientRect();
		return r.width > 0 && r.left >= m.left && r.top >= m.top && r.right <= m.right && r.bottom <= m.bottom; })()`)
	assert.True(t, in, "the outlined faces are wholly in view")
}

// pickFirst types query into the search box and picks the first option, a district or a group.
func pickFirst(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#search"), chromedp.SendKeys("#search", query)))
	poll[bool](t, ctx, `!document.getElementById('search-list').hidden && !!document.querySelector('#search-list li[data-index]')`)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
}

func closePopup(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `(document.querySelector('.leaflet-popup-close-button') && document.querySelector('.leaflet-popup-close-button').click(), true)`)
	poll[bool](t, ctx, `!document.querySelector('.leaflet-popup')`)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
