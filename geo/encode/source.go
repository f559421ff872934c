package encode

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/territory"
)

// Source is the one source of the features of the four layers (districts,
// control, territory, frontlines): their ids, periods, bounds, geometry
// and record values in the layers' field order. The OGC API collections
// and the GeoPackage only adapt it, so a new layer or a new field is a
// change here. It is safe for concurrent use.
type Source struct {
	enc    *Encoder
	shapes *geo.Shapes
	day    func(geo.Date) (*geo.DayShapes, error)
}

// NewSource returns the source of enc's dataset. day gives the
// territories and frontlines holding on a date (a cache in front of
// shapes.On, as the server keeps); nil uses shapes.On.
func NewSource(enc *Encoder, shapes *geo.Shapes, day func(geo.Date) (*geo.DayShapes, error)) *Source {
	if day == nil {
		day = shapes.On
	}
	return &Source{enc: enc, shapes: shapes, day: day}
}

// Encoder returns the encoder whose records the source gives.
func (s *Source) Encoder() *Encoder { return s.enc }

// Item is one feature of a layer.
type Item struct {
	ID string
	// Period is when the feature holds, valid_from included and valid_to
	// excluded (a period in force at the end, geo.Dataset.InForce, holds
	// on every later day); zero for the districts, which hold always.
	Period geo.Period
	Bound  orb.Bound
	// Geometry is a MultiPolygon (districts, control, territory) or a
	// MultiLineString (frontlines): one geometry type per layer.
	Geometry orb.Geometry
	// Values are the record's values in the layer's field order.
	Values []any
	// Ref finds the feature again (Source.Item) from an index that
	// keeps only ids, periods and bounds.
	Ref Ref
}

// Ref locates a feature within its layer: the district (districts and
// control) or the label (a territory's side, a front's pair "a|b") and the
// period.
type Ref struct {
	District int32
	Label    string
	Period   geo.Period
}

// Walk calls fn for every feature of the named layers (Layers' names) that
// holds on some day of r, with its period clipped to r (valid_to at most
// the day after r.Last; a period in force at the end of the dataset stays
// open when r reaches that end), layer by layer in the order given;
// territory and frontlines come from one walk over the change dates, each
// period as it ends, so nothing of the range is held but the periods
// still open.
func (s *Source) Walk(r geo.Range, layers []string, fn func(layer string, f Item) error) error {
	ds := s.enc.ds
	clip := func(p geo.Period) (geo.Period, bool) {
		if !ds.Holds(p, r.First, r.Last) {
			return p, false
		}
		c := geo.Period{From: max(p.From, r.First), To: min(p.To, r.Last+1)}
		if ds.InForce(p) && r.Last >= ds.Range().Last {
			c.To = max(ds.End(), c.From+1)
		}
		return c, true
	}
	periodsDone := false
	for _, layer := range layers {
		switch layer {
		case LayerDistricts:
			for i := range ds.Districts {
				if err := fn(layer, s.district(int32(i))); err != nil {
					return err
				}
			}
		case LayerControl:
			err := ds.ControlPeriods(func(p geo.ControlPeriod) error {
				var ok bool
				if p.Period, ok = clip(p.Period); !ok {
					return nil
				}
				return fn(layer, s.control(p))
			})
			if err != nil {
				return err
			}
		case LayerTerritory, LayerFrontlines:
			if periodsDone {
				continue
			}
			periodsDone = true
			want := func(l string) bool { return slices.Contains(layers, l) }
			err := s.shapes.Periods(func(p geo.TerritoryPeriod) error {
				var ok bool
				if !want(LayerTerritory) {
					return nil
				}
				if p.Period, ok = clip(p.Period); !ok {
					return nil
				}
				return fn(LayerTerritory, s.territory(p))
			}, func(p geo.FrontlinePeriod) error {
				var ok bool
				if !want(LayerFrontlines) {
					return nil
				}
				if p.Period, ok = clip(p.Period); !ok {
					return nil
				}
				return fn(LayerFrontlines, s.frontline(p))
			})
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("encode: no layer %q", layer)
		}
	}
	return nil
}

// Item returns the feature of layer that ref locates, with its geometry: a
// territory or a front of a period is the one of its first day.
func (s *Source) Item(layer string, ref Ref) (Item, error) {
	ds := s.enc.ds
	switch layer {
	case LayerDistricts:
		return s.district(ref.District), nil
	case LayerControl:
		return s.control(geo.ControlPeriod{Period: ref.Period, District: int(ref.District),
			State: ds.StateOn(int(ref.District), ref.Period.From)}), nil
	}
	day, err := s.day(ref.Period.From)
	if err != nil {
		return Item{}, err
	}
	switch layer {
	case LayerTerritory:
		k := slices.IndexFunc(day.Territories, func(t territory.Territory) bool { return t.Label == ref.Label })
		if k < 0 {
			return Item{}, fmt.Errorf("territory: no %q on %s", ref.Label, ref.Period.From)
		}
		return s.territory(geo.TerritoryPeriod{Period: ref.Period, Territory: day.Territories[k]}), nil
	case LayerFrontlines:
		k := slices.IndexFunc(day.Frontlines, func(f territory.Frontline) bool { return geo.PairKey(f.Sides[0], f.Sides[1]) == ref.Label })
		if k < 0 {
			return Item{}, fmt.Errorf("frontlines: no %q on %s", ref.Label, ref.Period.From)
		}
		return s.frontline(geo.FrontlinePeriod{Period: ref.Period, Frontline: day.Frontlines[k]}), nil
	}
	return Item{}, fmt.Errorf("encode: no layer %q", layer)
}

func (s *Source) district(i int32) Item {
	d := s.enc.ds.Districts[i]
	return Item{ID: d.ID, Bound: d.Geometry.Bound(), Geometry: multiPolygon(d.Geometry),
		Values: s.enc.DistrictRecord(int(i)), Ref: Ref{District: i}}
}

func (s *Source) control(p geo.ControlPeriod) Item {
	g := s.enc.ds.Districts[p.District].Geometry
	id, vals := s.enc.ControlRecord(p)
	return Item{ID: id, Period: p.Period, Bound: g.Bound(), Geometry: multiPolygon(g), Values: vals,
		Ref: Ref{District: int32(p.District), Period: p.Period}}
}

func (s *Source) territory(p geo.TerritoryPeriod) Item {
	id, vals := s.enc.TerritoryRecord(p)
	return Item{ID: id, Period: p.Period, Bound: p.Geometry.Bound(), Geometry: p.Geometry, Values: vals,
		Ref: Ref{Label: p.Label, Period: p.Period}}
}

func (s *Source) frontline(p geo.FrontlinePeriod) Item {
	id, vals := s.enc.FrontlineRecord(p)
	return Item{ID: id, Period: p.Period, Bound: p.Geometry.Bound(), Geometry: p.Geometry, Values: vals,
		Ref: Ref{Label: geo.PairKey(p.Sides[0], p.Sides[1]), Period: p.Period}}
}

// multiPolygon makes a district's Polygon a MultiPolygon: a layer has one
// geometry type.
func multiPolygon(g orb.Geometry) orb.Geometry {
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}
	}
	return g
}
