package encode

import (
	"fmt"
	"strings"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/territory"
)

// Type is the type of a layer field.
type Type int

// Field types. Text fields may be null (written as JSON null, SQL NULL).
const (
	Text Type = iota
	Real64
	Integer
	// DateTime holds a geo.Date as the instant it begins, 00:00:00 UTC
	// (RFC 3339 in GeoJSON, a GeoPackage DATETIME). Not a date: QGIS 3.22
	// compares a Date field with its Temporal Controller's date-times as
	// text, so "2016-12-07" < "2016-12-07T00:00:00" and a state beginning
	// on 7 December showed in the frame of the 6th beside the one it
	// replaces; date-times compare as instants.
	DateTime
)

// Field is one attribute of a layer.
type Field struct {
	Name string
	Type Type
}

// Layer is the schema of one of the period layers (control, territory,
// frontlines) or of the districts layer: its fields in order and its
// geometry type. The GeoJSON items of the OGC API and the GeoPackage
// tables are written from the same schema and the same values.
type Layer struct {
	Name        string
	Title       string
	Description string
	// Geometry is the GeoPackage geometry type name: MULTIPOLYGON or
	// MULTILINESTRING.
	Geometry string
	Fields   []Field
	// Temporal says the layer has valid_from and valid_to.
	Temporal bool
}

// Layer names, as the OGC API collections and the GeoPackage tables.
const (
	LayerDistricts  = "districts"
	LayerControl    = "control"
	LayerTerritory  = "territory"
	LayerFrontlines = "frontlines"
)

// Layers returns the four layer schemas in order: districts, control,
// territory, frontlines.
func (e *Encoder) Layers() []Layer {
	return []Layer{e.DistrictsLayer(), e.ControlLayer(), e.TerritoryLayer(), e.FrontlinesLayer()}
}

// DistrictsLayer is the static districts: id, name, area_km2 and the
// dataset's own properties as text.
func (e *Encoder) DistrictsLayer() Layer {
	fields := []Field{{"id", Text}, {"name", Text}, {"area_km2", Real64}}
	for _, k := range e.extraProps {
		fields = append(fields, Field{k, Text})
	}
	return Layer{Name: LayerDistricts, Title: "Districts", Geometry: "MULTIPOLYGON", Fields: fields,
		Description: "The districts of " + e.ds.Meta.Title + " with their ellipsoidal area in km²."}
}

// ControlLayer has one feature per district per period of unchanged state.
func (e *Encoder) ControlLayer() Layer {
	fields := []Field{{"district", Text}, {"name", Text}, {"controller", Text}}
	for _, s := range e.ds.Sides {
		fields = append(fields, Field{"share_" + s.ID, Real64})
	}
	fields = append(fields, Field{"unassigned", Real64}, Field{"area_km2", Real64},
		Field{"valid_from", DateTime}, Field{"valid_to", DateTime}, Field{"sources", Text}, Field{"note", Text})
	return Layer{Name: LayerControl, Title: "Control of each district over time", Geometry: "MULTIPOLYGON", Fields: fields, Temporal: true,
		Description: "One feature per district per period of unchanged state: controller (largest share; contested on a tie; unassigned), " +
			"share of each side, unassigned share, valid from valid_from (included) to valid_to (excluded; null for a state still in force at the end of the data, which holds on every later day)."}
}

// TerritoryLayer has one feature per controller label per period in which
// its districts stay the same.
func (e *Encoder) TerritoryLayer() Layer {
	return Layer{Name: LayerTerritory, Title: "Territory of each side over time", Geometry: "MULTIPOLYGON", Temporal: true,
		Fields:      []Field{{"side", Text}, {"name", Text}, {"color", Text}, {"area_km2", Real64}, {"districts", Integer}, {"valid_from", DateTime}, {"valid_to", DateTime}},
		Description: "The dissolved ground of each controller (a district counts whole for its controller), one feature per period between the change dates that alter it."}
}

// FrontlinesLayer has one feature per side pair per period in which the
// districts of both sides stay the same.
func (e *Encoder) FrontlinesLayer() Layer {
	return Layer{Name: LayerFrontlines, Title: "Front lines over time", Geometry: "MULTILINESTRING", Temporal: true,
		Fields:      []Field{{"pair", Text}, {"side_a", Text}, {"side_b", Text}, {"name", Text}, {"length_km", Real64}, {"valid_from", DateTime}, {"valid_to", DateTime}},
		Description: "Where two sides meet (the city edge and point contacts are no front), one feature per period between the change dates that alter it."}
}

