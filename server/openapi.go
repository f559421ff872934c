package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiRoute documents one route of the whole HTTP API for /ogc/api.
type apiRoute struct {
	path, summary string
	params        []map[string]any
	types         []string // response media types
}

func pathParam(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
}

func queryParam(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema, "style": "form", "explode": false}
}

var (
	dateSchema = map[string]any{"type": "string", "format": "date"}
	strSchema  = map[string]any{"type": "string"}
	fParam     = queryParam("f", "the format of the answer; by default negotiated from Accept", map[string]any{"type": "string", "enum": []string{"json", "html"}})
)

// apiDocs says, for each route that routes registers (by its Echo path),
// what /ogc/api documents of it: one OpenAPI path, several (a route whose
// path holds a pattern, such as /api/stats_:file, serves several), or none
// for the routes outside the API (the map page and its files, the /ogc/
// alias of /ogc). The OpenAPI document is written from the registered
// routes through this table: TestOpenAPIIsTheRoutes checks that every
// route has its entry and every entry its route.
func (s *Server) apiDocs() map[string][]apiRoute {
	date := pathParam("date", "a day, YYYY-MM-DD; after the last date the last states hold", dateSchema)
	from := queryParam("from", "first day, YYYY-MM-DD (default: the dataset's first date)", dateSchema)
	to := queryParam("to", "last day, YYYY-MM-DD (default: the dataset's last date)", dateSchema)
	rangeParams := []map[string]any{pathParam("from", "first day, YYYY-MM-DD", dateSchema), pathParam("to", "last day, YYYY-MM-DD", dateSchema)}
	shape := queryParam("shape", "wide: a column per side; long: date,side,km2,share", map[string]any{"type": "string", "enum": []string{"wide", "long"}, "default": "wide"})
	byDesc := "a district property (the dataset's: see the error for an unknown one): km² and share per side for each of its values, districts without it in group \"\""
	by := queryParam("by", byDesc, strSchema)
	byPath := pathParam("by", byDesc, strSchema)
	everyDesc := "the periods: calendar months (YYYY-MM), ISO weeks (YYYY-Www, Monday to Sunday) or days"
	every := queryParam("every", everyDesc, map[string]any{"type": "string", "enum": []string{"month", "week", "day"}, "default": "month"})
	everyPath := pathParam("every", everyDesc, map[string]any{"type": "string", "enum": []string{"month", "week", "day"}})
	var ids []string
	for _, l := range s.ogc.layers() {
		ids = append(ids, l.Name)
	}
	collection := pathParam("collectionId", "the collection", map[string]any{"type": "string", "enum": ids})
	flat := queryParam("flat", "1: every property a number, a date or text (lists as text, objects left out), for FlatGeobuf, Shapefile and every OGR driver",
		map[string]any{"type": "string", "enum": []string{"0", "1"}, "default": "0"})
	zoom := queryParam("z", "the map's zoom (256 px tiles): borders simplified by 2^(16−z) m, under half a pixel, at least 1 m",
		map[string]any{"type": "integer", "minimum": 0, "maximum": maxZoomParam})
	json, geojson, csv, text, html := "application/json", "application/geo+json", "text/csv", "text/plain", "text/html"
	return map[string][]apiRoute{
		"/ogc":             {{"/ogc", "OGC API – Features landing page", []map[string]any{fParam}, []string{json, html}}},
		"/ogc/":            nil, // the landing page again
		"/ogc/conformance": {{"/ogc/conformance", "the conformance classes implemented", []map[string]any{fParam}, []string{json, html}}},
		"/ogc/api":         {{"/ogc/api", "this API definition", []map[string]any{fParam}, []string{ctypeOpenAPI, html}}},
		"/ogc/collections": {{"/ogc/collections", "the feature collections: districts, control, territory, frontlines", []map[string]any{fParam}, []string{json, html}}},
		"/ogc/collections/:collection": {{"/ogc/collections/{collectionId}", "one collection with its spatial and temporal extent",
			[]map[string]any{collection, fParam}, []string{json, html}}},
		"/ogc/collections/:collection/items": {{"/ogc/collections/{collectionId}/items", "the features of a collection, filtered and paged", []map[string]any{
			collection,
			queryParam("limit", "the largest number of features in the page", map[string]any{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}),
			queryParam("offset", "the number of matching features to skip", map[string]any{"type": "integer", "minimum": 0, "default": 0}),
			queryParam("bbox", "only features whose bounds intersect minLon,minLat,maxLon,maxLat (WGS84)", map[string]any{
				"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}),
			queryParam("datetime", "only features valid on a day (2016-12-06 or a date-time) or on any day of an interval (A/B, ../B, A/..); after the last date the last states hold", strSchema),
			fParam,
		}, []string{geojson, html}}},
		"/ogc/collections/:collection/items/*": {{"/ogc/collections/{collectionId}/items/{featureId}", "one feature", []map[string]any{
			collection, pathParam("featureId", "the feature id: DISTRICT/FROM, SIDE/FROM or A|B/FROM (slash escaped or not)", strSchema), fParam,
		}, []string{geojson, html}}},
		"/api/meta":               {{"/api/meta", "title, attribution, licence, first and last date, sides, change dates, total km², the most days one series may cover, the version of the dataset served and when it went live", nil, []string{json}}},
		"/api/districts":          {{"/api/districts", "the districts with their properties and area_km2", []map[string]any{flat}, []string{geojson}}},
		"/api/districts.topojson": {{"/api/districts.topojson", "the districts for drawing: TopoJSON, shared borders simplified by 1 m (or for a zoom), same properties", []map[string]any{zoom}, []string{json}}},
		"/api/districts/:id": {{"/api/districts/{id}", "one district with its whole history",
			[]map[string]any{pathParam("id", "district id", strSchema)}, []string{json}}},
		"/api/snapshot/:date": {{"/api/snapshot/{date}", "every district with its state on a day (district, controller, shares, share_<side>, since, sources, note)",
			[]map[string]any{date, flat}, []string{geojson}}},
		"/api/control/:date": {{"/api/control/{date}", "the states of a day without geometry", []map[string]any{date}, []string{json}}},
		"/api/stats/:date": {{"/api/stats/{date}", "km² and share per side and front lengths on a day; with by, {date, by, groups: [{group, total_km2, unassigned_km2, sides: {id: {km2, share}}}]}, share of the group's ground, groups sorted", []map[string]any{date,
			queryParam("baseline", "with of: who now holds the ground that side held on this day", dateSchema),
			queryParam("of", "side id for baseline", strSchema), by}, []string{json}}},
		"/api/stats": {{"/api/stats", "the daily series with front lengths", []map[string]any{from, to,
			queryParam("format", "json, or csv (also by Accept: text/csv)", map[string]any{"type": "string", "enum": []string{"json", "csv"}}), shape}, []string{json, csv}}},
		"/api/stats.csv":  {{"/api/stats.csv", "the daily series over the whole range as CSV (km², km); with by, date,group,side,km2,share", []map[string]any{from, to, shape, by}, []string{csv}}},
		"/api/stats.csvt": {{"/api/stats.csvt", "the column types of /api/stats.csv for GDAL", []map[string]any{shape, by}, []string{text}}},
		"/api/stats_:file": {
			{"/api/stats_{from}_{to}.csv", "the daily series from one day to another as CSV (GDAL's layer stats_FROM_TO)", append(rangeParams, shape), []string{csv}},
			{"/api/stats_{from}_{to}.csvt", "its column types for GDAL", append(rangeParams, shape), []string{text}},
			{"/api/stats_long.csv", "the daily series over the whole range as CSV in the long shape, date,side,km2,share", []map[string]any{from, to}, []string{csv}},
			{"/api/stats_long.csvt", "its column types for GDAL", nil, []string{text}},
			{"/api/stats_long_{from}_{to}.csv", "the daily series from one day to another in the long shape", rangeParams, []string{csv}},
			{"/api/stats_long_{from}_{to}.csvt", "its column types for GDAL", rangeParams, []string{text}},
			{"/api/stats_by_{by}.csv", "km² and share per side of each group of districts by a property, every day of the whole range: date,group,side,km2,share",
				[]map[string]any{byPath, from, to}, []string{csv}},
			{"/api/stats_by_{by}.csvt", "its column types for GDAL", []map[string]any{byPath}, []string{text}},
			{"/api/stats_by_{by}_{from}_{to}.csv", "the same from one day to another", append([]map[string]any{byPath}, rangeParams...), []string{csv}},
			{"/api/stats_by_{by}_{from}_{to}.csvt", "its column types for GDAL", append([]map[string]any{byPath}, rangeParams...), []string{text}},
		},
		"/api/gains": {{"/api/gains", "km² gained, lost and net per side in each month, week or day: the maps at the period's two ends compared district by district (ground taken and lost again within a period counts 0; sum every=day for the gross); partial periods flagged",
			[]map[string]any{every, from, to}, []string{json}}},
		"/api/gains.csv":  {{"/api/gains.csv", "the same as CSV: period,side,gained_km2,lost_km2,net_km2,partial,from,to", []map[string]any{every, from, to}, []string{csv}}},
		"/api/gains.csvt": {{"/api/gains.csvt", "the column types of /api/gains.csv for GDAL", []map[string]any{every, from, to}, []string{text}}},
		"/api/gains_:file": {
			{"/api/gains_{every}.csv", "the gains as CSV at a path GDAL opens (its CSV driver wants a path ending in .csv; the layer gains_EVERY)",
				[]map[string]any{everyPath, from, to}, []string{csv}},
			{"/api/gains_{every}.csvt", "its column types for GDAL", []map[string]any{everyPath}, []string{text}},
			{"/api/gains_{every}_{from}_{to}.csv", "the same from one day to another", append([]map[string]any{everyPath}, rangeParams...), []string{csv}},
			{"/api/gains_{every}_{from}_{to}.csvt", "its column types for GDAL", append([]map[string]any{everyPath}, rangeParams...), []string{text}},
		},
		"/api/territory/:date":  {{"/api/territory/{date}", "the dissolved ground of each side on a day", []map[string]any{date, flat}, []string{geojson}}},
		"/api/frontlines/:date": {{"/api/frontlines/{date}", "the lines where two sides meet on a day", []map[string]any{date, flat}, []string{geojson}}},
		"/api/changes":          {{"/api/changes", "the districts whose state differs between two days", []map[string]any{from, to, flat}, []string{geojson}}},
		"/api/changes/summary":  {{"/api/changes/summary", "km² gained, lost and net per side between two days, and the front length of each pair of sides on both", []map[string]any{from, to}, []string{json}}},
		"/api/changes.csv":      {{"/api/changes.csv", "every change from one day to the next over the whole range, as CSV", []map[string]any{from, to}, []string{csv}}},
		"/api/changes.csvt":     {{"/api/changes.csvt", "the column types of /api/changes.csv for GDAL", nil, []string{text}}},
		"/api/changes_:file": {
			{"/api/changes_{from}_{to}.csv", "every change from one day to the next within a range, as CSV (GDAL's layer changes_FROM_TO)", rangeParams, []string{csv}},
			{"/api/changes_{from}_{to}.csvt", "its column types for GDAL", rangeParams, []string{text}},
		},
		"/api/references": {{"/api/references", "what the citations [N] of the control table stand for: {references: [{number, text}]}", nil, []string{json}}},
		"/api/export.gpkg": {{"/api/export.gpkg", "the whole dataset as one GeoPackage (districts, control periods, territory, frontlines; temporal, styled for QGIS), as frontline export writes it",
			nil, []string{ctypeGeoPackage}}},
		"/healthz": {{"/healthz", "liveness: the version of the dataset served, since when, and the outcome of the last reload", nil, []string{json}}},
		"/*":       nil, // the map page and its files
	}
}

// apiRoutes lists what /ogc/api documents, from the registered routes in
// the order of their paths; a route missing from apiDocs is listed by its
// path alone rather than left out.
func (s *Server) apiRoutes() []apiRoute {
	docs := s.apiDocs()
	var out []apiRoute
	seen := map[string]bool{}
	routes := s.e.Routes() // in no set order
	slices.SortFunc(routes, func(a, b *echo.Route) int { return strings.Compare(a.Path, b.Path) })
	for _, r := range routes {
		if r.Method != http.MethodGet || seen[r.Path] {
			continue
		}
		seen[r.Path] = true
		d, ok := docs[r.Path]
		if !ok {
			d = []apiRoute{{path: openAPIPath(r.Path), types: []string{"application/json"}}}
		}
		out = append(out, d...)
	}
	return out
}

// openAPIPath writes an Echo path as an OpenAPI path template: :name as
// {name}, * as {path}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if k := strings.IndexByte(part, ':'); k >= 0 {
			parts[i] = part[:k] + "{" + part[k+1:] + "}"
		} else if part == "*" {
			parts[i] = "{path}"
		}
	}
	return strings.Join(parts, "/")
}

