package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

type ogcLink struct{ Href, Rel, Type string }

type ogcItems struct {
	Type           string
	Name           string
	NumberMatched  int
	NumberReturned int
	TimeStamp      string
	Links          []ogcLink
	Features       []struct {
		ID         string
		Geometry   struct{ Type string }
		Properties map[string]any
	}
}

func getJSON(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	rec := get(t, h, target)
	require.Equal(t, http.StatusOK, rec.Code, "%s: %s", target, rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), v), target)
}

func linkOf(links []ogcLink, rel, typ string) string {
	for _, l := range links {
		if l.Rel == rel && (typ == "" || l.Type == typ) {
			return l.Href
		}
	}
	return ""
}

// path turns an absolute link back into a request target.
func path(t *testing.T, href string) string {
	t.Helper()
	u, err := url.Parse(href)
	require.NoError(t, err)
	assert.Equal(t, "example.com", u.Host, "links are absolute, on the host the client asked")
	return u.RequestURI()
}

func TestOGCLandingConformanceCollections(t *testing.T) {
	h := newServer(t).Handler()
	var landing struct {
		Title string
		Links []ogcLink
	}
	getJSON(t, h, "/ogc", &landing)
	assert.Equal(t, "Small test dataset", landing.Title)
	for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
		assert.NotEmpty(t, linkOf(landing.Links, rel, ""), rel)
	}
	assert.Equal(t, "http://example.com/ogc/api", linkOf(landing.Links, "service-desc", "application/vnd.oai.openapi+json;version=3.0"))

	var conf struct{ ConformsTo []string }
	getJSON(t, h, path(t, linkOf(landing.Links, "conformance", "")), &conf)
	for _, c := range []string{"core", "geojson", "html", "oas30"} {
		assert.Contains(t, conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c)
	}

	var cols struct {
		Collections []struct {
			ID     string
			Extent struct {
				Spatial  struct{ BBox [][]float64 }
				Temporal *struct{ Interval [][]*string }
			}
			Links []ogcLink
		}
	}
	getJSON(t, h, path(t, linkOf(landing.Links, "data", "")), &cols)
	var ids []string
	for _, c := range cols.Collections {
		ids = append(ids, c.ID)
		assert.Equal(t, [][]float64{{37.10, 36.20, 37.13, 36.22}}, c.Extent.Spatial.BBox, c.ID)
		if c.ID == "districts" {
			assert.Nil(t, c.Extent.Temporal, "the districts do not change")
		} else {
			require.NotNil(t, c.Extent.Temporal, c.ID)
			require.Len(t, c.Extent.Temporal.Interval, 1, c.ID)
			i := c.Extent.Temporal.Interval[0]
			require.Len(t, i, 2, c.ID)
			assert.Equal(t, "2016-11-15T00:00:00Z", *i[0], c.ID)
			assert.Nil(t, i[1], "%s: open at the end, as the last states hold after the last date", c.ID)
		}
		assert.Equal(t, "http://example.com/ogc/collections/"+c.ID+"/items?f=json", linkOf(c.Links, "items", "application/geo+json"))
	}
	assert.Equal(t, []string{"districts", "control", "territory", "frontlines"}, ids)
}

func TestOGCOpenAPI(t *testing.T) {
	h := newServer(t).Handler()
	rec := get(t, h, "/ogc/api")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/vnd.oai.openapi+json;version=3.0", rec.Header().Get("Content-Type"))
	var doc struct {
		OpenAPI string
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Name   string
				In     string
				Schema map[string]any
			}
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3.0."))
	for _, p := range []string{"/ogc/collections/{collectionId}/items", "/api/snapshot/{date}", "/api/stats.csv", "/api/stats_{from}_{to}.csv", "/api/changes/summary", "/api/frontlines/{date}"} {
		assert.Contains(t, doc.Paths, p)
	}
	var limit map[string]any
	for _, p := range doc.Paths["/ogc/collections/{collectionId}/items"]["get"].Parameters {
		if p.Name == "limit" {
			limit = p.Schema
		}
	}
	assert.Equal(t, map[string]any{"type": "integer", "minimum": 1.0, "maximum": 10000.0, "default": 100.0}, limit, "QGIS reads the page size from here")
}

