// Package e2e drives the real page (package web) in headless Chromium against
// the real server (package server) on a loopback port.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"maps"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

const chromiumPath = "/usr/bin/chromium"

// screenshotEnv, when "1", makes the test write docs/screenshot.png.
const screenshotEnv = "FRONTLINE_SCREENSHOT"

// dataset is the one place that picks the data the browser test runs on.
func dataset(t *testing.T) *geo.Dataset {
	t.Helper()
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	return ds
}

func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	handler := newHandler(t, dataset(t), server.Config{})
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	api := apiClient{t: t, base: ts.URL}
	meta := api.meta()
	features := api.districts()
	ctx := newBrowser(t)
	// tiles=off: the test machine has no internet and must not try to reach the tile server.
	page := ts.URL + "/?tiles=off"

	t.Run("one path per district", func(t *testing.T) {
		b := open(t, ctx, page)
		n := eval[int](t, b, `document.querySelectorAll('path.district').length`)
		assert.Equal(t, len(features), n)
		ids := eval[[]string](t, b, `[...document.querySelectorAll('path.district')].map(p => p.dataset.id)`)
		want := make([]string, 0, len(features))
		for _, f := range features {
			want = append(want, f.ID)
		}
		assert.ElementsMatch(t, want, ids)
		t.Logf("page interactive %s ms after navigation start", eval[string](t, b, `document.documentElement.dataset.readyMs`))
	})

	t.Run("drawn districts are the exact ones within the display tolerance", func(t *testing.T) {
		// The map draws /api/districts.topojson; decode it as the page does
		// and hold each district against its exact geometry: a misread arc
		// (reversed, or its shared point repeated) changes the area.
		b := open(t, ctx, page)
		eval[bool](t, b, `(window.__drawn = import('/js/topojson.js')
			.then(async (m) => m.toFeatureCollection(await (await fetch('/api/districts.topojson')).json(), 'districts'))
			.then((fc) => { window.__drawnJSON = JSON.stringify(fc); }), true)`)
		fc, err := geojson.UnmarshalFeatureCollection([]byte(poll[string](t, b, `window.__drawnJSON`)))
		require.NoError(t, err)
		ds := dataset(t)
		require.Len(t, fc.Features, len(ds.Districts))
		for _, f := range fc.Features {
			i, err := ds.DistrictIndex(fmt.Sprint(f.ID))
			require.NoError(t, err)
			exact := ds.Districts[i].Geometry
			// Degrees to metres near the district, for a bound in m².
			c, _ := planar.CentroidArea(exact)
			kx, ky := 111320*math.Cos(c[1]*math.Pi/180), 110574.0
			got, want := planar.Area(f.Geometry)*kx*ky, planar.Area(exact)*kx*ky
			bound := 1.5*planar.Length(exact)*kx + 1
			assert.InDelta(t, want, got, bound, "district %s: drawn %.0f m², exact %.0f m²", f.ID, got, want)
		}
	})

	t.Run("first view fits every district", func(t *testing.T) {
		for _, vp := range []struct {
			w, h  int64
			setup chromedp.Action[chromedp.Void]
		}{
			{1280, 800, chromedp.EmulateViewport(1280, 800)},
			{375, 740, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile)},
		} {
			b := open(t, ctx, page, vp.setup)
			// [map left, top, right, bottom, districts' left, top, right, bottom] in CSS px.
			box := eval[[]float64](t, b, `(() => {
				const m = document.getElementById('map').getBoundingClientRect();
				let l = Infinity, tp = Infinity, r = -Infinity, bt = -Infinity;
				for (const p of document.querySelectorAll('path.district')) {
					const q = p.getBoundingClientRect();
					l = Math.min(l, q.left); tp = Math.min(tp, q.top); r = Math.max(r, q.right); bt = Math.max(bt, q.bottom);
				}
				return [m.left, m.top, m.right, m.bottom, l, tp, r, bt];
			})()`)
			require.Len(t, box, 8)
			// Every side keeps a margin (the fit's padding): Leaflet caches its container's size,
			// so a layout change after the fit would push the districts off one edge.
			const margin = 8
			assert.GreaterOrEqual(t, box[4]-box[0], float64(margin), "%d×%d: districts cut off on the west", vp.w, vp.h)
			assert.GreaterOrEqual(t, box[5]-box[1], float64(margin), "%d×%d: districts cut off on the north", vp.w, vp.h)
			assert.GreaterOrEqual(t, box[2]-box[6], float64(margin), "%d×%d: districts cut off on the east", vp.w, vp.h)
			assert.GreaterOrEqual(t, box[3]-box[7], float64(margin), "%d×%d: districts cut off on the south", vp.w, vp.h)
			// Fitted, not a fixed view: the districts fill most of the map one way or the other.
			fill := max((box[6]-box[4])/(box[2]-box[0]), (box[7]-box[5])/(box[3]-box[1]))
			assert.Greater(t, fill, 0.75, "%d×%d: the districts fill only %.0f%% of the map", vp.w, vp.h, fill*100)
		}
	})

	district, date := api.districtThatChanges(meta)
	t.Run("slider restyles and stats match the API", func(t *testing.T) {
		b := open(t, ctx, page+"#"+meta.FirstDate)
		before := fillOf(t, b, district)
		pathsBefore := eval[int](t, b, `document.querySelectorAll('path.district').length`)
		// Tag one path: a rebuilt layer would come back without the tag.
		eval[bool](t, b, `(document.querySelector('path.district').dataset.probe = 'kept') === 'kept'`)

		offset := api.daysBetween(meta.FirstDate, date)
		eval[bool](t, b, fmt.Sprintf(`(() => { const s = document.getElementById('slider');
			s.value = '%d'; s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); return true; })()`, offset))
		waitShown(t, b, date)

		after := fillOf(t, b, district)
		assert.NotEqual(t, before, after, "district %s should change colour on %s", district, date)
		state := api.control(date)[district]
		if want, ok := soleColor(meta, state); ok {
			assert.Equal(t, want, after, "district %s is held by one side on %s", district, date)
		}
		assert.Equal(t, pathsBefore, eval[int](t, b, `document.querySelectorAll('path.district').length`))
		assert.Equal(t, "kept", eval[string](t, b, `document.querySelector('path.district').dataset.probe`),
			"moving the slider must restyle the layers, not rebuild them")
		assert.Equal(t, 1, eval[int](t, b, `performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/api/districts.topojson').length`),
			"geometry must be fetched once")
		assertStats(t, b, api.stats(date))
		assert.True(t, strings.HasPrefix(eval[string](t, b, `location.hash`), "#"+date+"/"), "the hash holds the date")
	})

	t.Run("frontlines follow the date and their lengths match the API", func(t *testing.T) {
		from, to := api.frontMoves(meta)
		series := api.series(meta)
		t.Logf("front from %s to %s", from, to)
		b := open(t, ctx, page+"#"+from)
		waitFronts(t, b, from)
		fromD := assertFronts(t, b, api.frontlines(from), series[from])
		eval[bool](t, b, `(document.querySelector('path.district').dataset.probe = 'kept') === 'kept'`)

		eval[bool](t, b, fmt.Sprintf(`(() => { const s = document.getElementById('slider');
			s.value = '%d'; s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); return true; })()`,
			api.daysBetween(meta.FirstDate, to)))
		waitShown(t, b, to)
		waitFronts(t, b, to)
		toD := assertFronts(t, b, api.frontlines(to), series[to])
		assert.NotEqual(t, fromD, toD, "the drawn front must move from %s to %s", from, to)
		assert.Equal(t, "kept", eval[string](t, b, `document.querySelector('path.district').dataset.probe`),
			"new frontlines must not rebuild the district layers")
	})

	t.Run("keyboard steps a day", func(t *testing.T) {
		b := open(t, ctx, page+"#"+meta.FirstDate)
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowRight)))
		next := api.addDays(meta.FirstDate, 1)
		waitShown(t, b, next)
		assertStats(t, b, api.stats(next))
	})

	t.Run("the slider stays put whatever the date", func(t *testing.T) {
		// Dates with the shortest and longest labels: a one-digit day of May, a
		// Wednesday late in September, the first and last day of the range.
		dates := []string{meta.FirstDate, longestDate(meta), meta.LastDate}
		for d := meta.FirstDate; d <= meta.LastDate; d = api.addDays(d, 1) {
			if tm, _ := time.Parse(time.DateOnly, d); tm.Weekday() == time.Wednesday || tm.Day() == 1 {
				dates = append(dates, d)
			}
		}
		b := open(t, ctx, page+"#"+meta.FirstDate)
		var first []float64
		for _, d := range dates {
			eval[bool](t, b, fmt.Sprintf(`(() => { const s = document.getElementById('slider');
				s.value = '%d'; s.dispatchEvent(new Event('input')); return true; })()`, api.daysBetween(meta.FirstDate, d)))
			poll[bool](t, b, fmt.Sprintf(`document.getElementById('date-label').dataset.date === %q`, d))
			box := eval[[]float64](t, b, `(() => { const r = document.getElementById('slider').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
			if first == nil {
				first = box
				continue
			}
			assert.Equal(t, first, box, "the slider moved on %s: the date's width must not push it", d)
		}
	})

	t.Run("dates are shown in one format", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date+"/"+meta.FirstDate)
		waitCompared(t, b, date, meta.FirstDate)
		search(t, b, names(features)[district])
		waitPopup(t, b, district)
		// What the page writes itself (dataset text such as notes may say dates as it likes).
		text := eval[string](t, b, `[...document.querySelectorAll('#timeline, #legend, #compare-summary, #stats caption, #downloads, '
			+ '.leaflet-popup-content h3, .leaflet-popup-content .popup-state > p, .leaflet-popup-content .history th')].map(e => e.innerText).join('\n')`)
		iso := regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
		require.NotEmpty(t, iso.FindAllString(text, -1))
		other := regexp.MustCompile(`(?i)\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}\b`)
		assert.Empty(t, other.FindAllString(text, -1), "dates written otherwise than YYYY-MM-DD")
		// The comparison field shows its date the same way (a date input would show the browser's locale form).
		field := eval[[]string](t, b, `[document.getElementById('compare').type, document.getElementById('compare').value]`)
		assert.Equal(t, []string{"text", meta.FirstDate}, field)
	})

	t.Run("permalink restores the date and view", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date+"/36.2150/37.1100/15")
		assert.Equal(t, date, eval[string](t, b, `document.getElementById('date-label').dataset.date`))
		assert.Equal(t, strconv.Itoa(api.daysBetween(meta.FirstDate, date)), eval[string](t, b, `document.getElementById('slider').value`))
		assert.Equal(t, "#"+date+"/36.2150/37.1100/15", eval[string](t, b, `location.hash`))
		assertStats(t, b, api.stats(date))

		// Back/forward: a typed hash is a new history entry, going back restores the earlier date.
		eval[bool](t, b, `(location.hash = '#`+meta.FirstDate+`/36.2150/37.1100/15') !== ''`)
		waitShown(t, b, meta.FirstDate)
		require.NoError(t, chromedp.Do(b, chromedp.NavigateBack()))
		waitShown(t, b, date)
	})

	t.Run("keyboard: the map is one Tab stop, arrows pick a district, Enter opens it, Escape returns", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date)
		// From the search box to "Back 1 day": the header, the map and its controls, not a stop per district.
		eval[bool](t, b, `(document.getElementById('search').focus(), true)`)
		tabs, paths := 0, 0
		for ; tabs < 200 && eval[string](t, b, `document.activeElement.id`) != "prev-day"; tabs++ {
			require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Tab)))
			if eval[bool](t, b, `!!document.activeElement.closest('path')`) {
				paths++
			}
		}
		assert.Zero(t, paths, "district paths took the focus")
		assert.LessOrEqual(t, tabs, 12, "Tabs from the search box to the date buttons")

		eval[bool](t, b, `(document.getElementById('map').focus(), true)`)
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowDown)))
		first := poll[string](t, b, `(document.querySelector('path.district[data-highlight]') || {dataset: {}}).dataset.id`)
		assert.Equal(t, 1, eval[int](t, b, `document.querySelectorAll('path.district[data-highlight]').length`))
		assert.Contains(t, eval[string](t, b, `document.getElementById('map-status').textContent`), names(features)[first], "the picked district is announced")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowRight)))
		second := poll[string](t, b, fmt.Sprintf(`(() => { const p = document.querySelector('path.district[data-highlight]'); return p && p.dataset.id !== %q && p.dataset.id; })()`, first))
		// [x of the first's centre, x of the second's]: the arrow went east.
		xs := eval[[]float64](t, b, fmt.Sprintf(`[%q, %q].map(id => { const r = document.querySelector('path.district[data-id="' + id + '"]').getBoundingClientRect(); return r.left + r.width / 2; })`, first, second))
		assert.Greater(t, xs[1], xs[0], "ArrowRight picks a district to the east")
		assert.Equal(t, date, eval[string](t, b, `document.documentElement.dataset.shownDate`), "arrows in the map move between districts, not days")

		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		waitPopup(t, b, second)
		assert.True(t, eval[bool](t, b, `!!document.activeElement.closest('.leaflet-popup')`), "the opened popup has the focus")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Escape)))
		poll[bool](t, b, `!document.querySelector('.leaflet-popup')`)
		assert.Equal(t, "map", eval[string](t, b, `document.activeElement.id`), "Escape returns the focus to the map")

		// A citation opened from the keyboard takes the focus to its reference.
		refs := api.references()
		id, day, cite := api.citedDistrict(meta, refs)
		b = open(t, ctx, page+"#"+day)
		search(t, b, names(features)[id])
		waitPopup(t, b, id)
		btn := fmt.Sprintf(`.leaflet-popup-content .popup-state button.cite[data-cite=%q]`, cite)
		eval[bool](t, b, fmt.Sprintf(`(document.querySelector(%q).focus(), true)`, btn))
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		text := poll[string](t, b, fmt.Sprintf(`(() => { const li = document.activeElement.closest('.popup-state ul.refs li[data-cite=%q]');
			return li && !li.querySelector('.muted') && li.textContent; })()`, cite))
		assert.Equal(t, cite+" "+refs[cite], text)
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Escape)))
		poll[bool](t, b, `!document.querySelector('.leaflet-popup')`)
		assert.Equal(t, "search", eval[string](t, b, `document.activeElement.id`), "Escape returns the focus to where the popup was opened from")
	})

	t.Run("a bad hash is corrected in the address bar", func(t *testing.T) {
		b := open(t, ctx, page+"#garbage")
		hash := poll[string](t, b, `location.hash !== '#garbage' && location.hash`)
		assert.Equal(t, meta.ViewDate, parseHashDate(hash), "the first view, in the address bar")
		eval[bool](t, b, `(location.hash = '#`+date+`/nonsense') !== ''`)
		waitShown(t, b, date)
		hash = poll[string](t, b, `!location.hash.includes('nonsense') && location.hash`)
		assert.Regexp(t, `^#`+date+`/-?\d+\.\d{4}/-?\d+\.\d{4}/[\d.]+$`, hash)
		eval[bool](t, b, `(location.hash = '#2016-02-30') !== ''`)
		poll[bool](t, b, `location.hash !== '#2016-02-30'`)
		assert.Equal(t, date, eval[string](t, b, `document.documentElement.dataset.shownDate`), "an impossible date changes nothing")
		assert.Equal(t, date, parseHashDate(eval[string](t, b, `location.hash`)))
	})

	t.Run("back undoes a run of steps, a drag or playback at once", func(t *testing.T) {
		b := open(t, ctx, page+"#"+meta.FirstDate)
		start := eval[int](t, b, `history.length`)
		for i := 0; i < 4; i++ {
			require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowRight)))
		}
		stepped := api.addDays(meta.FirstDate, 4)
		waitShown(t, b, stepped)
		assert.Equal(t, stepped, parseHashDate(eval[string](t, b, `location.hash`)), "the address follows the steps")
		// Dragging: many input events, one change at the release.
		eval[bool](t, b, `(() => { const s = document.getElementById('slider');
			const from = Number(s.value);
			for (let v = from + 1; v <= from + 6; v++) { s.value = String(v); s.dispatchEvent(new Event('input')); }
			s.dispatchEvent(new Event('change')); return true; })()`)
		dragged := api.addDays(stepped, 6)
		waitShown(t, b, dragged)
		assert.Equal(t, dragged, parseHashDate(eval[string](t, b, `location.hash`)), "the address follows the drag")
		assert.LessOrEqual(t, eval[int](t, b, `history.length`), start+1, "steps and a drag in a row are one history entry")
		require.NoError(t, chromedp.Do(b, chromedp.NavigateBack()))
		waitShown(t, b, meta.FirstDate)
		// Playback: the address follows, pausing leaves one entry.
		require.NoError(t, chromedp.Do(b, chromedp.NavigateForward()))
		waitShown(t, b, dragged)
		eval[bool](t, b, `(document.getElementById('play').click(), true)`)
		played := api.addDays(dragged, 2)
		poll[bool](t, b, fmt.Sprintf(`location.hash.startsWith('#%s/')`, played))
		eval[bool](t, b, `(document.getElementById('play').click(), true)`)
		now := eval[string](t, b, `document.documentElement.dataset.shownDate`)
		require.NoError(t, chromedp.Do(b, chromedp.NavigateBack()))
		waitShown(t, b, dragged)
		assert.NotEqual(t, dragged, now)
	})

	t.Run("clicking a district opens a popup with its sources", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date)
		clickDistrict(t, b, district)
		sel := fmt.Sprintf(`.leaflet-popup-content .popup[data-id=%q]`, district)
		info := api.district(district)
		poll[bool](t, b, fmt.Sprintf(`(() => { const p = document.querySelector(%q); return !!p && !!p.querySelector('.history table'); })()`, sel))
		text := eval[string](t, b, fmt.Sprintf(`document.querySelector(%q).textContent`, sel))
		assert.Contains(t, text, info.Name)
		state := api.control(date)[district]
		for _, src := range state.Sources {
			assert.Contains(t, text, src, "the popup shows the sources of the shown state")
		}
		if state.Note != "" {
			assert.Contains(t, text, state.Note)
		}
		for _, h := range info.History {
			assert.Contains(t, text, h.Date, "the popup lists the district's history")
			for _, src := range h.Sources {
				assert.Contains(t, text, src)
			}
		}
	})

	t.Run("first view is the dataset's own", func(t *testing.T) {
		b := open(t, ctx, page)
		want, compare := meta.LastDate, ""
		if meta.ViewDate != "" {
			want, compare = meta.ViewDate, meta.ViewCompare
		}
		assert.Equal(t, want, eval[string](t, b, `document.documentElement.dataset.shownDate`))
		assert.Equal(t, compare, eval[string](t, b, `document.documentElement.dataset.shownCompare`))
	})

	t.Run("colour-blind safe colours stay apart for every colour-vision deficiency", func(t *testing.T) {
		from := meta.FirstDate
		// One district held wholly by each side on date and on from (so it is faded, unchanged, in the comparison).
		sole := map[string]string{}
		before, after := api.control(from), api.control(date)
		for _, id := range slices.Sorted(maps.Keys(after)) {
			for side, share := range after[id].Shares {
				if share == 1 && len(after[id].Shares) == 1 && before[id].Shares[side] == 1 && sole[side] == "" {
					sole[side] = id
				}
			}
		}
		require.Len(t, sole, len(meta.Sides), "each side needs a district it holds on %s and %s", from, date)

		b := open(t, ctx, page+"#"+date)
		assert.False(t, eval[bool](t, b, `document.getElementById('safe-colours').checked`), "the dataset's colours are the default")
		eval[bool](t, b, `(document.getElementById('safe-colours').click(), true)`)
		// Remembered: a new page of the same site starts with them.
		b = open(t, ctx, page+"#"+date)
		require.True(t, eval[bool](t, b, `document.getElementById('safe-colours').checked`), "the choice is remembered")
		bg := eval[string](t, b, `getComputedStyle(document.getElementById('map')).backgroundColor`)
		fills := func() map[string]seenFill {
			out := map[string]seenFill{}
			for side, id := range sole {
				v := eval[[]string](t, b, fmt.Sprintf(`(() => { const p = document.querySelector('path.district[data-id=%q]');
					return [p.getAttribute('fill'), p.getAttribute('fill-opacity')]; })()`, id))
				out[side] = seenFill{v[0], parseFloat(t, v[1])}
			}
			return out
		}
		plain := fills()
		for side, f := range plain {
			assert.True(t, strings.HasPrefix(f.color, "#"), "%s is drawn in a plain colour, not %s", side, f.color)
			assert.NotEqual(t, sideColor(meta, side), f.color, "%s keeps the dataset's colour", side)
		}
		eval[bool](t, b, `(location.hash = '#`+date+`/`+from+`') !== ''`)
		waitCompared(t, b, date, from)
		faded := fills()
		for _, c := range []struct {
			what  string
			fills map[string]seenFill
			min   float64
		}{{"sole control", plain, 20}, {"faded behind a comparison", faded, 10}} {
			for _, cvd := range []string{"deuteranopia", "protanopia", "tritanopia"} {
				for _, pair := range sidePairs(meta) {
					a, z := c.fills[pair[0]], c.fills[pair[1]]
					d := deltaE(seenLab(t, a, bg, cvd), seenLab(t, z, bg, cvd))
					assert.GreaterOrEqual(t, d, c.min, "%s under %s: %s (%s) and %s (%s) differ by ΔE %.1f", c.what, cvd, pair[0], a.color, pair[1], z.color, d)
				}
			}
		}
		eval[bool](t, b, `(document.getElementById('safe-colours').click(), true)`)
		poll[bool](t, b, fmt.Sprintf(`document.querySelector('path.district[data-id=%q]').getAttribute('fill') === %q`, sole[meta.Sides[0].ID], sideColor(meta, meta.Sides[0].ID)))
	})

	t.Run("comparison colours and summary equal the API's", func(t *testing.T) {
		from := meta.FirstDate
		b := open(t, ctx, page+"#"+date+"/"+from)
		waitCompared(t, b, date, from)
		assertComparison(t, b, api, meta, from, date)
		eval[bool](t, b, `(document.querySelector('path.district').dataset.probe = 'kept') === 'kept'`)

		// A day later, the comparison follows the slider by restyling.
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowRight)))
		next := api.addDays(date, 1)
		waitCompared(t, b, next, from)
		assertComparison(t, b, api, meta, from, next)
		assert.Equal(t, "kept", eval[string](t, b, `document.querySelector('path.district').dataset.probe`),
			"a comparison must restyle the layers, not rebuild them")
		assert.True(t, strings.HasPrefix(eval[string](t, b, `location.hash`), "#"+next+"/"+from+"/"), "the hash holds both dates")

		// Another comparison date is a history entry; back restores the first one, and stopping comparing too.
		other := api.addDays(from, 1)
		eval[bool](t, b, fmt.Sprintf(`(() => { const c = document.getElementById('compare');
			c.value = %q; c.dispatchEvent(new Event('change')); return true; })()`, other))
		waitCompared(t, b, next, other)
		eval[bool](t, b, `(document.getElementById('compare-clear').click(), true)`)
		waitCompared(t, b, next, "")
		assert.Zero(t, eval[int](t, b, `document.querySelectorAll('path.district[data-change]').length`))
		require.NoError(t, chromedp.Do(b, chromedp.NavigateBack()))
		waitCompared(t, b, next, other)
		require.NoError(t, chromedp.Do(b, chromedp.NavigateBack()))
		waitCompared(t, b, next, from)
		assertComparison(t, b, api, meta, from, next)
	})

	t.Run("a typed comparison date holds", func(t *testing.T) {
		// 12/01/2016 as an American types it: 1 December (12 January is outside the data).
		typed, want := "12/01/2016", "2016-12-01"
		require.True(t, meta.FirstDate < want && want < meta.LastDate, "the test's date must be inside the data")
		for _, vp := range []struct {
			name  string
			setup chromedp.Action[chromedp.Void]
		}{{"desktop", chromedp.EmulateViewport(1280, 800)}, {"phone", phone(390, 844)}} {
			b := open(t, ctx, page+"#"+date, vp.setup)
			typeInto(t, b, "#compare", typed[:6])
			assert.Equal(t, typed[:6], eval[string](t, b, `document.getElementById('compare').value`), "%s: the field changed while typing", vp.name)
			require.NoError(t, chromedp.Do(b, chromedp.SendKeys("#compare", typed[6:]), chromedp.KeyEvent(kb.Enter)))
			waitCompared(t, b, date, want)
			assert.Equal(t, want, eval[string](t, b, `document.getElementById('compare').value`), vp.name)
			assert.True(t, strings.HasPrefix(eval[string](t, b, `location.hash`), "#"+date+"/"+want+"/"), vp.name)

			// Out of range: said so, the field keeps what was typed and the comparison stays.
			before := api.addDays(meta.FirstDate, -30)
			typeInto(t, b, "#compare", before)
			require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Tab)))
			msg := poll[string](t, b, `document.getElementById('compare').getAttribute('aria-invalid') === 'true' && document.getElementById('compare-msg').textContent`)
			assert.Contains(t, msg, meta.FirstDate, vp.name)
			assert.Contains(t, msg, meta.LastDate, vp.name)
			assert.Equal(t, before, eval[string](t, b, `document.getElementById('compare').value`), vp.name)
			assert.Equal(t, want, eval[string](t, b, `document.documentElement.dataset.shownCompare`), vp.name)
			assert.False(t, eval[bool](t, b, `document.getElementById('compare-msg').hidden`))
		}
	})

	t.Run("typed dates are read in every common form", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date)
		for _, c := range []struct{ typed, first, last, date, err string }{
			{"2016-12-01", "2016-11-15", "2016-12-22", "2016-12-01", ""},
			{" 2016/12/1 ", "2016-11-15", "2016-12-22", "2016-12-01", ""},
			{"20161201", "2016-11-15", "2016-12-22", "2016-12-01", ""},
			{"12/01/2016", "2016-11-15", "2016-12-22", "2016-12-01", ""}, // month first: 12 January is outside
			{"01.12.2016", "2016-11-15", "2016-12-22", "2016-12-01", ""}, // day first
			{"1 Dec 2016", "2016-11-15", "2016-12-22", "2016-12-01", ""},
			{"December 1, 2016", "2016-11-15", "2016-12-22", "2016-12-01", ""},
			{"05/06/2016", "2016-01-01", "2016-12-31", "", "could be 2016-05-06 or 2016-06-05"},
			{"2015-01-01", "2016-11-15", "2016-12-22", "", "2015-01-01 is outside the data: pick a date from 2016-11-15 to 2016-12-22"},
			{"2016-02-30", "2016-01-01", "2016-12-31", "", "is not a date: write it as YYYY-MM-DD"},
			{"Hanano", "2016-01-01", "2016-12-31", "", "is not a date"},
			{"201612", "2016-01-01", "2016-12-31", "", "is not a date"},
		} {
			got := eval[map[string]string](t, b, fmt.Sprintf(`import('/js/dates.js').then((m) => m.readDate(%q, %q, %q))`, c.typed, c.first, c.last), chromedp.EvalAwaitPromise)
			assert.Equal(t, c.date, got["date"], c.typed)
			if c.err == "" {
				assert.Empty(t, got["error"], c.typed)
			} else {
				assert.Contains(t, got["error"], c.err, c.typed)
			}
		}
	})

	t.Run("search finds an alias and opens the popup", func(t *testing.T) {
		id, alias := uniqueAlias(t, features)
		b := open(t, ctx, page+"#"+date)
		search(t, b, alias)
		waitPopup(t, b, id)
		assert.Equal(t, names(features)[id], eval[string](t, b, `document.getElementById('search').value`))

		// Arabic names are found as well, written with another alef.
		for _, f := range features {
			if f.Properties.NameAr == "" || strings.Count(strings.Join(arabicNames(features), "|"), f.Properties.NameAr) > 1 {
				continue
			}
			b := open(t, ctx, page+"#"+date)
			search(t, b, strings.NewReplacer("أ", "ا", "إ", "ا").Replace(f.Properties.NameAr))
			waitPopup(t, b, f.ID)
			break
		}
	})

	t.Run("search forgives typos and spellings, finds groups and outlines what it picks", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date)
		for _, c := range []struct{ query, want string }{
			{"hanno", "hanano"},              // a letter missing
			{"sheik said", "sheikh-saeed"},   // another transliteration
			{"shaikh saeed", "sheikh-saeed"}, // and another
			{"Shaykh Maqsood", "sheikh-maqsoud"},
			{"jdeideh", "jdeydeh"},
			{"ajam", "aajam"}, // al-A'ajam without article and apostrophe
		} {
			typeInto(t, b, "#search", c.query)
			got := poll[string](t, b, `!document.getElementById('search-list').hidden && (document.querySelector('#search-list li[data-id]') || {dataset: {}}).dataset.id`)
			assert.Equal(t, c.want, got, "first result for %q", c.query)
		}
		// A pick is outlined and in view.
		typeInto(t, b, "#search", "hanno")
		poll[bool](t, b, `(document.querySelector('#search-list li[data-id]') || {dataset: {}}).dataset.id === 'hanano'`)
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		waitPopup(t, b, "hanano")
		assert.Equal(t, []string{"hanano"}, eval[[]string](t, b, `[...document.querySelectorAll('path.district[data-highlight]')].map(p => p.dataset.id)`))
		assertInView(t, b, []string{"hanano"})

		// A name several districts share as an alias is a group: all of them, outlined and in view.
		var group []string
		for _, f := range features {
			if slices.Contains(f.Properties.Aliases, "Old City") {
				group = append(group, f.ID)
			}
		}
		require.Greater(t, len(group), 1, "the dataset's Old City districts lost their alias")
		typeInto(t, b, "#search", "old city")
		opt := poll[string](t, b, `(document.querySelector('#search-list li[data-group]') || {dataset: {}}).dataset.group`)
		assert.ElementsMatch(t, group, strings.Split(opt, " "))
		assert.Equal(t, opt, eval[string](t, b, `document.querySelector('#search-list li').dataset.group`), "the group comes first")
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.Enter)))
		poll[bool](t, b, `!document.querySelector('.leaflet-popup') && document.querySelectorAll('path.district[data-highlight]').length > 1`)
		assert.ElementsMatch(t, group, eval[[]string](t, b, `[...document.querySelectorAll('path.district[data-highlight]')].map(p => p.dataset.id)`))
		assertInView(t, b, group)
	})

	t.Run("citations open their reference", func(t *testing.T) {
		refs := api.references()
		require.Len(t, refs, meta.References)
		id, day, cite := api.citedDistrict(meta, refs)
		b := open(t, ctx, page+"#"+day)
		search(t, b, names(features)[id])
		waitPopup(t, b, id)
		sel := fmt.Sprintf(`.leaflet-popup-content .popup-state button.cite[data-cite=%q]`, cite)
		poll[bool](t, b, fmt.Sprintf(`!!document.querySelector(%q)`, sel))
		eval[bool](t, b, fmt.Sprintf(`(document.querySelector(%q).click(), true)`, sel))
		text := poll[string](t, b, fmt.Sprintf(`(() => { const li = document.querySelector('.leaflet-popup-content .popup-state ul.refs li[data-cite=%q]');
			return li && !li.querySelector('.muted') ? li.textContent : ''; })()`, cite))
		assert.Equal(t, cite+" "+refs[cite], text)
		assert.Equal(t, "true", eval[string](t, b, fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-expanded')`, sel)))
	})

	t.Run("labels at higher zooms, in Arabic on demand", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date)
		few := eval[int](t, b, `document.querySelectorAll('.district-label span').length`)
		zoom := eval[float64](t, b, `Number(location.hash.split('/').pop())`)
		center := eval[[]float64](t, b, `location.hash.split('/').slice(-3, -1).map(Number)`)
		eval[bool](t, b, fmt.Sprintf(`(location.hash = '#%s/%.4f/%.4f/%g') !== ''`, date, center[0], center[1], zoom+2))
		more := poll[int](t, b, fmt.Sprintf(`document.querySelectorAll('.district-label span').length > %d && document.querySelectorAll('.district-label span').length`, few))
		assert.Greater(t, more, few, "zooming in shows more names")
		byID := names(features)
		labels := eval[map[string]string](t, b, `Object.fromEntries([...document.querySelectorAll('.district-label span')].map(s => [s.dataset.id, s.textContent]))`)
		for id, text := range labels {
			assert.Equal(t, byID[id], text, "label of %s", id)
		}
		eval[bool](t, b, `(document.querySelector('.arabic-switch').click(), true)`)
		poll[bool](t, b, `document.querySelector('.arabic-switch').getAttribute('aria-pressed') === 'true' && !!document.querySelector('.district-label span[lang=ar]')`)
		arabic := map[string]string{}
		for _, f := range features {
			arabic[f.ID] = f.Properties.NameAr
		}
		labels = eval[map[string]string](t, b, `Object.fromEntries([...document.querySelectorAll('.district-label span[lang=ar]')].map(s => [s.dataset.id, s.textContent]))`)
		require.NotEmpty(t, labels)
		for id, text := range labels {
			assert.Equal(t, arabic[id], text, "Arabic label of %s", id)
		}
	})

	t.Run("downloads name their files and answer", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date+"/"+meta.FirstDate)
		waitCompared(t, b, date, meta.FirstDate)
		type link struct{ Href, File string }
		links := eval[map[string]link](t, b, `Object.fromEntries([...document.querySelectorAll('#downloads li:not([hidden]) a')].map(a =>
			[a.dataset.download, { Href: a.getAttribute('href'), File: a.getAttribute('download') }]))`)
		want := map[string]link{
			"snapshot":   {"api/snapshot/" + date, meta.Name + "-" + date + ".geojson"},
			"territory":  {"api/territory/" + date, meta.Name + "-territory-" + date + ".geojson"},
			"frontlines": {"api/frontlines/" + date, meta.Name + "-frontlines-" + date + ".geojson"},
			"changes":    {"api/changes?from=" + meta.FirstDate + "&to=" + date, meta.Name + "-changes-" + meta.FirstDate + "-" + date + ".geojson"},
			"series":     {"api/stats_" + meta.FirstDate + "_" + meta.LastDate + ".csv", "stats_" + meta.FirstDate + "_" + meta.LastDate + ".csv"},
			"gpkg":       {"api/export.gpkg", meta.Name + ".gpkg"},
		}
		assert.Equal(t, want, links)
		for _, l := range links {
			res, err := http.Get(ts.URL + "/" + l.Href)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, l.Href)
			// A browser saves under the server's name when it gives one: it must be the link's.
			if cd := res.Header.Get("Content-Disposition"); cd != "" {
				_, params, err := mime.ParseMediaType(cd)
				require.NoError(t, err, cd)
				assert.Equal(t, l.File, params["filename"], "Content-Disposition of %s", l.Href)
			}
		}
	})

	t.Run("buttons' accessible names contain their text; favicon", func(t *testing.T) {
		b := open(t, ctx, page)
		bad := eval[[]string](t, b, `[...document.querySelectorAll('button')].filter(el => {
			const text = el.textContent.replace(/\s+/g, ' ').trim();
			const name = el.getAttribute('aria-label') ?? text;
			return text !== '' && !name.toLowerCase().includes(text.toLowerCase());
		}).map(el => el.id + ': ' + el.getAttribute('aria-label') + ' / ' + el.textContent.trim())`)
		assert.Empty(t, bad)
		res, err := http.Get(ts.URL + "/favicon.ico")
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "image/x-icon", res.Header.Get("Content-Type"))
	})

	t.Run("embed mode: map, date, slider and a compact legend, frameable", func(t *testing.T) {
		b := open(t, ctx, ts.URL+"/?tiles=off&embed=1#"+date)
		visible := eval[map[string]bool](t, b, `Object.fromEntries(['title', 'stats', 'legend', 'search', 'compare', 'map', 'slider', 'date-label', 'open-full']
			.map(id => [id, document.getElementById(id).getClientRects().length > 0]))`)
		assert.Equal(t, map[string]bool{"title": false, "stats": false, "legend": true, "search": false, "compare": false,
			"map": true, "slider": true, "date-label": true, "open-full": true}, visible)
		assert.Equal(t, len(features), eval[int](t, b, `document.querySelectorAll('path.district').length`))
		// The comparison view of an article's frame, at the size of one: its legend is there, whole and compact.
		for _, vp := range [][2]int64{{1280, 800}, {640, 420}, {360, 480}} {
			b := open(t, ctx, ts.URL+"/?tiles=off&embed=1#"+date+"/"+meta.FirstDate, chromedp.EmulateViewport(vp[0], vp[1]))
			waitCompared(t, b, date, meta.FirstDate)
			assert.ElementsMatch(t, slices.Collect(maps.Keys(invert(api.changes(meta.FirstDate, date)))),
				eval[[]string](t, b, `[...document.querySelectorAll('#legend li[data-pair]')].map(li => li.dataset.pair)`), "%d×%d: the pairs' legend", vp[0], vp[1])
			assertFirstScreen(t, b, fmt.Sprintf("embed %d×%d", vp[0], vp[1]), []string{"#map", "#date-label", "#slider", "#legend li:last-child"})
			h := eval[float64](t, b, `document.getElementById('legend-section').getBoundingClientRect().height`)
			assert.LessOrEqual(t, h, 0.3*float64(vp[1]), "%d×%d: the legend takes %.0f px", vp[0], vp[1], h)
			assert.GreaterOrEqual(t, eval[float64](t, b, `document.getElementById('map').getBoundingClientRect().height`), 0.35*float64(vp[1]),
				"%d×%d: the map is left too little room", vp[0], vp[1])
		}
		res, err := http.Get(ts.URL + "/?embed=1")
		require.NoError(t, err)
		res.Body.Close()
		assert.Empty(t, res.Header.Get("X-Frame-Options"))
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors *")
		res, err = http.Get(ts.URL + "/")
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, "DENY", res.Header.Get("X-Frame-Options"))
	})

	t.Run("screenshot", func(t *testing.T) {
		if os.Getenv(screenshotEnv) != "1" {
			t.Skipf("set %s=1 to write docs/screenshot.png", screenshotEnv)
		}
		// The whole city compared with the first date: the dataset's own view if it names one,
		// else the date with a front and the most split districts.
		shotDate, compare := meta.ViewDate, meta.ViewCompare
		if shotDate == "" || compare == "" {
			shotDate, compare = api.mostSplitDate(meta), meta.FirstDate
		}
		b := open(t, ctx, page+"#"+shotDate+"/"+compare)
		waitCompared(t, b, shotDate, compare)
		waitFronts(t, b, shotDate)
		require.Positive(t, eval[int](t, b, `document.querySelectorAll('path.district[data-change]').length`), "nothing changed from %s to %s", compare, shotDate)
		saveScreenshot(t, b)
	})

	t.Run("phone first screen: the map fitted to the districts, the date and the legend, nothing overlapping", func(t *testing.T) {
		for _, vp := range [][2]int64{{390, 844}, {320, 568}} {
			name := fmt.Sprintf("%d×%d", vp[0], vp[1])
			b := open(t, ctx, page, phone(vp[0], vp[1]))
			assertFirstScreen(t, b, name, []string{"#map", "#date-label", "#prev-day", "#play", "#next-day", "#slider", "#legend li:last-child"})
			assert.True(t, eval[bool](t, b, `(() => { const l = document.getElementById('date-label'); return l.scrollWidth <= l.clientWidth + 1; })()`),
				"%s: the date runs out of its box (under the buttons)", name)
			// [districts' width / map's width, districts' height / map's height]
			fill := eval[[]float64](t, b, `(() => {
				const m = document.getElementById('map').getBoundingClientRect();
				let l = Infinity, tp = Infinity, r = -Infinity, bt = -Infinity;
				for (const p of document.querySelectorAll('path.district')) {
					const q = p.getBoundingClientRect();
					l = Math.min(l, q.left); tp = Math.min(tp, q.top); r = Math.max(r, q.right); bt = Math.max(bt, q.bottom);
				}
				return [(r - l) / m.width, (bt - tp) / m.height];
			})()`)
			assert.GreaterOrEqual(t, max(fill[0], fill[1]), 0.75, "%s: the districts fill %.0f%%×%.0f%% of the map", name, fill[0]*100, fill[1]*100)
			assert.GreaterOrEqual(t, min(fill[0], fill[1]), 0.5, "%s: much of the map is empty (%.0f%%×%.0f%% filled)", name, fill[0]*100, fill[1]*100)
			t.Logf("%s: the districts fill %.0f%%×%.0f%% of the map", name, fill[0]*100, fill[1]*100)
			if vp[0] >= 390 {
				assert.GreaterOrEqual(t, poll[int](t, b, `document.querySelectorAll('.district-label span').length`), 4, "%s: names on the map", name)
			}
			assertSteady(t, b, name)
		}
	})

	t.Run("phone popups fit the screen, their close button can be tapped and their words are whole", func(t *testing.T) {
		// The districts furthest west and east: their popups need the map panned.
		b := open(t, ctx, page+"#"+date, phone(390, 844))
		ends := eval[[]string](t, b, `(() => { const ps = [...document.querySelectorAll('path.district')].map(p => [p.dataset.id, p.getBoundingClientRect()]);
			ps.sort((a, b) => a[1].left - b[1].left); const w = ps[0][0]; ps.sort((a, b) => b[1].right - a[1].right); return [w, ps[0][0]]; })()`)
		for _, vp := range [][2]int64{{390, 844}, {320, 568}} {
			for _, id := range append(ends, district) {
				name := fmt.Sprintf("%d×%d, %s", vp[0], vp[1], id)
				b := open(t, ctx, page+"#"+date, phone(vp[0], vp[1]))
				clickDistrict(t, b, id)
				waitPopup(t, b, id)
				time.Sleep(300 * time.Millisecond) // the popup's pan
				type box struct{ Left, Top, Right, Bottom float64 }
				got := eval[map[string]box](t, b, `(() => {
					const r = (el) => { const q = el.getBoundingClientRect(); return { Left: q.left, Top: q.top, Right: q.right, Bottom: q.bottom }; };
					const out = { popup: r(document.querySelector('.leaflet-popup-content-wrapper')), map: r(document.getElementById('map')),
						close: r(document.querySelector('.leaflet-popup-close-button')) };
					document.querySelectorAll('.leaflet-control').forEach((c, i) => { if (c.getClientRects().length && getComputedStyle(c).visibility !== 'hidden') out['control ' + i + ' ' + c.className] = r(c); });
					return out; })()`)
				p, m, c := got["popup"], got["map"], got["close"]
				assert.True(t, p.Left >= m.Left && p.Top >= m.Top && p.Right <= m.Right && p.Bottom <= m.Bottom && p.Right <= float64(vp[0]),
					"%s: the popup %+v spills out of the map %+v", name, p, m)
				assert.GreaterOrEqual(t, c.Right-c.Left, 44-1e-3, "%s: close button width", name)
				assert.GreaterOrEqual(t, c.Bottom-c.Top, 44-1e-3, "%s: close button height", name)
				assert.True(t, c.Left >= 0 && c.Right <= float64(vp[0]) && c.Top >= 0, "%s: the close button %+v is off the screen", name, c)
				assert.True(t, eval[bool](t, b, fmt.Sprintf(`!!document.elementFromPoint(%f, %f).closest('.leaflet-popup-close-button')`, (c.Left+c.Right)/2, (c.Top+c.Bottom)/2)),
					"%s: something covers the close button", name)
				for k, q := range got {
					if strings.HasPrefix(k, "control ") && q.Left < p.Right && p.Left < q.Right && q.Top < p.Bottom && p.Top < q.Bottom {
						assert.Fail(t, "covered", "%s: the map's %s covers the popup", name, k)
					}
				}
				assert.Empty(t, eval[[]string](t, b, `[...document.querySelectorAll('.leaflet-popup-content, .leaflet-popup-content *')].filter(el => {
						const cs = getComputedStyle(el);
						return cs.overflowWrap === 'anywhere' || cs.wordBreak === 'break-all' || el.scrollWidth > el.clientWidth + 1;
					}).map(el => el.tagName + '.' + el.className)`), "%s: words may be cut or text runs out of its box", name)
				// Tapped, it closes.
				require.NoError(t, chromedp.Do(b, chromedp.MouseClickXY((c.Left+c.Right)/2, (c.Top+c.Bottom)/2)))
				poll[bool](t, b, `!document.querySelector('.leaflet-popup')`)
			}
		}
	})

	t.Run("touch targets on a phone are at least 44 px", func(t *testing.T) {
		refs := api.references()
		id, day, _ := api.citedDistrict(meta, refs)
		b := open(t, ctx, page+"#"+day+"/"+meta.FirstDate, phone(390, 844))
		search(t, b, names(features)[id])
		waitPopup(t, b, id)
		sizes := eval[map[string][]float64](t, b, `(() => {
			const out = {};
			for (const sel of ['.leaflet-control-zoom-in', '.leaflet-control-zoom-out', '.leaflet-control-layers-toggle', '.arabic-switch',
				'#search', '#prev-day', '#play', '#next-day', '#slider', '#compare', '#compare-pick', '#compare-clear', 'label.switch',
				'.leaflet-popup-close-button', '.leaflet-popup-content button.cite', '#downloads li:not([hidden]) a']) {
				const els = [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length > 0);
				if (els.length === 0) { out[sel] = []; continue; }
				const rs = els.map(el => el.getBoundingClientRect());
				out[sel] = [Math.min(...rs.map(r => r.width)), Math.min(...rs.map(r => r.height))];
			}
			return out; })()`)
		for sel, wh := range sizes {
			if sel == "#compare-pick" && len(wh) == 0 {
				continue // only where the browser can open its calendar from a button
			}
			if assert.Len(t, wh, 2, "%s is not shown", sel) {
				// Less a hair: a box in the map's moved panes is measured through a float transform.
				assert.True(t, wh[0] >= 44-1e-3 && wh[1] >= 44-1e-3, "%s: %.2f×%.2f px", sel, wh[0], wh[1])
			}
		}
	})

	t.Run("phone width: no horizontal scrolling, one-line date, legend before the numbers", func(t *testing.T) {
		// The longest English month name, so the test sees the widest label the dataset can show.
		b := open(t, ctx, page+"#"+longestDate(meta)+"/"+meta.FirstDate, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		assert.LessOrEqual(t, eval[int](t, b, `document.documentElement.scrollWidth`), 375)
		assert.Equal(t, len(features), eval[int](t, b, `document.querySelectorAll('path.district').length`))
		// [label height, label font size, sub-line height, sub font size, label right, controls left]
		box := eval[[]float64](t, b, `(() => {
			const l = document.getElementById('date-label'), s = document.getElementById('date-sub');
			const c = document.querySelector('#timeline .controls').getBoundingClientRect();
			return [l.getBoundingClientRect().height, parseFloat(getComputedStyle(l).fontSize),
				s.getBoundingClientRect().height, parseFloat(getComputedStyle(s).fontSize), l.getBoundingClientRect().right, c.left];
		})()`)
		require.Len(t, box, 6)
		assert.Less(t, box[0], 1.6*box[1], "the date wraps")
		assert.Less(t, box[2], 1.8*box[3], "the line under the date wraps")
		assert.LessOrEqual(t, box[4], box[5], "the date runs into the buttons")
		order := eval[[]float64](t, b, `[document.querySelector('#legend li:last-child').getBoundingClientRect().bottom,
			document.getElementById('stats-section').getBoundingClientRect().top]`)
		assert.LessOrEqual(t, order[0], order[1], "the legend's last item must come before the statistics")
	})

	t.Run("API errors are shown, not a blank map", func(t *testing.T) {
		failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/stats") {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, `{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"test outage"}`)
				return
			}
			handler.ServeHTTP(w, r)
		}))
		t.Cleanup(failing.Close)
		b := open(t, ctx, failing.URL+"/?tiles=off")
		assert.False(t, eval[bool](t, b, `document.getElementById('error').hidden`), "the error banner must be visible")
		msg := eval[string](t, b, `document.getElementById('error-text').textContent`)
		assert.Contains(t, msg, "503")
		assert.Contains(t, msg, "test outage")
		assert.Equal(t, len(features), eval[int](t, b, `document.querySelectorAll('path.district').length`),
			"the map still draws when only the statistics fail")
	})

	t.Run("zooming over basemap tiles breaks no policy", func(t *testing.T) {
		// A local tile server, slow enough that zooming leaves tiles loading:
		// Leaflet blanks those and the tiles it removes, and the blanking must
		// not set an image the page's policy forbids (Leaflet's own is a data: URL).
		var served atomic.Int64
		tiles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(150 * time.Millisecond)
			served.Add(1)
			w.Header().Set("Content-Type", "image/png")
			w.Write(tilePNG)
		}))
		t.Cleanup(tiles.Close)
		withTiles := httptest.NewServer(newHandler(t, dataset(t), server.Config{TileURL: tiles.URL + "/{z}/{x}/{y}.png", TileAttribution: "test tiles"}))
		t.Cleanup(withTiles.Close)
		b := open(t, ctx, withTiles.URL+"/#"+date)
		poll[bool](t, b, `document.querySelectorAll('img.leaflet-tile').length > 0`)
		for i := 0; i < 3; i++ {
			eval[bool](t, b, `(document.querySelector('.leaflet-control-zoom-in').click(), true)`)
			time.Sleep(60 * time.Millisecond)
		}
		for i := 0; i < 3; i++ {
			eval[bool](t, b, `(document.querySelector('.leaflet-control-zoom-out').click(), true)`)
			time.Sleep(60 * time.Millisecond)
		}
		poll[bool](t, b, `[...document.querySelectorAll('img.leaflet-tile')].some(i => i.complete && i.naturalWidth > 0)`)
		time.Sleep(300 * time.Millisecond) // late tile events
		assert.Positive(t, served.Load())
		assert.Empty(t, eval[[]string](t, b, `window.__violations`), "the Content-Security-Policy blocked an image while zooming")
	})
}

