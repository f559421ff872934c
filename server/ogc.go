package server

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// OGC API – Features Part 1 (Core) at /ogc: the districts and the control,
// territory and frontlines periods as collections, in GeoJSON and HTML.
// Each collection is indexed once (on first use): ids, periods and bounds,
// a few dozen bytes a feature. A page is a filter over the index, and only
// the features it returns are encoded, from the encoder and the day shapes
// in the bounded cache: 150,000 control periods cost about 20 MB, not
// their GeoJSON.

const (
	ctypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	ctypeHTML    = "text/html; charset=utf-8"
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	// ogcDefaultLimit and ogcMaxLimit bound a page; clients read them
	// from the OpenAPI document (QGIS does). The default is also the
	// smallest page a JSON next link asks for: GDAL 3.6's OAPIF driver
	// reads no page size from the server, asks for 10 features a page
	// and follows the next links as they are.
	ogcDefaultLimit = 100
	ogcMaxLimit     = 10000
)

var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

// ogcData holds the collections' indexes, computed once each.
type ogcData struct {
	s       *Server
	started time.Time
	cols    *once[*ogcCollection]
}

// ogcCollection is one collection's index.
type ogcCollection struct {
	layer    encode.Layer
	features []ogcFeature
	byID     map[string]int
	bound    orb.Bound
}

// ogcFeature is what a page needs to choose a feature, and where the
// layers' source finds the rest.
type ogcFeature struct {
	id     string
	bound  orb.Bound
	period geo.Period // zero for the static districts
	ref    encode.Ref
}

func newOGCData(s *Server) *ogcData {
	return &ogcData{s: s, started: time.Now().UTC().Truncate(time.Second), cols: newOnce[*ogcCollection]()}
}

func (o *ogcData) layers() []encode.Layer { return o.s.enc.Layers() }

func (o *ogcData) layer(id string) (encode.Layer, error) {
	for _, l := range o.layers() {
		if l.Name == id {
			return l, nil
		}
	}
	ids := make([]string, 0, 4)
	for _, l := range o.layers() {
		ids = append(ids, l.Name)
	}
	return encode.Layer{}, geo.Errorf(geo.KindNotFound, "no collection %q: the collections are %s", id, strings.Join(ids, ", "))
}

// collection returns the index of collection id, made once from the
// layers' source: the features in the order they begin (then by id).
func (o *ogcData) collection(id string) (*ogcCollection, error) {
	l, err := o.layer(id)
	if err != nil {
		return nil, err
	}
	return o.cols.get(id, func() (*ogcCollection, error) {
		src, err := o.s.geometry.layers()
		if err != nil {
			return nil, err
		}
		var fs []ogcFeature
		err = src.Walk(o.s.deps.Dataset.Range(), []string{id}, func(_ string, f encode.Item) error {
			fs = append(fs, ogcFeature{id: f.ID, bound: f.Bound, period: f.Period, ref: f.Ref})
			return nil
		})
		if err != nil {
			return nil, err
		}
		if l.Temporal {
			// Periods come as they end; list them as they begin.
			sort.SliceStable(fs, func(i, j int) bool {
				if fs[i].period.From != fs[j].period.From {
					return fs[i].period.From < fs[j].period.From
				}
				return fs[i].id < fs[j].id
			})
		}
		col := newOGCCollection(l)
		for _, f := range fs {
			col.add(f)
		}
		return col, nil
	})
}

// record encodes feature f of col as GeoJSON and returns its record
// values.
func (o *ogcData) record(col *ogcCollection, f ogcFeature) ([]byte, []any, error) {
	src, err := o.s.geometry.layers()
	if err != nil {
		return nil, nil, err
	}
	it, err := src.Item(col.layer.Name, f.ref)
	if err != nil {
		return nil, nil, err
	}
	gj, err := encode.GeometryJSON(it.Geometry)
	if err != nil {
		return nil, nil, err
	}
	return encode.Feature(nil, it.ID, gj, encode.Properties(nil, col.layer, it.Values)), it.Values, nil
}

