package encode

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/territory"
)

// Encoder writes the layers and documents of one dataset. It marshals each
// district's geometry once (on first use), so per-date layers only copy bytes. It is
// immutable after New and safe for concurrent use.
type Encoder struct {
	ds *geo.Dataset
	// geom holds each district's geometry as GeoJSON, made on first use:
	// a server's start does not wait for it (40 ms for 10,000 districts).
	geomOnce   sync.Once
	geom       [][]byte
	geomErr    error
	byID       []int // district indices in id order (JSON maps are sorted)
	sidesByID  []int // side indices in id order
	extraProps []string
}

// reserved are the district properties the encoder writes itself.
var reserved = map[string]bool{"id": true, "name": true, "area_km2": true}

// New prepares an encoder for ds.
func New(ds *geo.Dataset) (*Encoder, error) {
	e := &Encoder{ds: ds}
	extra := map[string]bool{}
	for _, d := range ds.Districts {
		for k := range d.Properties {
			if !reserved[k] {
				extra[k] = true
			}
		}
	}
	for k := range extra {
		e.extraProps = append(e.extraProps, k)
	}
	sort.Strings(e.extraProps)
	e.byID = make([]int, len(ds.Districts))
	for i := range e.byID {
		e.byID[i] = i
	}
	sort.Slice(e.byID, func(a, b int) bool { return ds.Districts[e.byID[a]].ID < ds.Districts[e.byID[b]].ID })
	e.sidesByID = make([]int, len(ds.Sides))
	for i := range e.sidesByID {
		e.sidesByID[i] = i
	}
	sort.Slice(e.sidesByID, func(a, b int) bool { return ds.Sides[e.sidesByID[a]].ID < ds.Sides[e.sidesByID[b]].ID })
	return e, nil
}

// Dataset returns the dataset the encoder writes.
func (e *Encoder) Dataset() *geo.Dataset { return e.ds }

// geometries returns every district's geometry as a GeoJSON
// MultiPolygon, marshalled once: a layer of Polygons and MultiPolygons is
// "Unknown (any)" to GDAL, and a generic geometry column once copied.
func (e *Encoder) geometries() ([][]byte, error) {
	e.geomOnce.Do(func() {
		geom := make([][]byte, len(e.ds.Districts))
		for i, d := range e.ds.Districts {
			b, err := json.Marshal(geojson.NewGeometry(multiPolygon(d.Geometry)))
			if err != nil {
				e.geomErr = fmt.Errorf("district %s: %w", d.ID, err)
				return
			}
			geom[i] = b
		}
		e.geom = geom
	})
	return e.geom, e.geomErr
}

// Layer names of the per-date GeoJSON answers (the FeatureCollection
// "name" member and the export's file names).

// SnapshotName is "snapshot_DATE".
func SnapshotName(d geo.Date) string { return "snapshot_" + d.String() }

// TerritoryName is "territory_DATE".
func TerritoryName(d geo.Date) string { return "territory_" + d.String() }

// FrontlinesName is "frontlines_DATE".
func FrontlinesName(d geo.Date) string { return "frontlines_" + d.String() }

// ChangesName is "changes_FROM_TO".
func ChangesName(from, to geo.Date) string { return "changes_" + from.String() + "_" + to.String() }

// Form is the shape of the properties of a GeoJSON layer.
type Form int

const (
	// Nested keeps lists and objects as JSON: aliases, sources, the
	// shares object, a change's from and to states, a front's sides.
	Nested Form = iota
	// Flat writes every property as a number, a date or text, as every OGR
	// driver takes them (FlatGeobuf refuses list fields, Shapefile drops
	// them): lists as text (aliases "a; b", sources "[1][2]"), objects left
	// out where flat members say the same (share_<side>, from_/to_),
	// a front's sides as pair, side_a and side_b.
	Flat
)