// tilePNG is a 1×1 grey PNG, the local tile server's every tile.
var tilePNG = func() []byte {
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Pix[0] = 0xcc
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}()

// newHandler builds the real server over ds and the embedded page.
func newHandler(t *testing.T, ds *geo.Dataset, cfg server.Config) http.Handler {
	t.Helper()
	srv, err := server.New(server.Deps{
		Dataset: ds,
		Assets:  web.Assets(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv.Handler()
}

// newBrowser starts one headless Chromium for the whole test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not carry a timeout (see chromedp.Run).
	require.NoError(t, chromedp.Do(ctx))
	return ctx
}

// open loads url in a new tab at 1280×800 (or as setup says) and waits until the page is ready.
func open(t *testing.T, browser context.Context, url string, setup ...chromedp.Action[chromedp.Void]) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser)
	t.Cleanup(cancelTab)
	require.NoError(t, chromedp.Do(tab)) // opens the tab, without a timeout
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(cancel)
	if len(setup) == 0 {
		setup = []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(1280, 800)}
	}
	// Record what must never happen: a dialog opened by injected markup, or
	// anything the page's Content-Security-Policy had to block.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watcher})
	require.NoError(t, err)
	t.Cleanup(func() { assertNothingRan(t, ctx) })
	require.NoError(t, chromedp.Do(ctx, append(setup, chromedp.Navigate(url))...))
	state := poll[string](t, ctx, `document.documentElement.dataset.ready === 'true' ? 'ready'
		: (document.documentElement.dataset.error && document.querySelector('path.district')) ? 'ready'
		: document.documentElement.dataset.error ? 'error: ' + document.documentElement.dataset.error : ''`)
	require.Equal(t, "ready", state)
	return ctx
}

