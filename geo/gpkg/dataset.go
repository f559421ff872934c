package gpkg

import (
	"errors"
	"path/filepath"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// WriteDataset writes a new GeoPackage at path with the layers districts,
// control, territory and frontlines of enc's dataset and a default QGIS
// style for each (side colours from sides.csv; the three period layers
// temporal), and DatasetProject stored in it under the dataset's file
// label, whose Temporal Controller plays them. The periods are those
// overlapping r, clipped to it: valid_to is at most the day after r.Last.
// Each feature is written as it is produced.
func WriteDataset(path string, enc *encode.Encoder, shapes *geo.Shapes, r geo.Range) (err error) {
	w, err := Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	ds := enc.Dataset()
	clip := func(p geo.Period) (geo.Period, bool) {
		if !p.Overlaps(r.First, r.Last) {
			return p, false
		}
		return geo.Period{From: max(p.From, r.First), To: min(p.To, r.Last+1)}, true
	}

	dl := enc.DistrictsLayer()
	lw, err := w.Layer(dl)
	if err != nil {
		return err
	}
	for i, d := range ds.Districts {
		if err := lw.Add(d.ID, d.Geometry, enc.DistrictRecord(i)); err != nil {
			return err
		}
	}
	if err := lw.Close(); err != nil {
		return err
	}

	cl := enc.ControlLayer()
	if lw, err = w.Layer(cl); err != nil {
		return err
	}
	err = ds.ControlPeriods(func(p geo.ControlPeriod) error {
		var ok bool
		if p.Period, ok = clip(p.Period); !ok {
			return nil
		}
		id, vals := enc.ControlRecord(p)
		return lw.Add(id, ds.Districts[p.District].Geometry, vals)
	})
	if err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}

	tl, fl := enc.TerritoryLayer(), enc.FrontlinesLayer()
	tw, err := w.Layer(tl)
	if err != nil {
		return err
	}
	fw, err := w.Layer(fl)
	if err != nil {
		return err
	}
	// Both period layers come from one walk over the change dates.
	err = shapes.Periods(func(p geo.TerritoryPeriod) error {
		var ok bool
		if p.Period, ok = clip(p.Period); !ok {
			return nil
		}
		id, vals := enc.TerritoryRecord(p)
		return tw.Add(id, p.Geometry, vals)
	}, func(p geo.FrontlinePeriod) error {
		var ok bool
		if p.Period, ok = clip(p.Period); !ok {
			return nil
		}
		id, vals := enc.FrontlineRecord(p)
		return fw.Add(id, p.Geometry, vals)
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	errs := styles(w, enc)
	errs = append(errs, w.Project(enc.Meta().Name, DatasetProject(enc, filepath.Base(path), r)))
	return errors.Join(errs...)
}

// DatasetProject is the QGIS project over the GeoPackage that
// WriteDataset writes as file: front lines and district outlines over the
// control layer (territory hidden), each in its default style, the time
// range r by days, the map on the districts.
func DatasetProject(enc *encode.Encoder, file string, r geo.Range) Project {
	st := layerStyles(enc)
	ds := enc.Dataset()
	var extent orb.Bound
	for i, d := range ds.Districts {
		if i == 0 {
			extent = d.Geometry.Bound()
		} else {
			extent = extent.Union(d.Geometry.Bound())
		}
	}
	p := Project{Title: ds.Meta.Title, File: file, Range: r, Extent: extent}
	// Top first: fronts, outlines, control; territory below, off.
	for _, k := range []int{3, 0, 1, 2} {
		p.Layers = append(p.Layers, ProjectLayer{Layer: st[k].layer, Style: st[k].style, Title: st[k].layer.Title, Hidden: k == 2})
	}
	return p
}

type layerStyle struct {
	layer encode.Layer
	style Style
	desc  string
}

// layerStyles are the default styles of districts, control, territory and
// frontlines, in that order.
func layerStyles(enc *encode.Encoder) []layerStyle {
	var classes []Class
	for _, s := range enc.Dataset().Sides {
		classes = append(classes, Class{Value: s.ID, Label: s.Name, Color: s.Color})
	}
	for _, l := range []string{geo.Contested, geo.Unassigned} {
		name, color := enc.LabelStyle(l)
		classes = append(classes, Class{Value: l, Label: name, Color: color})
	}
	return []layerStyle{
		{enc.DistrictsLayer(), Style{Outline: "#404040", LineWidth: 0.3}, "district outlines"},
		{enc.ControlLayer(), Style{Attribute: "controller", Classes: classes, Opacity: 0.7, Outline: "#ffffff", LineWidth: 0.15}, "districts by controller, over time"},
		{enc.TerritoryLayer(), Style{Attribute: "side", Classes: classes, Opacity: 0.5, Outline: "#303030", LineWidth: 0.3}, "territory by side, over time"},
		{enc.FrontlinesLayer(), Style{Color: "#111111", LineWidth: 0.9}, "front lines, over time"},
	}
}

func styles(w *Writer, enc *encode.Encoder) []error {
	var errs []error
	for _, st := range layerStyles(enc) {
		errs = append(errs, w.Style(st.layer.Name, st.layer.Name, st.desc, QML(st.layer, st.style)))
	}
	return errs
}