// datetime=D answers exactly the states of /api/snapshot/D, for every day
// of the range and days after its end; with a page size that forces
// several pages.
func TestOGCControlDatetimeIsTheSnapshot(t *testing.T) {
	h := newServer(t).Handler()
	ds := testkit.Small(t)
	r := ds.Range()
	days := []geo.Date{r.Last + 1, r.Last + 400}
	for d := r.First; d <= r.Last; d++ {
		days = append(days, d)
	}
	for _, d := range days {
		got := map[string]map[string]any{}
		target := "/ogc/collections/control/items?limit=2&datetime=" + d.String()
		for target != "" {
			var page ogcItems
			getJSON(t, h, target, &page)
			assert.Equal(t, len(page.Features), page.NumberReturned)
			assert.Equal(t, len(ds.Districts), page.NumberMatched)
			for _, f := range page.Features {
				got[f.Properties["district"].(string)] = f.Properties
				assert.Equal(t, "MultiPolygon", f.Geometry.Type)
			}
			target = ""
			if next := linkOf(page.Links, "next", ""); next != "" {
				target = path(t, next)
			}
		}
		var snap struct {
			Features []struct {
				ID         string
				Properties map[string]any
			}
		}
		getJSON(t, h, "/api/snapshot/"+d.String(), &snap)
		require.Len(t, got, len(snap.Features))
		for _, f := range snap.Features {
			p := got[f.ID]
			assert.Equal(t, f.ID, f.Properties["district"], "the snapshot's key")
			assert.Equal(t, f.Properties["district"], p["district"], "one key name in both")
			assert.NotContains(t, f.Properties, "id")
			assert.Equal(t, f.Properties["controller"], p["controller"], "%s on %s", f.ID, d)
			for _, s := range ds.Sides {
				assert.Equal(t, f.Properties["share_"+s.ID], p["share_"+s.ID], "%s on %s", f.ID, d)
			}
			if since, ok := f.Properties["since"].(string); ok {
				assert.Equal(t, since+"T00:00:00Z", p["valid_from"], "the instant the day begins, UTC")
			}
		}
	}
}