// waitCompared waits until the map shows date compared with compare ("" for none)
// and, when comparing, the change summary of the pair is drawn.
func waitCompared(t *testing.T, ctx context.Context, date, compare string) {
	t.Helper()
	poll[bool](t, ctx, fmt.Sprintf(`document.documentElement.dataset.shownDate === %q && document.documentElement.dataset.shownCompare === %q
		&& (%q === '' || document.documentElement.dataset.summary === %q)`, date, compare, compare, compare+"/"+date))
}

// assertComparison checks the changed districts' marks against /api/changes and
// the summary table against /api/changes/summary.
func assertComparison(t *testing.T, ctx context.Context, api apiClient, meta metaDoc, from, to string) {
	t.Helper()
	want := api.changes(from, to)
	require.NotEmpty(t, want, "nothing changed from %s to %s: the test dataset cannot exercise the comparison", from, to)
	got := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('path.district[data-change]')].map(p => [p.dataset.id, p.dataset.change]))`)
	assert.Equal(t, want, got, "districts marked as changed from %s to %s", from, to)
	fills := eval[[]string](t, ctx, `[...document.querySelectorAll('path.district[data-change]')].map(p => p.getAttribute('fill'))`)
	for _, f := range fills {
		assert.True(t, strings.HasPrefix(f, "url(#fl-gain-"), "a changed district is filled %s", f)
	}
	pairs := map[string]bool{}
	for _, p := range want {
		pairs[p] = true
	}
	legend := eval[[]string](t, ctx, `[...document.querySelectorAll('#legend li[data-pair]')].map(li => li.dataset.pair)`)
	assert.ElementsMatch(t, slices.Collect(maps.Keys(pairs)), legend, "one legend entry per pair of sides")

	sum := api.summary(from, to)
	type row struct{ Gained, Lost, Net string }
	rows := eval[map[string]row](t, ctx, `Object.fromEntries([...document.querySelectorAll('#compare-summary tr[data-side]')].map(r => [r.dataset.side, {
		Gained: r.querySelector('.gained').dataset.value, Lost: r.querySelector('.lost').dataset.value, Net: r.querySelector('.net').dataset.value }]))`)
	require.Len(t, rows, len(meta.Sides))
	for side, v := range sum.Sides {
		assert.Equal(t, v.GainedKm2, parseFloat(t, rows[side].Gained), "%s gained", side)
		assert.Equal(t, v.LostKm2, parseFloat(t, rows[side].Lost), "%s lost", side)
		assert.Equal(t, v.NetKm2, parseFloat(t, rows[side].Net), "%s net", side)
	}
	moved := eval[[]string](t, ctx, `(() => { const m = document.querySelector('#compare-summary .moved'); return [m.dataset.value, m.dataset.districts]; })()`)
	assert.Equal(t, sum.MovedKm2, parseFloat(t, moved[0]))
	assert.Equal(t, strconv.Itoa(sum.Districts), moved[1])
}

// search types query into the search box and picks the first match with Enter.
func search(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#search"), chromedp.SendKeys("#search", query)))
	poll[bool](t, ctx, `!document.getElementById('search-list').hidden && !!document.querySelector('#search-list li[data-id]')`)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
}

// waitPopup waits until the popup of district id shows its history.
func waitPopup(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	poll[bool](t, ctx, fmt.Sprintf(`(() => { const p = document.querySelector('.leaflet-popup-content .popup[data-id=%q]');
		return !!p && !!p.querySelector('.history table'); })()`, id))
}

func names(features []feature) map[string]string {
	out := map[string]string{}
	for _, f := range features {
		out[f.ID] = f.Properties.Name
	}
	return out
}

func arabicNames(features []feature) []string {
	var out []string
	for _, f := range features {
		out = append(out, f.Properties.NameAr)
	}
	return out
}

// loose folds a name roughly as the page's search does, to pick an alias no other district's names contain.
func loose(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\'' || r == '’' || r == '.' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// uniqueAlias finds a district with an alias that no other district's names or aliases contain.
func uniqueAlias(t *testing.T, features []feature) (id, alias string) {
	t.Helper()
	for _, f := range features {
		for _, a := range f.Properties.Aliases {
			unique := !strings.Contains(loose(f.Properties.Name), loose(a))
			for _, g := range features {
				if g.ID == f.ID {
					continue
				}
				for _, n := range append([]string{g.Properties.Name, g.Properties.NameAr}, g.Properties.Aliases...) {
					if strings.Contains(loose(n), loose(a)) {
						unique = false
					}
				}
			}
			if unique && loose(a) != "" {
				return f.ID, a
			}
		}
	}
	t.Fatal("no district has an alias of its own: the dataset's districts.geojson lost its aliases")
	return "", ""
}

// longestDate is the dataset's date with the longest English long form ("22 September 2016").
func longestDate(m metaDoc) string {
	best, n := m.LastDate, 0
	for _, d := range append(m.ChangeDates, m.LastDate) {
		tm, err := time.Parse(time.DateOnly, d)
		if err == nil && len(tm.Format("2 January 2006")) > n {
			best, n = d, len(tm.Format("2 January 2006"))
		}
	}
	return best
}

// watcher runs before the page's own scripts in every document of a tab.
const watcher = `window.__alerts = []; window.__violations = [];
for (const name of ['alert', 'confirm', 'prompt']) window[name] = (m) => { window.__alerts.push(name + ': ' + m); };
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`

// assertNothingRan checks that no dialog was opened and no policy violated
// in the tab's current document.
func assertNothingRan(t *testing.T, ctx context.Context) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...(window.__alerts ?? []), ...(window.__violations ?? [])]`))
	if err != nil {
		return // the tab is gone (the test failed before): nothing to read
	}
	assert.Empty(t, got, "a dialog opened or the Content-Security-Policy blocked something")
}

