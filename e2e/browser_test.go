// Package e2e drives the real page (package web) in headless Chromium against
// the real server (package server) on a loopback port.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/frontline/frontline/data"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	handler := newHandler(t)
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
		assert.Equal(t, 1, eval[int](t, b, `performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/api/districts').length`),
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

	t.Run("screenshot", func(t *testing.T) {
		if os.Getenv(screenshotEnv) != "1" {
			t.Skipf("set %s=1 to write docs/screenshot.png", screenshotEnv)
		}
		// The whole city on the most telling date, with its fronts and no popup over them.
		shotDate := api.mostSplitDate(meta)
		b := open(t, ctx, page+"#"+shotDate)
		waitFronts(t, b, shotDate)
		require.Positive(t, eval[int](t, b, `document.querySelectorAll('path.frontline').length`), "no front drawn on %s", shotDate)
		saveScreenshot(t, b)
	})

	t.Run("phone width has no horizontal scrolling", func(t *testing.T) {
		b := open(t, ctx, page+"#"+date, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile))
		assert.LessOrEqual(t, eval[int](t, b, `document.documentElement.scrollWidth`), 375)
		assert.Equal(t, len(features), eval[int](t, b, `document.querySelectorAll('path.district').length`))
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
}

// newHandler builds the real server over the test dataset and the embedded page.
func newHandler(t *testing.T) http.Handler {
	t.Helper()
	srv, err := server.New(server.Deps{
		Dataset: dataset(t),
		Assets:  web.Assets(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, server.Config{})
	require.NoError(t, err)
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
	require.NoError(t, chromedp.Do(ctx, append(setup, chromedp.Navigate(url))...))
	state := poll[string](t, ctx, `document.documentElement.dataset.ready === 'true' ? 'ready'
		: (document.documentElement.dataset.error && document.querySelector('path.district')) ? 'ready'
		: document.documentElement.dataset.error ? 'error: ' + document.documentElement.dataset.error : ''`)
	require.Equal(t, "ready", state)
	return ctx
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
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
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	out := filepath.Join("..", "docs", "screenshot.png")
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	require.NoError(t, os.WriteFile(out, png, 0o644))
	t.Logf("wrote %s", out)
}

type metaDoc struct {
	FirstDate   string   `json:"first_date"`
	LastDate    string   `json:"last_date"`
	ChangeDates []string `json:"change_dates"`
	Sides       []struct {
		ID    string `json:"id"`
		Color string `json:"color"`
	} `json:"sides"`
}

type feature struct {
	ID string `json:"id"`
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
}

type districtDoc struct {
	Name    string `json:"name"`
	History []struct {
		Date    string   `json:"date"`
		Sources []string `json:"sources"`
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