func TestOGCItemsFilters(t *testing.T) {
	h := newServer(t).Handler()
	count := func(target string) int {
		t.Helper()
		var page ogcItems
		getJSON(t, h, target, &page)
		return page.NumberMatched
	}
	all := count("/ogc/collections/control/items")
	assert.Equal(t, 10, all, "north-east has 4 states, south-east 3, the others 1")
	assert.Equal(t, all, count("/ogc/collections/control/items?datetime=2016-11-15/2016-12-22"))
	assert.Equal(t, all, count("/ogc/collections/control/items?datetime=../2016-12-22"))
	assert.Equal(t, 5, count("/ogc/collections/control/items?datetime=2016-12-22/.."))
	assert.Equal(t, 6, count("/ogc/collections/control/items?datetime=2016-11-19/2016-11-20"), "both north-east states overlap")
	assert.Equal(t, 5, count("/ogc/collections/control/items?datetime=2016-11-20T23:59:59Z"))
	assert.Equal(t, 5, count("/ogc/collections/control/items?datetime=2016-12-23"), "after the last date the last states hold")
	assert.Equal(t, 5, count("/ogc/collections/control/items?datetime=2017-01-01/2017-02-01"), "after the last date the last states hold")
	assert.Equal(t, 5, count("/ogc/collections/control/items?datetime=2030-01-01T12:00:00Z"))
	assert.Equal(t, 5, count("/ogc/collections/districts/items?datetime=2016-12-23"), "the districts have no time")
	// The western column only (bounds touching x=37.11 count).
	assert.Equal(t, 2, count("/ogc/collections/districts/items?bbox=37.100,36.200,37.105,36.220"))
	assert.Equal(t, 4, count("/ogc/collections/districts/items?bbox=37.100,36.200,37.110,36.220"))

	var page ogcItems
	getJSON(t, h, "/ogc/collections/control/items?limit=4&offset=4", &page)
	assert.Equal(t, "control", page.Name)
	assert.Equal(t, 4, page.NumberReturned)
	assert.NotEmpty(t, page.TimeStamp)
	assert.Contains(t, linkOf(page.Links, "prev", ""), "offset=0")
	assert.Contains(t, linkOf(page.Links, "next", ""), "offset=8")
	// The next page is at least the server's page size: GDAL 3.6 asks for
	// 10 features a page and follows next links as they are. People
	// paging through HTML keep the size they chose.
	assert.Contains(t, linkOf(page.Links, "next", ""), "limit=100")
	assert.Contains(t, linkOf(page.Links, "prev", ""), "limit=4")
	assert.Contains(t, linkOf(page.Links, "self", ""), "limit=4")
	html := get(t, h, "/ogc/collections/control/items?limit=4&offset=4&f=html").Body.String()
	assert.Contains(t, html, "limit=4&amp;offset=8")
	getJSON(t, h, "/ogc/collections/control/items?limit=20000", &page)
	assert.Equal(t, all, page.NumberReturned, "a limit above the maximum is clamped, not refused")

	getJSON(t, h, "/ogc/collections/territory/items?datetime=2016-11-20", &page)
	var sides []string
	for _, f := range page.Features {
		sides = append(sides, f.Properties["side"].(string))
		from, ok := strings.CutSuffix(f.Properties["valid_from"].(string), "T00:00:00Z")
		assert.True(t, ok, "valid_from is the instant its day begins")
		assert.Equal(t, f.Properties["side"].(string)+"/"+from, f.ID)
	}
	assert.ElementsMatch(t, []string{"government", "opposition", "sdf"}, sides)
	getJSON(t, h, "/ogc/collections/frontlines/items?datetime=2016-12-22", &page)
	require.Len(t, page.Features, 1)
	assert.Equal(t, "government|sdf", page.Features[0].Properties["pair"])
	assert.Nil(t, page.Features[0].Properties["valid_to"], "in force at the end: no end known")
	assert.Contains(t, page.Features[0].Properties, "valid_to", "null, not left out")
}

func TestOGCItem(t *testing.T) {
	h := newServer(t).Handler()
	for _, target := range []string{
		"/ogc/collections/control/items/north-east%2F2016-11-20",
		"/ogc/collections/control/items/north-east/2016-11-20",
	} {
		var f struct {
			ID         string
			Properties map[string]any
			Links      []ogcLink
		}
		getJSON(t, h, target, &f)
		assert.Equal(t, "north-east/2016-11-20", f.ID)
		assert.Equal(t, 0.75, f.Properties["share_government"])
		assert.Equal(t, "2016-12-01T00:00:00Z", f.Properties["valid_to"])
		assert.Equal(t, "[2][3]", f.Properties["sources"])
		assert.NotEmpty(t, linkOf(f.Links, "collection", ""))
	}
	// Shares keep a decimal point, so clients type them Real.
	rec := get(t, h, "/ogc/collections/control/items/north-west%2F2016-11-15")
	assert.Contains(t, rec.Body.String(), `"share_government":1.0,"share_opposition":0.0`)
	assert.Equal(t, "application/geo+json", rec.Header().Get("Content-Type"))
}