func eval[T any](t *testing.T, ctx context.Context, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	require.NoError(t, err, "evaluating %s", js)
	return v
}

// poll waits until js is truthy and returns its value.
func poll[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](js, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(t, err, "waiting for %s", js)
	return v
}

// waitShown waits until the map shows date (its control state is applied).
func waitShown(t *testing.T, ctx context.Context, date string) {
	t.Helper()
	poll[bool](t, ctx, fmt.Sprintf(`document.documentElement.dataset.shownDate === %q && document.getElementById('date-label').dataset.date === %q`, date, date))
}

func fillOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector('path.district[data-id=%q]').getAttribute('fill')`, id))
}

// clickDistrict clicks with the mouse at a point where the district's path is the topmost element.
func clickDistrict(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	// The map may still be settling (a phone's layout measures itself, the view refits): wait
	// until the path has stayed put for a few polls, or the click could land on a neighbour.
	poll[bool](t, ctx, fmt.Sprintf(`(() => { const r = JSON.stringify(document.querySelector('path.district[data-id=%q]').getBoundingClientRect());
		window.__still = window.__stillRect === r ? (window.__still || 0) + 1 : 0; window.__stillRect = r; return window.__still >= 5; })()`, id))
	pt := eval[[]float64](t, ctx, fmt.Sprintf(`(() => {
		const p = document.querySelector('path.district[data-id=%q]');
		const r = p.getBoundingClientRect();
		for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
			const x = r.left + r.width * i / 10, y = r.top + r.height * j / 10;
			if (document.elementFromPoint(x, y) === p) return [x, y];
		}
		return [];
	})()`, id))
	require.Len(t, pt, 2, "no visible point of district %s to click", id)
	// Headless Chromium drops a press that no pointer move came before: move first, as a hand would.
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, pt[0], pt[1]), chromedp.MouseClickXY(pt[0], pt[1])))
}

// waitFronts waits until the frontlines of date are drawn.
func waitFronts(t *testing.T, ctx context.Context, date string) {
	t.Helper()
	poll[bool](t, ctx, fmt.Sprintf(`document.documentElement.dataset.frontlinesDate === %q`, date))
}

// assertFronts checks the drawn frontlines against /api/frontlines/{date} and
// the stats panel's lengths against the series' frontlines_km; it returns the
// drawn paths' geometry (sorted "d" attributes) so callers can compare dates.
func assertFronts(t *testing.T, ctx context.Context, want []frontFeature, km map[string]float64) []string {
	t.Helper()
	wantSides := make([]string, 0, len(want))
	for _, f := range want {
		wantSides = append(wantSides, strings.Join(f.Properties.Sides, "|"))
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('path.frontline')].map(p => p.dataset.sides)`)
	assert.ElementsMatch(t, wantSides, got, "one frontline path per feature of /api/frontlines")
	assert.Len(t, eval[[]string](t, ctx, `[...document.querySelectorAll('path.frontline-casing')].map(p => p.getAttribute('d'))`), len(want))

	type cell struct{ Text, Value string }
	shown := eval[map[string]cell](t, ctx, `Object.fromEntries([...document.querySelectorAll('#stats table.fronts tr[data-pair]')].map(r =>
		[r.dataset.pair, { Text: r.querySelector('.km').textContent, Value: r.querySelector('.km').dataset.value }]))`)
	require.NotEmpty(t, km, "the stats series has no frontlines_km")
	for pair, v := range km {
		c, ok := shown[pair]
		if !assert.True(t, ok, "the stats panel lacks frontline %s", pair) {
			continue
		}
		assert.Equal(t, fmt.Sprintf("%.2f", v), c.Text, "frontline %s km", pair)
		assert.Equal(t, v, parseFloat(t, c.Value), "frontline %s km value", pair)
	}
	for _, f := range want {
		pair := strings.Join(f.Properties.Sides, "|")
		assert.InDelta(t, f.Properties.LengthKm, km[pair], 1e-9, "series and /api/frontlines disagree on %s", pair)
	}
	d := eval[[]string](t, ctx, `[...document.querySelectorAll('path.frontline')].map(p => p.getAttribute('d'))`)
	slices.Sort(d)
	return d
}