func newOGCCollection(l encode.Layer) *ogcCollection {
	return &ogcCollection{layer: l, byID: map[string]int{},
		bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
}

func (c *ogcCollection) add(f ogcFeature) {
	c.byID[f.id] = len(c.features)
	c.features = append(c.features, f)
	c.bound = c.bound.Union(f.bound)
}

// base returns what the OGC links start with (set by Server.linkBase):
// links are absolute, as GDAL and QGIS resolve them against the landing
// page.
func base(c echo.Context) string { b, _ := c.Get(baseKey).(string); return b }

// wantsHTML reads ?f=json|html, else the Accept header: HTML when the
// client ranks text/html above every JSON type (browsers do).
func wantsHTML(c echo.Context) (bool, error) {
	switch f := c.QueryParam("f"); f {
	case "json":
		return false, nil
	case "html":
		return true, nil
	case "":
	default:
		return false, geo.Errorf(geo.KindInvalid, "parameter \"f\" is %q: use json or html", f)
	}
	var html, jsonQ float64
	for _, a := range parseAccept(c.Request().Header.Get("Accept")) {
		switch mt := a.name; {
		case mt == "text/html":
			html = max(html, a.q)
		case strings.HasSuffix(mt, "json") || mt == "*/*" || mt == "application/*":
			jsonQ = max(jsonQ, a.q)
		}
	}
	return html > jsonQ, nil
}

// serveOGC negotiates JSON or HTML and serves the answer.
func (s *Server) serveOGC(c echo.Context, html bool, jsonType string, body any, page string, view any) error {
	c.Response().Header().Add("Vary", "Accept")
	if html {
		return s.serveOGCPage(c, page, view)
	}
	r, err := jsonResponse(jsonType, body)
	if err != nil {
		return err
	}
	return r.serve(c, s.cacheControlOf(c))
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func selfLinks(href, jsonType string, html bool) []link {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	self, alt := link{href + sep + "f=json", "self", jsonType, "this document as JSON"}, link{href + sep + "f=html", "alternate", "text/html", "this document as HTML"}
	if html {
		self.Rel, alt.Rel = "alternate", "self"
	}
	return []link{self, alt}
}

type landing struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	License     string `json:"license,omitempty"`
	Links       []link `json:"links"`
}

func (s *Server) getLanding(c echo.Context) error {
	html, err := wantsHTML(c)
	if err != nil {
		return err
	}
	b := base(c)
	m := s.deps.Dataset.Meta
	body := landing{Title: m.Title, Description: m.Description, Attribution: m.Attribution, License: m.License,
		Links: append(selfLinks(b+"/ogc", "application/json", html),
			link{b + "/ogc/api", "service-desc", ctypeOpenAPI, "the API definition (OpenAPI 3.0)"},
			link{b + "/ogc/api?f=html", "service-doc", "text/html", "the API documentation"},
			link{b + "/ogc/conformance", "conformance", "application/json", "conformance classes"},
			link{b + "/ogc/collections", "data", "application/json", "the collections"},
			link{b + "/", "related", "text/html", "the map"},
		)}
	return s.serveOGC(c, html, "application/json", body, "landing", body)
}

func (s *Server) getConformance(c echo.Context) error {
	html, err := wantsHTML(c)
	if err != nil {
		return err
	}
	body := struct {
		ConformsTo []string `json:"conformsTo"`
		Links      []link   `json:"links,omitempty"`
	}{conformance, selfLinks(base(c)+"/ogc/conformance", "application/json", html)}
	return s.serveOGC(c, html, "application/json", body, "conformance", body)
}

type extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

// temporalExtent is a collection's time: its interval's end is null (open)
// when states hold after the dataset's last date.
type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

type collectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ItemType    string   `json:"itemType"`
	Extent      extent   `json:"extent"`
	CRS         []string `json:"crs"`
	Links       []link   `json:"links"`
	// Fields list the properties and their types (HTML only).
	Fields []encode.Field `json:"-"`
}