// Districts writes the districts as a FeatureCollection: each with its own
// properties plus id, name and area_km2. A property holding an empty array
// is left out: Debian 12's fiona crashes on one. Flat writes the
// dataset's own properties as text, as the districts layer does.
func (e *Encoder) Districts(w io.Writer, form Form) error {
	c := NewCollection(w, LayerDistricts)
	var buf []byte
	for i := range e.ds.Districts {
		var err error
		if buf, err = e.districtFeature(buf[:0], i, form); err != nil {
			return err
		}
		c.Raw(buf)
	}
	return c.Close(nil)
}

// districtFeature encodes district i as a Feature of Districts.
func (e *Encoder) districtFeature(buf []byte, i int, form Form) ([]byte, error) {
	var pb []byte
	if form == Flat {
		pb = Properties(nil, e.DistrictsLayer(), e.DistrictRecord(i))
	} else {
		var err error
		if pb, err = e.DistrictProperties(i); err != nil {
			return nil, err
		}
	}
	geom, err := e.geometries()
	if err != nil {
		return nil, err
	}
	return Feature(buf, e.ds.Districts[i].ID, geom[i], pb), nil
}

// DistrictProperties encodes the properties of district i as Districts
// writes them.
func (e *Encoder) DistrictProperties(i int) ([]byte, error) {
	d := e.ds.Districts[i]
	props := withoutEmptyArrays(d.Properties)
	props["id"] = d.ID
	props["name"] = d.Name
	props["area_km2"] = Real(d.AreaKm2)
	return json.Marshal(props)
}

// state writes a district's state on date d as the members of o:
// controller, shares (side → share, zeros left out), with flat the
// share_<side> of every side, since, sources (left out when none), note,
// changed. The Flat form leaves the shares object out and writes sources
// as text, sources and note null when there are none.
func (e *Encoder) state(o *object, i int, d geo.Date, flat bool, form Form) {
	st := e.ds.StateOn(i, d)
	o.str("controller", e.ds.Controller(st))
	e.shares(o, st.Shares(), flat, form)
	var sources []string
	var note string
	if st.Change == nil {
		o.null("since")
	} else {
		o.str("since", st.Change.Date.String())
		sources, note = st.Change.Sources, st.Change.Note
	}
	switch {
	case form == Flat:
		o.strOrNull("sources", strings.Join(sources, ""))
		o.strOrNull("note", note)
	default:
		if len(sources) > 0 {
			o.strings("sources", sources)
		}
		if note != "" {
			o.str("note", note)
		}
	}
	o.bool("changed", st.Change != nil && st.Change.Date == d)
}

func (e *Encoder) shares(o *object, shares []float64, flat bool, form Form) {
	if form == Nested {
		o.key("shares")
		m := newObject(o.b)
		for _, s := range e.sidesByID {
			if shares != nil && shares[s] > 0 {
				m.real(e.ds.Sides[s].ID, shares[s])
			}
		}
		o.b = m.close()
	}
	if !flat {
		return
	}
	for s, side := range e.ds.Sides {
		v := 0.0
		if shares != nil {
			v = shares[s]
		}
		o.real("share_"+side.ID, v)
	}
}

// Snapshot writes every district with its geometry and its state on d;
// its key is "district", as in the control layer.
func (e *Encoder) Snapshot(w io.Writer, d geo.Date, form Form) error {
	geom, err := e.geometries()
	if err != nil {
		return err
	}
	c := NewCollection(w, SnapshotName(d))
	var buf, props []byte
	for i, dist := range e.ds.Districts {
		o := newObject(props[:0])
		o.str("district", dist.ID)
		o.str("name", dist.Name)
		o.real("area_km2", dist.AreaKm2)
		e.state(o, i, d, true, form)
		props = o.close()
		buf = Feature(buf[:0], dist.ID, geom[i], props)
		c.Raw(buf)
	}
	return c.Close(nil)
}