// assertStats checks the stats table against the API's /api/stats/{date} answer.
func assertStats(t *testing.T, ctx context.Context, want statsDay) {
	t.Helper()
	type cell struct {
		Km2Text, Km2Value, ShareText, ShareValue string
	}
	got := eval[map[string]cell](t, ctx, `Object.fromEntries([...document.querySelectorAll('#stats tbody tr[data-side]')].map(r => [r.dataset.side, {
		Km2Text: r.querySelector('.km2').textContent, Km2Value: r.querySelector('.km2').dataset.value,
		ShareText: r.querySelector('.share').textContent, ShareValue: r.querySelector('.share').dataset.value }]))`)
	for side, v := range want.Sides {
		c, ok := got[side]
		if !assert.True(t, ok, "stats panel lacks side %s on %s", side, want.Date) {
			continue
		}
		assert.Equal(t, fmt.Sprintf("%.2f", v.Km2), c.Km2Text, "%s km² on %s", side, want.Date)
		assert.Equal(t, fmt.Sprintf("%.1f %%", v.Share*100), c.ShareText, "%s share on %s", side, want.Date)
		assert.Equal(t, v.Km2, parseFloat(t, c.Km2Value), "%s km² value on %s", side, want.Date)
		assert.Equal(t, v.Share, parseFloat(t, c.ShareValue), "%s share value on %s", side, want.Date)
	}
	total := eval[string](t, ctx, `document.querySelector('#stats tfoot .km2').dataset.value`)
	assert.Equal(t, want.TotalKm2, parseFloat(t, total), "total km² on %s", want.Date)
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}