// collectionDoc describes one collection with its spatial extent (the
// districts' bound) and, for the period layers, the temporal extent: from
// the dataset's first date on, open.
func (s *Server) collectionDoc(b string, l encode.Layer, html bool) collectionDoc {
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, d := range s.deps.Dataset.Districts {
		bound = bound.Union(d.Geometry.Bound())
	}
	doc := collectionDoc{ID: l.Name, Title: l.Title, Description: l.Description, ItemType: "feature", CRS: []string{crs84}, Fields: l.Fields}
	doc.Extent.Spatial.BBox = [][4]float64{{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}}
	doc.Extent.Spatial.CRS = crs84
	if l.Temporal {
		// From the first day's start, open at the end: the states of the
		// last date hold on every later day.
		first := encode.DateTimeText(s.deps.Dataset.Range().First)
		doc.Extent.Temporal = &temporalExtent{[][2]*string{{&first, nil}}, "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	href := b + "/ogc/collections/" + url.PathEscape(l.Name)
	doc.Links = append(selfLinks(href, "application/json", html),
		link{href + "/items?f=json", "items", "application/geo+json", "the features as GeoJSON"},
		link{href + "/items?f=html", "items", "text/html", "the features as HTML"},
	)
	if lic := s.deps.Dataset.Meta.License; lic != "" {
		doc.Links = append(doc.Links, link{b + "/api/meta", "license", "application/json", lic})
	}
	return doc
}

func (s *Server) getCollections(c echo.Context) error {
	html, err := wantsHTML(c)
	if err != nil {
		return err
	}
	b := base(c)
	body := struct {
		Links       []link          `json:"links"`
		Collections []collectionDoc `json:"collections"`
	}{Links: selfLinks(b+"/ogc/collections", "application/json", html)}
	for _, l := range s.ogc.layers() {
		body.Collections = append(body.Collections, s.collectionDoc(b, l, html))
	}
	return s.serveOGC(c, html, "application/json", body, "collections", body)
}

func (s *Server) getCollection(c echo.Context) error {
	html, err := wantsHTML(c)
	if err != nil {
		return err
	}
	l, err := s.ogc.layer(c.Param("collection"))
	if err != nil {
		return err
	}
	body := s.collectionDoc(base(c), l, html)
	return s.serveOGC(c, html, "application/json", body, "collection", body)
}

// itemsQuery is the validated query of an items request.
type itemsQuery struct {
	bbox          *[4]float64
	from, to      geo.Date // the days asked, both included
	instant, time bool
	limit, offset int
	raw           url.Values // the known parameters as given, for links
}

// itemsParams are the parameters of an items request besides f; the
// route table refuses any other, as OGC API – Features wants.
var itemsParams = []string{"bbox", "datetime", "limit", "offset"}

// parseItems reads and checks every parameter of an items request in one
// step.
func parseItems(c echo.Context) (itemsQuery, error) {
	q := itemsQuery{limit: ogcDefaultLimit, raw: url.Values{}}
	params := c.QueryParams()
	for _, k := range itemsParams {
		if v := params.Get(k); v != "" {
			q.raw.Set(k, v)
		}
	}
	if v := params.Get("bbox"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 4 && len(parts) != 6 {
			return q, geo.Errorf(geo.KindInvalid, "bbox %q: give minLon,minLat,maxLon,maxLat in WGS84 degrees", v)
		}
		var n []float64
		for _, p := range parts {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return q, geo.Errorf(geo.KindInvalid, "bbox %q: %q is not a number", v, p)
			}
			n = append(n, f)
		}
		if len(n) == 6 { // minLon,minLat,minZ,maxLon,maxLat,maxZ
			n = []float64{n[0], n[1], n[3], n[4]}
		}
		if n[1] > n[3] || n[1] < -90 || n[3] > 90 {
			return q, geo.Errorf(geo.KindInvalid, "bbox %q: latitudes must run from south to north within ±90", v)
		}
		q.bbox = &[4]float64{n[0], n[1], n[2], n[3]}
	}
	if v := params.Get("datetime"); v != "" {
		if err := q.parseDatetime(v); err != nil {
			return q, err
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
		min  int
	}{{"limit", &q.limit, 1}, {"offset", &q.offset, 0}} {
		v := params.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min {
			return q, geo.Errorf(geo.KindInvalid, "parameter %q is %q: give a whole number from %d", p.name, v, p.min)
		}
		*p.dst = n
	}
	q.limit = min(q.limit, ogcMaxLimit)
	return q, nil
}

// parseDatetime reads an instant or an interval (A/B, ../B, A/..), each a
// date or an RFC 3339 date-time; a time selects the day it falls on (UTC).
func (q *itemsQuery) parseDatetime(v string) error {
	day := func(s string, open geo.Date) (geo.Date, error) {
		if s == "" || s == ".." {
			return open, nil
		}
		if d, err := geo.ParseDate(s); err == nil {
			return d, nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, geo.Errorf(geo.KindInvalid, "datetime %q: give a date (2016-12-06), a date-time (2016-12-06T12:00:00Z) or an interval (2016-12-01/2016-12-06, ../2016-12-06, 2016-12-01/..)", v)
		}
		return geo.DateOf(t.UTC()), nil
	}
	q.time = true
	a, b, interval := strings.Cut(v, "/")
	var err error
	if !interval {
		if a == ".." {
			return geo.Errorf(geo.KindInvalid, "datetime %q: an instant cannot be open; use ../DATE or DATE/..", v)
		}
		q.instant = true
		q.from, err = day(a, 0)
		q.to = q.from
		return err
	}
	if (a == "" || a == "..") && (b == "" || b == "..") {
		return geo.Errorf(geo.KindInvalid, "datetime %q: at most one end of an interval may be open", v)
	}
	if q.from, err = day(a, math.MinInt32); err != nil {
		return err
	}
	if q.to, err = day(b, math.MaxInt32-1); err != nil {
		return err
	}
	if q.to < q.from {
		return geo.Errorf(geo.KindInvalid, "datetime %q: the interval ends before it begins", v)
	}
	return nil
}

// match reports whether feature f answers q. A period in force at the end
// of the dataset holds on every later day: datetime=D after the last date
// gives the last states, as /api/snapshot/D does.
func (q itemsQuery) match(ds *geo.Dataset, f ogcFeature, temporal bool) bool {
	if q.time && temporal && !ds.Holds(f.period, q.from, q.to) {
		return false
	}
	if q.bbox != nil {
		b := *q.bbox
		if f.bound.Max[1] < b[1] || f.bound.Min[1] > b[3] {
			return false
		}
		if b[0] <= b[2] {
			return f.bound.Max[0] >= b[0] && f.bound.Min[0] <= b[2]
		}
		// across the antimeridian
		return f.bound.Max[0] >= b[0] || f.bound.Min[0] <= b[2]
	}
	return true
}

type itemsView struct {
	Collection collectionDoc
	Matched    int
	Offset     int
	Fields     []encode.Field
	Rows       []itemRow
	Prev, Next string
	Query      string
}

type itemRow struct {
	ID, Href string
	Values   []string
}

// itemsRequest reads what getItems and getItem share: the representation
// asked for and the collection's features (computed once).
func (s *Server) itemsRequest(c echo.Context) (bool, *ogcCollection, error) {
	html, err := wantsHTML(c)
	if err != nil {
		return false, nil, err
	}
	col, err := s.ogc.collection(c.Param("collection"))
	return html, col, err
}

func (s *Server) getItems(c echo.Context) error {
	html, col, err := s.itemsRequest(c)
	if err != nil {
		return err
	}
	q, err := parseItems(c)
	if err != nil {
		return err
	}
	var matched []int
	for i, f := range col.features {
		if q.match(s.deps.Dataset, f, col.layer.Temporal) {
			matched = append(matched, i)
		}
	}
	start := min(q.offset, len(matched))
	page := matched[start : start+min(q.limit, len(matched)-start)]
	b := base(c)
	href := b + "/ogc/collections/" + url.PathEscape(col.layer.Name) + "/items"
	at := func(offset, limit int, f string) string {
		v := url.Values{}
		for k, vs := range q.raw {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(offset))
		v.Set("limit", strconv.Itoa(limit))
		v.Set("f", f)
		return href + "?" + v.Encode()
	}
	var prev, next string
	format, nextLimit := "json", max(q.limit, ogcDefaultLimit)
	if html {
		// People page through HTML at the size they chose.
		format, nextLimit = "html", q.limit
	}
	if q.offset > 0 {
		prev = at(max(0, q.offset-q.limit), q.limit, format)
	}
	if q.offset+len(page) < len(matched) {
		next = at(q.offset+len(page), nextLimit, format)
	}
	c.Response().Header().Add("Vary", "Accept")
	if html {
		view := itemsView{Collection: s.collectionDoc(b, col.layer, true), Matched: len(matched), Offset: q.offset, Fields: col.layer.Fields, Prev: prev, Next: next}
		for _, i := range page {
			f := col.features[i]
			_, vals, err := s.ogc.record(col, f)
			if err != nil {
				return err
			}
			view.Rows = append(view.Rows, itemRow{ID: f.id, Href: href + "/" + url.PathEscape(f.id) + "?f=html", Values: texts(vals)})
		}
		return s.serveOGCPage(c, "items", view)
	}
	links := []link{
		{at(q.offset, q.limit, "json"), "self", "application/geo+json", "this page"},
		{at(q.offset, q.limit, "html"), "alternate", "text/html", "this page as HTML"},
		{b + "/ogc/collections/" + url.PathEscape(col.layer.Name), "collection", "application/json", col.layer.Title},
	}
	if prev != "" {
		links = append(links, link{prev, "prev", "application/geo+json", "previous page"})
	}
	if next != "" {
		links = append(links, link{next, "next", "application/geo+json", "next page"})
	}
	var buf bytes.Buffer
	fc := encode.NewCollection(&buf, col.layer.Name)
	for _, i := range page {
		body, _, err := s.ogc.record(col, col.features[i])
		if err != nil {
			return err
		}
		fc.Raw(body)
	}
	err = fc.Close(func(m *encode.Members) {
		m.Int("numberMatched", len(matched))
		m.Int("numberReturned", len(page))
		// The answer is derived from the dataset as loaded at start.
		m.String("timeStamp", s.ogc.started.Format(time.RFC3339))
		_ = m.Value("links", links)
	})
	if err != nil {
		return err
	}
	return newResponse(ctypeGeoJSON, buf.Bytes()).serve(c, s.cacheControlOf(c))
}

type itemView struct {
	Collection collectionDoc
	ID         string
	Fields     []encode.Field
	Values     []string
}

// getItem answers one feature; its id may hold a slash (DISTRICT/FROM),
// escaped or not.
func (s *Server) getItem(c echo.Context) error {
	html, col, err := s.itemsRequest(c)
	if err != nil {
		return err
	}
	id, err := pathValue(c, "*")
	if err != nil {
		return err
	}
	i, ok := col.byID[id]
	if !ok {
		return geo.Errorf(geo.KindNotFound, "no feature %q in collection %s", id, col.layer.Name)
	}
	body, vals, err := s.ogc.record(col, col.features[i])
	if err != nil {
		return err
	}
	b := base(c)
	if html {
		view := itemView{Collection: s.collectionDoc(b, col.layer, true), ID: id, Fields: col.layer.Fields, Values: texts(vals)}
		return s.serveOGC(c, true, "", nil, "item", view)
	}
	href := b + "/ogc/collections/" + url.PathEscape(col.layer.Name)
	links := append(selfLinks(href+"/items/"+url.PathEscape(id), "application/geo+json", false),
		link{href, "collection", "application/json", col.layer.Title})
	body = bytes.TrimSuffix(body, []byte("}"))
	lb, err := jsonResponse(ctypeGeoJSON, links)
	if err != nil {
		return err
	}
	out := append(append(append(slices.Clip(body), `,"links":`...), lb.body...), '}')
	c.Response().Header().Add("Vary", "Accept")
	return newResponse(ctypeGeoJSON, out).serve(c, s.cacheControlOf(c))
}

// texts formats record values for HTML tables.
func texts(vals []any) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case float64:
			out[i] = strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}