// Changes writes the districts whose state differs between from and to,
// each with both states, flat from_/to_ controllers and shares, and the
// ground that changed hands. The Flat form leaves the two state objects
// out and writes the sources and note of the state on to.
func (e *Encoder) Changes(w io.Writer, from, to geo.Date, form Form) error {
	geom, err := e.geometries()
	if err != nil {
		return err
	}
	c := NewCollection(w, ChangesName(from, to))
	var buf, props []byte
	for _, ch := range e.ds.Changes(from, to) {
		i := ch.District
		dist := e.ds.Districts[i]
		o := newObject(props[:0])
		o.str("district", dist.ID)
		o.str("name", dist.Name)
		o.real("area_km2", dist.AreaKm2)
		a, b := e.ds.StateOn(i, from), e.ds.StateOn(i, to)
		if form == Nested {
			for _, side := range []struct {
				key string
				d   geo.Date
			}{{"from", from}, {"to", to}} {
				o.key(side.key)
				s := newObject(o.b)
				e.state(s, i, side.d, true, Nested)
				o.b = s.close()
			}
		} else {
			var sources, note string
			if b.Change != nil {
				sources, note = strings.Join(b.Change.Sources, ""), b.Change.Note
			}
			o.strOrNull("sources", sources)
			o.strOrNull("note", note)
		}
		o.real("moved_km2", ch.MovedKm2)
		o.str("from_controller", e.ds.Controller(a))
		o.str("to_controller", e.ds.Controller(b))
		for s, side := range e.ds.Sides {
			o.real("from_share_"+side.ID, shareAt(a.Shares(), s))
			o.real("to_share_"+side.ID, shareAt(b.Shares(), s))
		}
		props = o.close()
		buf = Feature(buf[:0], dist.ID, geom[i], props)
		c.Raw(buf)
	}
	return c.Close(nil)
}

func shareAt(shares []float64, s int) float64 {
	if shares == nil {
		return 0
	}
	return shares[s]
}

// Territory writes the dissolved ground of each label (side, name, color,
// area_km2, districts) as the layer name.
func (e *Encoder) Territory(w io.Writer, name string, ts []territory.Territory) error {
	c := NewCollection(w, name)
	var buf, props []byte
	for _, t := range ts {
		g, err := geometryJSON(t.Geometry)
		if err != nil {
			return err
		}
		label, color := e.LabelStyle(t.Label)
		o := newObject(props[:0])
		o.str("side", t.Label)
		o.str("name", label)
		o.str("color", color)
		o.real("area_km2", t.AreaM2/1e6)
		o.int("districts", t.Districts)
		props = o.close()
		buf = Feature(buf[:0], t.Label, g, props)
		c.Raw(buf)
	}
	return c.Close(nil)
}

// Frontlines writes the lines where two sides meet (sides, name,
// length_km) as the layer name; the Flat form writes the sides as pair
// "a|b", side_a and side_b, as the frontlines layer does.
func (e *Encoder) Frontlines(w io.Writer, name string, fs []territory.Frontline, form Form) error {
	c := NewCollection(w, name)
	var buf, props []byte
	for _, f := range fs {
		g, err := geometryJSON(f.Geometry)
		if err != nil {
			return err
		}
		o := newObject(props[:0])
		if form == Flat {
			o.str("pair", geo.PairKey(f.Sides[0], f.Sides[1]))
			o.str("side_a", f.Sides[0])
			o.str("side_b", f.Sides[1])
		} else {
			o.strings("sides", f.Sides[:])
		}
		o.str("name", e.frontName(f))
		o.real("length_km", f.LengthM/1000)
		props = o.close()
		buf = Feature(buf[:0], geo.PairKey(f.Sides[0], f.Sides[1]), g, props)
		c.Raw(buf)
	}
	return c.Close(nil)
}

func geometryJSON(g orb.Geometry) ([]byte, error) { return json.Marshal(geojson.NewGeometry(g)) }

// GeometryJSON marshals a geometry as GeoJSON.
func GeometryJSON(g orb.Geometry) ([]byte, error) { return geometryJSON(g) }

// Control writes the state of every district on d without geometry, as
// {"date": d, "districts": {id: state}}: what the map restyles per day.
func (e *Encoder) Control(d geo.Date) []byte {
	o := newObject(nil)
	o.str("date", d.String())
	o.key("districts")
	m := newObject(o.b)
	for _, i := range e.byID {
		m.key(e.ds.Districts[i].ID)
		s := newObject(m.b)
		e.state(s, i, d, false, Nested)
		m.b = s.close()
	}
	o.b = m.close()
	return o.close()
}