func TestOGCProblems(t *testing.T) {
	h := newServer(t).Handler()
	tests := []struct {
		target string
		status int
		detail string
	}{
		{"/ogc/collections/roads", 404, `no collection "roads": the collections are districts, control, territory, frontlines`},
		{"/ogc/collections/roads/items", 404, `no collection "roads"`},
		{"/ogc/collections/control/items/nowhere%2F2016-11-15", 404, `no feature "nowhere/2016-11-15"`},
		{"/ogc/collections/control/items?color=red", 400, `unknown parameter "color"`},
		{"/ogc/collections/control/items?limit=0", 400, `parameter "limit" is "0"`},
		{"/ogc/collections/control/items?offset=-1", 400, `parameter "offset" is "-1"`},
		{"/ogc/collections/control/items?bbox=1,2,3", 400, "give minLon,minLat,maxLon,maxLat"},
		{"/ogc/collections/control/items?bbox=1,50,3,40", 400, "latitudes must run from south to north"},
		{"/ogc/collections/control/items?datetime=yesterday", 400, `datetime "yesterday": give a date`},
		{"/ogc/collections/control/items?datetime=../..", 400, "at most one end"},
		{"/ogc/collections/control/items?datetime=2016-12-01/2016-11-01", 400, "ends before it begins"},
		{"/ogc?f=xml", 400, `parameter "f" is "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			var p struct{ Detail string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
			assert.Contains(t, p.Detail, tt.detail)
		})
	}
}

func TestOGCHTMLAndETag(t *testing.T) {
	h := newServer(t).Handler()
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, target := range []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/control",
		"/ogc/collections/control/items", "/ogc/collections/control/items/north-east%2F2016-11-20"} {
		rec := get(t, h, target, "Accept", browser)
		require.Equal(t, http.StatusOK, rec.Code, target)
		assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"), target)
		assert.Contains(t, rec.Header().Values("Vary"), "Accept", target)
		json := get(t, h, target)
		assert.NotContains(t, json.Header().Get("Content-Type"), "html", "curl's */* gets JSON: %s", target)
		assert.NotEqual(t, rec.Header().Get("ETag"), json.Header().Get("ETag"), "an ETag per representation")
		assert.Equal(t, http.StatusNotModified, get(t, h, target, "Accept", browser, "If-None-Match", rec.Header().Get("ETag")).Code)
	}
	assert.Contains(t, get(t, h, "/ogc?f=html").Header().Get("Content-Type"), "text/html")
	// A malformed weight accepts nothing, as for Accept-Encoding: JSON.
	assert.NotContains(t, get(t, h, "/ogc", "Accept", "text/html;q=abc").Header().Get("Content-Type"), "html")
	assert.NotContains(t, get(t, h, "/ogc", "Accept", "text/html;q=2, application/json;q=0.5").Header().Get("Content-Type"), "html")
	assert.Contains(t, get(t, h, "/ogc/collections/control/items?f=html").Body.String(), "north-east/2016-11-20")
}

// Dataset strings reach the HTML pages as text only.
func TestOGCHTMLEscapesDatasetStrings(t *testing.T) {
	evil := `<img src=x onerror=alert(1)>`
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{
		geo.MetaFile:    `{"title":"` + strings.ReplaceAll(evil, `"`, `\"`) + `"}`,
		geo.ControlFile: "date,district,side,share,source,note\n" + "2016-11-15,north-west,government,1,[1],\"" + evil + "\"\n",
	}), "evil")
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{AllowedHosts: testHosts})
	require.NoError(t, err)
	for _, target := range []string{"/ogc?f=html", "/ogc/api?f=html", "/ogc/collections/control/items?f=html", "/ogc/collections/control/items/north-west%2F2016-11-15?f=html"} {
		body := get(t, srv.Handler(), target).Body.String()
		assert.NotContains(t, body, "<img", target)
		assert.Contains(t, body, "&lt;img", target)
	}
}

func TestCSVAtGDALPaths(t *testing.T) {
	h := newServer(t).Handler()
	whole := get(t, h, "/api/stats.csv")
	require.Equal(t, http.StatusOK, whole.Code)
	assert.Equal(t, "text/csv; charset=utf-8", whole.Header().Get("Content-Type"))
	lines := strings.Split(strings.TrimSpace(whole.Body.String()), "\n")
	assert.Equal(t, "date,government_km2,opposition_km2,sdf_km2,unassigned_km2,total_km2,front_government_opposition_km,front_government_sdf_km,front_opposition_sdf_km", lines[0])
	assert.Len(t, lines, 1+38, "every day of 2016-11-15 to 2016-12-22")
	assert.Equal(t, get(t, h, "/api/stats?format=csv").Body.String(), whole.Body.String(), "?format=csv keeps working")

	// The path's last element names GDAL's layer, the download the same.
	week := get(t, h, "/api/stats_2016-11-15_2016-11-21.csv")
	require.Equal(t, http.StatusOK, week.Code)
	golden(t, "series.csv", week.Body.Bytes())
	assert.Equal(t, `attachment; filename="stats_2016-11-15_2016-11-21.csv"`, week.Header().Get("Content-Disposition"))
	csvt := get(t, h, "/api/stats_2016-11-15_2016-11-21.csvt")
	assert.Equal(t, `"Date","Real","Real","Real","Real","Real","Real","Real","Real"`+"\n", csvt.Body.String())
	assert.Equal(t, csvt.Body.String(), get(t, h, "/api/stats.csvt").Body.String())

	// The long shape has a path of its own, so GDAL finds its .csvt, and a
	// file name of its own.
	long := get(t, h, "/api/stats_long_2016-11-20_2016-11-20.csv")
	ds := testkit.Small(t)
	d, _ := geo.ParseDate("2016-11-20")
	st, err := ds.Stats(d)
	require.NoError(t, err)
	want := "date,side,km2,share\n"
	for _, s := range ds.Sides {
		want += fmt.Sprintf("2016-11-20,%s,%.6f,%.9f\n", s.ID, st.Sides[s.ID].Km2, st.Sides[s.ID].Share)
	}
	want += "2016-11-20,unassigned,0.000000,0.000000000\n"
	assert.Equal(t, want, long.Body.String())
	assert.Equal(t, `attachment; filename="stats_long_2016-11-20_2016-11-20.csv"`, long.Header().Get("Content-Disposition"))
	for _, target := range []string{
		"/api/stats?from=2016-11-20&to=2016-11-20&format=csv&shape=long",
		"/api/stats_2016-11-20_2016-11-20.csv?shape=long",
		"/api/stats_long.csv?from=2016-11-20&to=2016-11-20",
	} {
		rec := get(t, h, target)
		assert.Equal(t, long.Body.String(), rec.Body.String(), target)
		assert.Equal(t, long.Header().Get("Content-Disposition"), rec.Header().Get("Content-Disposition"), target)
	}
	assert.Equal(t, `attachment; filename="stats_2016-11-15_2016-12-22.csv"`, whole.Header().Get("Content-Disposition"))
	assert.Equal(t, `attachment; filename="stats_long_2016-11-15_2016-12-22.csv"`, get(t, h, "/api/stats_long.csv").Header().Get("Content-Disposition"))
	for _, target := range []string{"/api/stats_long.csvt", "/api/stats_long_2016-11-15_2016-11-21.csvt", "/api/stats.csvt?shape=long"} {
		assert.Equal(t, `"Date","String","Real","Real"`+"\n", get(t, h, target).Body.String(), target)
	}

	changes := get(t, h, "/api/changes_2016-11-19_2016-11-21.csv")
	require.Equal(t, http.StatusOK, changes.Code)
	assert.Equal(t, "date,district,name,from,to,moved_km2,sources,note\n"+
		`2016-11-20,north-east,North East,opposition,government,0.748320,[2][3],"""75 percent of the area"""`+"\n", changes.Body.String())
	assert.Equal(t, `attachment; filename="changes_2016-11-19_2016-11-21.csv"`, changes.Header().Get("Content-Disposition"))
	assert.Equal(t, http.StatusOK, get(t, h, "/api/changes.csv").Code)
	assert.Contains(t, get(t, h, "/api/changes.csvt").Body.String(), `"Date","String"`)
	assert.Contains(t, get(t, h, "/api/changes_2016-11-19_2016-11-21.csvt").Body.String(), `"Date","String"`)

	for target, detail := range map[string]string{
		"/api/stats_2016-11-15_2016-11-21.json":       "use /api/stats_FROM_TO.csv",
		"/api/stats_2016-11-21_2016-11-15.csv":        `parameter \"from\" (2016-11-21) is after parameter \"to\" (2016-11-15)`,
		"/api/stats_2016-11-01_2016-11-15.csv":        "before the dataset begins",
		"/api/stats_2016-11-15.csv":                   "use /api/stats_FROM_TO.csv",
		"/api/stats_wide_2016-11-15_2016-11-21.csv":   "malformed date",
		"/api/stats.csv?shape=tall":                   `shape \"tall\"`,
		"/api/changes_2016-11-15_2016-13-01.csv":      "there is no month 13",
		"/api/changes_2016-11-15_2016-11-21.tsv":      "use /api/changes_FROM_TO.csv",
		"/api/changes_long_2016-11-15_2016-11-21.csv": "malformed date",
		"/api/stats_2016-11-15_2016-11-21.csv.json":   "use /api/stats_FROM_TO.csv",
	} {
		rec := get(t, h, target)
		assert.GreaterOrEqual(t, rec.Code, 400, target)
		assert.Contains(t, rec.Body.String(), detail, target)
	}
}

// Any query string gets an answer or a problem, never a crash or a 5xx.
func FuzzOGCItemsQuery(f *testing.F) {
	for _, q := range []string{"", "limit=2&offset=3", "datetime=2016-11-20", "datetime=../2016-12-01", "bbox=37,36,38,37",
		"offset=9223372036854775807", "limit=9223372036854775807&offset=9223372036854775807", "datetime=2016-11-20T10:00:00+05:00/..",
		"bbox=1,2,3,4,5,6", "f=html&datetime=2016-11-15/2016-11-16"} {
		f.Add("control", q)
	}
	h := newServer(f).Handler()
	f.Fuzz(func(t *testing.T, collection, query string) {
		target := "/ogc/collections/" + url.PathEscape(collection) + "/items?" + query
		if _, err := url.ParseRequestURI(target); err != nil || strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return // not a request line a client can send
		}
		rec := get(t, h, target)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
		}
	})
}

