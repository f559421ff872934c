package gpkg

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// WriteDataset writes a new GeoPackage at path with the layers districts,
// control, territory and frontlines of src's dataset and a default QGIS
// style for each (side colours from sides.csv; the three period layers
// temporal), and DatasetProject stored in it under the dataset's file
// label, whose Temporal Controller plays them. The features are those of
// src.Walk over r, each written as it is produced.
func WriteDataset(path string, src *encode.Source, r geo.Range) error {
	return WriteDatasetAt(path, src, r, time.Now())
}

// WriteDatasetAt is WriteDataset stamped with a given time (CreateAt): the
// server stamps its file with when the dataset's version went live, so
// that the same version gives the same bytes.
func WriteDatasetAt(path string, src *encode.Source, r geo.Range, stamp time.Time) (err error) {
	w, err := CreateAt(path, stamp)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	enc := src.Encoder()
	layers := enc.Layers()
	writers := make(map[string]*LayerWriter, len(layers))
	names := make([]string, len(layers))
	for k, l := range layers {
		// Districts and control are written whole before the period
		// layers, which come together from one walk.
		if writers[l.Name], err = w.Layer(l); err != nil {
			return err
		}
		names[k] = l.Name
	}
	err = src.Walk(r, names, func(layer string, f encode.Item) error {
		return writers[layer].Add(f.ID, f.Geometry, f.Values)
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := writers[name].Close(); err != nil {
			return err
		}
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