// District writes district i with its whole history: each change's date,
// controller, shares (and flat share_<side>), sources and note.
func (e *Encoder) District(i int) ([]byte, error) {
	d := e.ds.Districts[i]
	o := newObject(nil)
	o.str("id", d.ID)
	o.str("name", d.Name)
	if err := o.value("properties", withoutEmptyArrays(d.Properties)); err != nil {
		return nil, err
	}
	o.real("area_km2", d.AreaKm2)
	o.key("history")
	o.b = append(o.b, '[')
	for k, ch := range e.ds.History(i) {
		if k > 0 {
			o.b = append(o.b, ',')
		}
		h := newObject(o.b)
		h.str("date", ch.Date.String())
		h.str("controller", e.ds.Controller(geo.State{Change: &ch}))
		e.shares(h, ch.Shares, true, Nested)
		if len(ch.Sources) > 0 {
			h.strings("sources", ch.Sources)
		}
		if ch.Note != "" {
			h.str("note", ch.Note)
		}
		o.b = h.close()
	}
	o.b = append(o.b, ']')
	return o.close(), nil
}

// propText turns a dataset property into text for the districts layer:
// strings as they are, numbers and structures as JSON, nothing as "".
func propText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		if len(v) == 0 {
			return ""
		}
		if ss, ok := allStrings(v); ok {
			return strings.Join(ss, "; ")
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func allStrings(v []any) ([]string, bool) {
	out := make([]string, len(v))
	for i, x := range v {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// Meta is the dataset description answered by /api/meta.
type Meta struct {
	// Name is a file-name-safe label of the dataset, for downloads.
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Attribution string     `json:"attribution,omitempty"`
	License     string     `json:"license,omitempty"`
	FirstDate   geo.Date   `json:"first_date"`
	LastDate    geo.Date   `json:"last_date"`
	Sides       []geo.Side `json:"sides"`
	ChangeDates []geo.Date `json:"change_dates"`
	Districts   int        `json:"districts"`
	TotalKm2    float64    `json:"total_km2"`
	Version     string     `json:"version"`
	// ViewDate and ViewCompare are the first view the dataset names.
	ViewDate    *geo.Date `json:"view_date,omitempty"`
	ViewCompare *geo.Date `json:"view_compare,omitempty"`
	// References counts the entries of /api/references.
	References int `json:"references"`
	// MaxSeriesDays is the most days one series request may cover
	// (geo.Dataset.MaxSeriesDays): a page asks for at most that many.
	MaxSeriesDays int `json:"max_series_days"`
}

// Meta returns the dataset's description.
func (e *Encoder) Meta() Meta {
	ds := e.ds
	r := ds.Range()
	return Meta{
		Name: fileLabel(ds.Name), ViewDate: ds.Meta.ViewDate, ViewCompare: ds.Meta.ViewCompare, References: len(ds.References),
		Title: ds.Meta.Title, Description: ds.Meta.Description, Attribution: ds.Meta.Attribution, License: ds.Meta.License,
		FirstDate: r.First, LastDate: r.Last, Sides: ds.Sides, ChangeDates: slices.Clone(ds.ChangeDates()),
		Districts: len(ds.Districts), TotalKm2: ds.TotalKm2(), Version: ds.Version, MaxSeriesDays: ds.MaxSeriesDays(),
	}
}

// fileLabel turns a dataset's name ("embedded:aleppo-2016", "/data/my set")
// into a label for file names: lower-case letters, digits and '-'.
func fileLabel(name string) string {
	base := path.Base(strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "embedded:"))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "dataset"
	}
	return out
}

// withoutEmptyArrays copies props without the members holding an empty
// array: Debian 12's fiona 1.9.0 crashes reading one.
func withoutEmptyArrays(props map[string]any) map[string]any {
	out := make(map[string]any, len(props)+3)
	for k, v := range props {
		if a, ok := v.([]any); ok && len(a) == 0 {
			continue
		}
		out[k] = v
	}
	return out
}
