package site

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/frontline/frontline/geo"
)

// route is one kind of answer the site holds: an API path (with its query,
// as the page or a GIS user asks for it) whose {placeholders} are filled
// in by expanders, each value in turn. with names a file that goes beside
// each answer, under the same name with another extension, because a
// client looks for it there (GDAL reads the column types of NAME.csv from
// NAME.csvt).
type route struct {
	path string
	with string
	// whole marks an answer over the dataset's whole range, which the
	// server refuses (400) for a dataset whose range holds more values
	// than one request may ask for (geo.MaxSeriesCells): such a site has
	// no file for it, as the live server has no answer.
	whole bool
	// download marks a per-day download that is not drawn by the page (a
	// day's snapshot: every district's geometry again, 15 MB a day for a
	// country): Options.LastSnapshotOnly keeps it for the last day only.
	download bool
}

// routes are every answer of the site, in one list: the page's requests
// (meta, the drawing TopoJSON, the series, each day's control states,
// statistics and front lines, each district's history, the references)
// and its downloads and those of GIS users and analysts (districts, each
// day's snapshot and territory, the series and changes as CSV with their
// column types, the GeoPackage, each day's statistics per group of
// districts and their CSV, the gains of every month, week and day).
// Adding an endpoint to the site is one line here. What
// needs two dates of the reader's choosing (/api/changes, its summary) or
// arbitrary parameters (the OGC API's items) is not a file: the page
// computes the comparison from two days' control states, and the
// GeoPackage holds every layer and day.
var routes = []route{
	{path: "/api/meta"},
	{path: "/api/districts"},
	{path: "/api/districts.topojson"},
	{path: "/api/districts.topojson?z={band}"},
	{path: "/api/districts/{id}"},
	{path: "/api/references"},
	{path: "/api/control/{date}"},
	{path: "/api/snapshot/{date}", download: true},
	{path: "/api/territory/{date}"},
	{path: "/api/frontlines/{date}"},
	{path: "/api/stats/{date}"},
	{path: "/api/stats?from={seriesfirst}&to={last}"},
	{path: "/api/stats", whole: true},
	{path: "/api/stats.csv", with: ".csvt", whole: true},
	{path: "/api/stats_long.csv", with: ".csvt", whole: true},
	{path: "/api/stats_{first}_{last}.csv", with: ".csvt", whole: true},
	{path: "/api/changes.csv", with: ".csvt", whole: true},
	{path: "/api/export.gpkg"},
	{path: "/api/stats/{date}?by={group}"},
	{path: "/api/stats_by_{group}.csv", with: ".csvt", whole: true},
	{path: "/api/gains", whole: true},
	{path: "/api/gains?every={every}", whole: true},
	{path: "/api/gains_{every}.csv", with: ".csvt", whole: true},
}

// expanders give the values of each placeholder for a dataset: every day
// of its range, every district id (escaped as the page escapes it), the
// range's ends, the properties the districts group by (groupProperties)
// and the periods of the gains.
var expanders = map[string]func(ds *geo.Dataset) []string{
	"date": func(ds *geo.Dataset) []string {
		r := ds.Range()
		out := make([]string, 0, r.Days())
		for d := r.First; d <= r.Last; d++ {
			out = append(out, d.String())
		}
		return out
	},
	"id": func(ds *geo.Dataset) []string {
		out := make([]string, len(ds.Districts))
		for i, d := range ds.Districts {
			out[i] = escapeComponent(d.ID)
		}
		return out
	},
	"first": func(ds *geo.Dataset) []string { return []string{ds.Range().First.String()} },
	// The first day of the series the page asks for: the dataset's first,
	// or for a range longer than one series may be, the first of its last
	// MaxSeriesDays days (web/static/js/api.js, series).
	"seriesfirst": func(ds *geo.Dataset) []string {
		r := ds.Range()
		return []string{max(r.First, r.Last-geo.Date(ds.MaxSeriesDays()-1)).String()}
	},
	"last": func(ds *geo.Dataset) []string { return []string{ds.Range().Last.String()} },
	// The zoom bands of the drawing layer that the page asks a big dataset
	// for (web/static/js/main.js: BIG_DISTRICTS, MAX_BAND); a city's page
	// draws the 1 m layer at every zoom.
	"band": func(ds *geo.Dataset) []string {
		const bigDistricts, maxBand = 500, 16
		if len(ds.Districts) < bigDistricts {
			return nil
		}
		out := make([]string, 0, maxBand+1)
		for z := 0; z <= maxBand; z++ {
			out = append(out, strconv.Itoa(z))
		}
		return out
	},
	"group": groupProperties,
	"every": func(*geo.Dataset) []string {
		return []string{string(geo.EveryMonth), string(geo.EveryWeek), string(geo.EveryDay)}
	},
}