// A territory or frontline period's feature is the day's territory or
// front: on every day, the features whose period holds it have the same
// geometry as /api/territory and /api/frontlines of that day.
func TestOGCPeriodsAreTheDays(t *testing.T) {
	h := newServer(t).Handler()
	ds := testkit.Small(t)
	type fc struct {
		Features []struct {
			Geometry   json.RawMessage
			Properties map[string]any
		}
	}
	side := func(p map[string]any) string { return fmt.Sprint(p["side"]) }
	daySides := func(p map[string]any) string { s := p["sides"].([]any); return fmt.Sprint(s[0], "|", s[1]) }
	pair := func(p map[string]any) string { return fmt.Sprint(p["side_a"], "|", p["side_b"]) }
	r := ds.Range()
	for d := r.First; d <= r.Last; d++ {
		for _, c := range []struct {
			collection, api string
			dayKey, key     func(map[string]any) string
		}{
			{"territory", "/api/territory/", side, side},
			{"frontlines", "/api/frontlines/", daySides, pair},
		} {
			var day, page fc
			getJSON(t, h, c.api+d.String(), &day)
			getJSON(t, h, "/ogc/collections/"+c.collection+"/items?limit=1000&datetime="+d.String(), &page)
			want, got := map[string]string{}, map[string]string{}
			for _, f := range day.Features {
				want[c.dayKey(f.Properties)] = string(f.Geometry)
			}
			for _, f := range page.Features {
				got[c.key(f.Properties)] = string(f.Geometry)
			}
			require.Equal(t, len(want), len(got), "%s on %s", c.collection, d)
			for k, g := range want {
				require.Contains(t, got, k, "%s on %s", c.collection, d)
				assert.JSONEq(t, g, got[k], "%s %s on %s", c.collection, k, d)
			}
		}
	}
}