// soleColor is the side colour a district held wholly by one side is filled with.
func soleColor(meta metaDoc, s controlState) (string, bool) {
	if len(s.Shares) != 1 {
		return "", false
	}
	for side, share := range s.Shares {
		for _, m := range meta.Sides {
			if m.ID == side && share == 1 {
				return m.Color, true
			}
		}
	}
	return "", false
}

func saveScreenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	saveScreenshotAs(t, ctx, "screenshot.png")
}

// saveScreenshotAs writes the page as docs/name.
func saveScreenshotAs(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	out := filepath.Join("..", "docs", name)
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	require.NoError(t, os.WriteFile(out, png, 0o644))
	t.Logf("wrote %s", out)
}

type metaDoc struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	ViewDate    string   `json:"view_date"`
	ViewCompare string   `json:"view_compare"`
	References  int      `json:"references"`
	FirstDate   string   `json:"first_date"`
	LastDate    string   `json:"last_date"`
	ChangeDates []string `json:"change_dates"`
	Sides       []struct {
		ID    string `json:"id"`
		Color string `json:"color"`
	} `json:"sides"`
}

type feature struct {
	ID         string `json:"id"`
	Properties struct {
		Name    string   `json:"name"`
		NameAr  string   `json:"name_ar"`
		Aliases []string `json:"aliases"`
	} `json:"properties"`
}