// groupName is a property name a path or a query carries as it is.
var groupName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// groupProperties are the district properties the site has statistics
// by (?by=PROP): those the server groups by (geo.Dataset.PropertyNames)
// whose values put at least two districts in a group on average, such as
// an oblast or a raion, not a name or an id of each district, and whose
// name needs no escaping.
func groupProperties(ds *geo.Dataset) []string {
	var out []string
	for _, name := range ds.PropertyNames() {
		if !groupName.MatchString(name) {
			continue
		}
		values := map[string]bool{}
		for _, d := range ds.Districts {
			b, _ := json.Marshal(d.Properties[name]) // text, a number, a boolean or null
			values[string(b)] = true
		}
		if 2*len(values) <= len(ds.Districts) {
			out = append(out, name)
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{([a-z]+)\}`)

// target is one answer to fetch: its request (the manifest's key), the
// request of the file beside it ("" for none), the day it is about, for
// the order of the work ("" for none), and whether it is over the whole
// range (route.whole).
type target struct {
	key, with, day string
	whole          bool
}

// targets expands rs over ds, the answers about one day together (they
// share the day's territories, which the server computes once), days in
// order, the rest first.
func targets(rs []route, ds *geo.Dataset, lastDownloadOnly bool) ([]target, error) {
	values := map[string][]string{}
	var out []target
	for _, r := range rs {
		keys := []string{r.path}
		days := []string{""}
		for _, m := range placeholder.FindAllStringSubmatch(r.path, -1) {
			name := m[1]
			expand, ok := expanders[name]
			if !ok {
				return nil, fmt.Errorf("site: route %s: no values for {%s}", r.path, name)
			}
			vals, ok := values[name]
			if !ok {
				vals = expand(ds)
				values[name] = vals
			}
			if name == "date" && r.download && lastDownloadOnly {
				vals = vals[len(vals)-1:]
			}
			var nextKeys, nextDays []string
			for k, key := range keys {
				for _, v := range vals {
					nextKeys = append(nextKeys, strings.Replace(key, m[0], v, 1))
					day := days[k]
					if name == "date" {
						day = v
					}
					nextDays = append(nextDays, day)
				}
			}
			keys, days = nextKeys, nextDays
		}
		for k, key := range keys {
			t := target{key: key, day: days[k], whole: r.whole}
			if r.with != "" {
				t.with = strings.TrimSuffix(key, extOf(key)) + r.with
			}
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].day < out[j].day })
	return out, nil
}

// extOf is the extension of a request's path ("" for none), its query
// left out.
func extOf(key string) string {
	p, _, _ := strings.Cut(key, "?")
	p = p[strings.LastIndex(p, "/")+1:]
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[i:]
	}
	return ""
}

// escapeComponent escapes s as JavaScript's encodeURIComponent does, which
// is how the page writes a district id into a path: the manifest's keys
// are what the page asks for, byte for byte.
func escapeComponent(s string) string {
	const keep = "-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