// DistrictRecord returns the values of district i in DistrictsLayer order.
func (e *Encoder) DistrictRecord(i int) []any {
	d := e.ds.Districts[i]
	vals := []any{d.ID, d.Name, d.AreaKm2}
	for _, k := range e.extraProps {
		vals = append(vals, propText(d.Properties[k]))
	}
	return vals
}

// ControlRecord returns the values of a control period in ControlLayer
// order, and its feature id DISTRICT/FROM.
func (e *Encoder) ControlRecord(p geo.ControlPeriod) (string, []any) {
	d := e.ds.Districts[p.District]
	shares := p.State.Shares()
	vals := make([]any, 0, len(e.ds.Sides)+10)
	vals = append(vals, d.ID, d.Name, e.ds.Controller(p.State))
	rest := 1.0
	for s := range e.ds.Sides {
		v := 0.0
		if shares != nil {
			v = shares[s]
		}
		rest -= v
		vals = append(vals, v)
	}
	if rest < 1e-12 {
		rest = 0
	}
	var sources, note string
	if c := p.State.Change; c != nil {
		sources, note = strings.Join(c.Sources, ""), c.Note
	}
	vals = append(vals, rest, d.AreaKm2, p.From, e.periodEnd(p.Period), sources, note)
	return e.ControlID(p), vals
}

// ControlID is the feature id of a control period: DISTRICT/FROM.
func (e *Encoder) ControlID(p geo.ControlPeriod) string {
	return e.ds.Districts[p.District].ID + "/" + p.From.String()
}

// TerritoryRecord returns the values of a territory period in
// TerritoryLayer order, and its feature id LABEL/FROM.
func (e *Encoder) TerritoryRecord(p geo.TerritoryPeriod) (string, []any) {
	name, color := e.LabelStyle(p.Label)
	return p.Label + "/" + p.From.String(), []any{p.Label, name, color, p.AreaM2 / 1e6, p.Districts, p.From, e.periodEnd(p.Period)}
}

// FrontlineRecord returns the values of a frontline period in
// FrontlinesLayer order, and its feature id A|B/FROM.
func (e *Encoder) FrontlineRecord(p geo.FrontlinePeriod) (string, []any) {
	pair := geo.PairKey(p.Sides[0], p.Sides[1])
	return pair + "/" + p.From.String(), []any{pair, p.Sides[0], p.Sides[1], e.frontName(p.Frontline), p.LengthM / 1000, p.From, e.periodEnd(p.Period)}
}

// periodEnd is the valid_to of a period: its end, or nil (null) for a
// period still in force at the end of the dataset, which holds on every
// later day as the API's answers for later days say.
func (e *Encoder) periodEnd(p geo.Period) any {
	if e.ds.InForce(p) {
		return nil
	}
	return p.To
}

func (e *Encoder) frontName(f territory.Frontline) string {
	a, _ := e.LabelStyle(f.Sides[0])
	b, _ := e.LabelStyle(f.Sides[1])
	return a + " – " + b
}

// Properties encodes record values as a GeoJSON properties object in the
// layer's field order: reals keep a decimal point, empty text is null.
func Properties(buf []byte, l Layer, vals []any) []byte {
	o := newObject(buf)
	for k, f := range l.Fields {
		switch v := vals[k].(type) {
		case string:
			o.strOrNull(f.Name, v)
		case float64:
			o.real(f.Name, v)
		case int:
			o.int(f.Name, v)
		case geo.Date:
			o.str(f.Name, DateTimeText(v))
		case nil:
			o.null(f.Name)
		default:
			panic(fmt.Sprintf("encode: field %s has a %T value", f.Name, v))
		}
	}
	return o.close()
}

// DateTimeText writes the instant day d begins as RFC 3339 in UTC:
// 2016-12-06T00:00:00Z, the form of DateTime fields.
func DateTimeText(d geo.Date) string { return d.String() + "T00:00:00Z" }

// LabelStyle gives the display name and colour of a side or of the
// contested and unassigned states.
func (e *Encoder) LabelStyle(label string) (name, color string) {
	switch label {
	case geo.Contested:
		return "Contested", "#7f7f7f"
	case geo.Unassigned:
		return "Unassigned", "#d9d9d9"
	}
	i, err := e.ds.SideIndex(label)
	if err != nil {
		return label, "#000000"
	}
	sd := e.ds.Sides[i]
	return sd.Name, sd.Color
}