type changeFeature struct {
	ID         string `json:"id"`
	Properties struct {
		From struct {
			Shares map[string]float64 `json:"shares"`
		} `json:"from"`
		To struct {
			Shares map[string]float64 `json:"shares"`
		} `json:"to"`
	} `json:"properties"`
}

type summaryDoc struct {
	Districts int     `json:"districts"`
	MovedKm2  float64 `json:"moved_km2"`
	Sides     map[string]struct {
		GainedKm2 float64 `json:"gained_km2"`
		LostKm2   float64 `json:"lost_km2"`
		NetKm2    float64 `json:"net_km2"`
	} `json:"sides"`
}

type frontFeature struct {
	Geometry struct {
		Coordinates [][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		Sides    []string `json:"sides"`
		LengthKm float64  `json:"length_km"`
	} `json:"properties"`
}

type controlState struct {
	Controller string             `json:"controller"`
	Shares     map[string]float64 `json:"shares"`
	Sources    []string           `json:"sources"`
	Note       string             `json:"note"`
	Changed    bool               `json:"changed"`
	Since      string             `json:"since"`
}

type districtDoc struct {
	Name    string `json:"name"`
	History []struct {
		Date       string   `json:"date"`
		Controller string   `json:"controller"`
		Sources    []string `json:"sources"`
	} `json:"history"`
}

type statsDay struct {
	Date     string  `json:"date"`
	TotalKm2 float64 `json:"total_km2"`
	Sides    map[string]struct {
		Km2   float64 `json:"km2"`
		Share float64 `json:"share"`
	} `json:"sides"`
}

// apiClient reads the API the page reads, for the expected values.
type apiClient struct {
	t    *testing.T
	base string
}

func (a apiClient) get(path string, into any) {
	a.t.Helper()
	res, err := http.Get(a.base + path)
	require.NoError(a.t, err)
	defer res.Body.Close()
	require.Equal(a.t, http.StatusOK, res.StatusCode, "GET %s", path)
	require.NoError(a.t, json.NewDecoder(res.Body).Decode(into), "GET %s", path)
}

func (a apiClient) meta() metaDoc {
	var m metaDoc
	a.get("/api/meta", &m)
	require.NotEmpty(a.t, m.ChangeDates)
	return m
}

func (a apiClient) districts() []feature {
	var fc struct {
		Features []feature `json:"features"`
	}
	a.get("/api/districts", &fc)
	require.NotEmpty(a.t, fc.Features)
	return fc.Features
}

func (a apiClient) control(date string) map[string]controlState {
	var c struct {
		Districts map[string]controlState `json:"districts"`
	}
	a.get("/api/control/"+date, &c)
	return c.Districts
}

func (a apiClient) district(id string) districtDoc {
	var d districtDoc
	a.get("/api/districts/"+id, &d)
	return d
}

func (a apiClient) stats(date string) statsDay {
	var s statsDay
	a.get("/api/stats/"+date, &s)
	require.NotEmpty(a.t, s.Sides)
	return s
}

// districtThatChanges finds a change date and a district whose sole controller
// on that date differs from the first date, so its fill must change.
func (a apiClient) districtThatChanges(m metaDoc) (id, date string) {
	a.t.Helper()
	start := a.control(m.FirstDate)
	for _, d := range m.ChangeDates {
		if d <= m.FirstDate {
			continue
		}
		states := a.control(d)
		ids := make([]string, 0, len(states))
		for id := range states {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			s := states[id]
			if _, sole := soleColor(m, s); s.Changed && sole && s.Controller != start[id].Controller {
				return id, d
			}
		}
	}
	a.t.Fatalf("no district changes sole controller after %s: the test dataset cannot exercise the slider", m.FirstDate)
	return "", ""
}

// citedDistrict finds a district, a date and a citation of its state on that
// date that the references explain.
func (a apiClient) citedDistrict(m metaDoc, refs map[string]string) (id, date, cite string) {
	a.t.Helper()
	for _, d := range m.ChangeDates {
		states := a.control(d)
		for _, id := range slices.Sorted(maps.Keys(states)) {
			for _, src := range states[id].Sources {
				if _, ok := refs[src]; ok {
					return id, d, src
				}
			}
		}
	}
	a.t.Fatal("no control state cites a reference of /api/references")
	return "", "", ""
}

// mostSplitDate finds the change date with a front and the most districts not
// held wholly by one side: the most telling picture.
func (a apiClient) mostSplitDate(m metaDoc) string {
	a.t.Helper()
	best, date := -1, ""
	for _, d := range m.ChangeDates {
		split := 0
		for _, s := range a.control(d) {
			if _, sole := soleColor(m, s); !sole && len(s.Shares) > 0 {
				split++
			}
		}
		if split > best && len(a.frontlines(d)) > 0 {
			best, date = split, d
		}
	}
	require.NotEmpty(a.t, date, "no change date has a frontline")
	return date
}

// frontMoves finds two change dates, the first not the dataset's first date and
// with a front, the second later with a different front.
func (a apiClient) frontMoves(m metaDoc) (from, to string) {
	a.t.Helper()
	var prev []frontFeature
	for _, d := range m.ChangeDates {
		if d <= m.FirstDate {
			continue
		}
		fronts := a.frontlines(d)
		if from != "" && !reflect.DeepEqual(fronts, prev) {
			return from, d
		}
		if from == "" && len(fronts) > 0 {
			from, prev = d, fronts
		}
	}
	a.t.Fatalf("no front moves between change dates: the dataset cannot exercise the frontlines")
	return "", ""
}

func (a apiClient) frontlines(date string) []frontFeature {
	var fc struct {
		Features []frontFeature `json:"features"`
	}
	a.get("/api/frontlines/"+date, &fc)
	return fc.Features
}

// series reads /api/stats over the whole range: frontlines_km per date.
func (a apiClient) series(m metaDoc) map[string]map[string]float64 {
	var s struct {
		Series []struct {
			Date         string             `json:"date"`
			FrontlinesKm map[string]float64 `json:"frontlines_km"`
		} `json:"series"`
	}
	a.get("/api/stats?from="+m.FirstDate+"&to="+m.LastDate, &s)
	out := make(map[string]map[string]float64, len(s.Series))
	for _, e := range s.Series {
		out[e.Date] = e.FrontlinesKm
	}
	return out
}

// changes reads /api/changes and says, per changed district, which side
// gained most and which lost most ("gainer>loser", "unassigned" for none).
func (a apiClient) changes(from, to string) map[string]string {
	var fc struct {
		Features []changeFeature `json:"features"`
	}
	a.get("/api/changes?from="+from+"&to="+to, &fc)
	out := map[string]string{}
	for _, f := range fc.Features {
		gainer, loser, up, down := "unassigned", "unassigned", 1e-12, -1e-12
		sides := map[string]bool{}
		for s := range f.Properties.From.Shares {
			sides[s] = true
		}
		for s := range f.Properties.To.Shares {
			sides[s] = true
		}
		for _, s := range slices.Sorted(maps.Keys(sides)) {
			d := f.Properties.To.Shares[s] - f.Properties.From.Shares[s]
			if d > up {
				gainer, up = s, d
			}
			if d < down {
				loser, down = s, d
			}
		}
		out[f.ID] = gainer + ">" + loser
	}
	return out
}

func (a apiClient) summary(from, to string) summaryDoc {
	var s summaryDoc
	a.get("/api/changes/summary?from="+from+"&to="+to, &s)
	return s
}

func (a apiClient) references() map[string]string {
	var r struct {
		References []struct {
			Number int    `json:"number"`
			Text   string `json:"text"`
		} `json:"references"`
	}
	a.get("/api/references", &r)
	out := map[string]string{}
	for _, x := range r.References {
		out[fmt.Sprintf("[%d]", x.Number)] = x.Text
	}
	return out
}

func (a apiClient) addDays(date string, n int) string {
	a.t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	require.NoError(a.t, err)
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func (a apiClient) daysBetween(from, to string) int {
	a.t.Helper()
	f, err := time.Parse(time.DateOnly, from)
	require.NoError(a.t, err)
	g, err := time.Parse(time.DateOnly, to)
	require.NoError(a.t, err)
	return int(g.Sub(f).Hours() / 24)
}

// phone emulates a phone's screen of w×h CSS px, held upright, with touch.
func phone(w, h int64) chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
}

// typeInto focuses the text field sel, selects what it holds and types text over it.
func typeInto(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const f = document.querySelector(%q); f.focus(); f.select(); return true; })()`, sel))
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(sel, text)))
}

// parseHashDate is the shown date of a permalink hash ("" if it has none).
func parseHashDate(hash string) string {
	d, _, _ := strings.Cut(strings.TrimPrefix(hash, "#"), "/")
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return ""
	}
	return d
}

// assertInView checks that the districts ids are drawn wholly inside the map.
func assertInView(t *testing.T, ctx context.Context, ids []string) {
	t.Helper()
	js, err := json.Marshal(ids)
	require.NoError(t, err)
	out := eval[[]string](t, ctx, fmt.Sprintf(`(() => { const m = document.getElementById('map').getBoundingClientRect();
		return %s.filter(id => { const r = document.querySelector('path.district[data-id="' + id + '"]').getBoundingClientRect();
			return r.left < m.left || r.top < m.top || r.right > m.right || r.bottom > m.bottom; }); })()`, js))
	assert.Empty(t, out, "districts not wholly in view")
}

// seenFill is a district's fill as drawn: a colour at an opacity over the map's background.
type seenFill struct {
	color   string
	opacity float64
}

// machado holds the Machado, Oliveira and Fernandes (2009) simulation
// matrices at severity 1.0, applied to linear RGB.
var machado = map[string][3][3]float64{
	"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
	"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
	"tritanopia":   {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
}

// seenLab is the CIELAB colour of f over the background bg (a CSS rgb()) as
// someone with the colour-vision deficiency cvd sees it.
func seenLab(t *testing.T, f seenFill, bg, cvd string) [3]float64 {
	t.Helper()
	fg, back := parseColor(t, f.color), parseColor(t, bg)
	var lin [3]float64
	for i := range lin {
		lin[i] = toLinear(f.opacity*fg[i] + (1-f.opacity)*back[i])
	}
	m := machado[cvd]
	var sim [3]float64
	for i := range sim {
		sim[i] = min(1, max(0, m[i][0]*lin[0]+m[i][1]*lin[1]+m[i][2]*lin[2]))
	}
	// Linear sRGB to XYZ (D65) to CIELAB.
	x := 0.4124564*sim[0] + 0.3575761*sim[1] + 0.1804375*sim[2]
	y := 0.2126729*sim[0] + 0.7151522*sim[1] + 0.0721750*sim[2]
	z := 0.0193339*sim[0] + 0.1191920*sim[1] + 0.9503041*sim[2]
	f3 := func(v float64) float64 {
		if v > 216.0/24389 {
			return math.Cbrt(v)
		}
		return (24389.0/27*v + 16) / 116
	}
	fx, fy, fz := f3(x/0.95047), f3(y), f3(z/1.08883)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// deltaE is the CIE76 colour difference ΔE*ab.
func deltaE(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func toLinear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// parseColor reads #rgb, #rrggbb or rgb(r, g, b) into 0..1 channels.
func parseColor(t *testing.T, s string) [3]float64 {
	t.Helper()
	s = strings.TrimSpace(s)
	var c [3]float64
	if strings.HasPrefix(s, "#") {
		h := s[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		require.Len(t, h, 6, "colour %q", s)
		for i := range c {
			v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
			require.NoError(t, err, "colour %q", s)
			c[i] = float64(v) / 255
		}
		return c
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "rgba("), "rgb("), ")"), ",")
	require.GreaterOrEqual(t, len(parts), 3, "colour %q", s)
	for i := range c {
		c[i] = parseFloat(t, strings.TrimSpace(parts[i])) / 255
	}
	return c
}

// sideColor is the colour the dataset gives side.
func sideColor(meta metaDoc, side string) string {
	for _, s := range meta.Sides {
		if s.ID == side {
			return s.Color
		}
	}
	return ""
}

// sidePairs lists every pair of the dataset's sides.
func sidePairs(meta metaDoc) [][2]string {
	var out [][2]string
	for i, a := range meta.Sides {
		for _, z := range meta.Sides[i+1:] {
			out = append(out, [2]string{a.ID, z.ID})
		}
	}
	return out
}

// assertFirstScreen checks that the elements sels are drawn whole inside the
// viewport without scrolling, and that none overlaps another.
func assertFirstScreen(t *testing.T, ctx context.Context, name string, sels []string) {
	t.Helper()
	js, err := json.Marshal(sels)
	require.NoError(t, err)
	type box struct{ Left, Top, Right, Bottom float64 }
	boxes := eval[[]box](t, ctx, fmt.Sprintf(`%s.map(s => { const r = document.querySelector(s).getBoundingClientRect();
		return { Left: r.left + scrollX, Top: r.top + scrollY, Right: r.right + scrollX, Bottom: r.bottom + scrollY }; })`, js))
	size := eval[[]float64](t, ctx, `[innerWidth, innerHeight]`)
	for i, b := range boxes {
		assert.True(t, b.Left >= 0 && b.Top >= 0 && b.Right <= size[0]+0.5 && b.Bottom <= size[1]+0.5 && b.Bottom > b.Top,
			"%s: %s is not whole on the first screen (%+v in %.0f×%.0f)", name, sels[i], b, size[0], size[1])
		for j, o := range boxes[:i] {
			overlap := min(b.Right, o.Right) - max(b.Left, o.Left)
			if min(b.Bottom, o.Bottom)-max(b.Top, o.Top) > 0.5 && overlap > 0.5 {
				assert.Fail(t, "overlap", "%s: %s overlaps %s", name, sels[i], sels[j])
			}
		}
	}
}

// assertSteady checks that what the page showed while it started did not
// jump when the first answers filled it in: the layout shifts it made, as
// the browser scores them for the Cumulative Layout Shift (those right
// after input left out), add up to less than Lighthouse's "good" half.
func assertSteady(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	type layoutShifts struct {
		Sum   float64
		Moved []string
	}
	// The browser keeps a page's layout shifts for an observer that asks for them buffered;
	// with none there is no callback, hence the timer.
	js := `new Promise((done) => {
		const report = (es) => done({ Sum: es.filter(e => !e.hadRecentInput).reduce((n, e) => n + e.value, 0),
			Moved: es.flatMap(e => e.sources.map(s => (s.node && s.node.nodeType === 1 ? s.node.tagName + (s.node.id ? '#' + s.node.id : '') + '.' + s.node.classList : String(s.node && s.node.nodeName))
				+ ' ' + [s.previousRect.y, s.previousRect.height, s.currentRect.y, s.currentRect.height].map(Math.round).join(','))) });
		new PerformanceObserver((list, obs) => { obs.disconnect(); report(list.getEntries()); }).observe({ type: 'layout-shift', buffered: true });
		setTimeout(() => report([]), 500);
	})`
	shifts := eval[layoutShifts](t, ctx, js, chromedp.EvalAwaitPromise)
	assert.Less(t, shifts.Sum, 0.05, "%s: the page jumped while it started (layout shift %.3f): %v", name, shifts.Sum, shifts.Moved)
}

// invert turns "id → gainer>loser" into "gainer>loser → an id".
func invert(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[v] = k
	}
	return out
}