// openAPI builds the OpenAPI 3.0 document of the whole HTTP API.
func (s *Server) openAPI(b string) map[string]any {
	m := s.deps.Dataset.Meta
	info := map[string]any{"title": "frontline: " + m.Title, "version": s.cfg.Version,
		"description": "Who held what ground, day by day. " + m.Description}
	if m.License != "" {
		info["license"] = map[string]any{"name": m.License}
	}
	problem := map[string]any{"description": "an RFC 9457 problem", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/problem"}}}}
	paths := map[string]any{}
	for _, r := range s.apiRoutes() {
		content := map[string]any{}
		for _, t := range r.types {
			content[t] = map[string]any{"schema": map[string]any{}}
		}
		op := map[string]any{"summary": r.summary, "responses": map[string]any{
			"200": map[string]any{"description": r.summary, "content": content},
			"304": map[string]any{"description": "not modified (If-None-Match)"},
			"400": problem, "404": problem, "500": problem,
		}}
		if len(r.params) > 0 {
			op["parameters"] = r.params
		}
		paths[r.path] = map[string]any{"get": op}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    info,
		"servers": []map[string]any{{"url": b}},
		"paths":   paths,
		"components": map[string]any{"schemas": map[string]any{"problem": map[string]any{
			"type": "object", "required": []string{"type", "title", "status"},
			"properties": map[string]any{"type": strSchema, "title": strSchema, "status": map[string]any{"type": "integer"},
				"detail": strSchema, "instance": strSchema},
		}}},
	}
}

type apiView struct {
	Title string
	Paths []apiPathView
}

type apiPathView struct{ Path, Summary, Types string }

func (s *Server) getOpenAPI(c echo.Context) error {
	html, err := wantsHTML(c)
	if err != nil {
		return err
	}
	view := apiView{Title: s.deps.Dataset.Meta.Title}
	for _, r := range s.apiRoutes() {
		types := ""
		for i, t := range r.types {
			if i > 0 {
				types += ", "
			}
			types += t
		}
		view.Paths = append(view.Paths, apiPathView{r.path, r.summary, types})
	}
	return s.serveOGC(c, html, ctypeOpenAPI, s.openAPI(base(c)), "api", view)
}
