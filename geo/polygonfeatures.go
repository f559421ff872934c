package geo

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// PolygonFeature is one polygonal feature of a GeoJSON file: its
// properties and its geometry in WGS84 lon/lat, as written (not repaired).
type PolygonFeature struct {
	// Label locates the feature in its file: "#index".
	Label      string
	Properties map[string]any
	Geometry   orb.MultiPolygon
}

// ReadPolygonFeatures reads the polygons of a GeoJSON FeatureCollection, a
// Feature or a bare Polygon or MultiPolygon, as districts.geojson is read:
// every position checked as written, a legacy "crs" member reprojected to
// WGS84 (and checked against the CRS's area of use), lon/lat ranges
// checked. Features without geometry are skipped with a warning; other
// geometry types are errors naming the feature. It is the reader of
// dated territory polygons (frontline import-polygons).
func ReadPolygonFeatures(data []byte, file string) ([]PolygonFeature, []Problem) {
	var ps problems
	out := readPolygonFeatures(data, file, &ps)
	return out, ps.finish()
}

// onePass lets a collection be decoded in one pass (tests compare it with
// the feature-by-feature way).
var onePass = true

func readPolygonFeatures(data []byte, file string, ps *problems) (out []PolygonFeature) {
	defer func() {
		if r := recover(); r != nil {
			ps.errorf(file, 0, "failed on the geometry (%v): check the file in a GIS (e.g. QGIS's Check validity)", r)
		}
	}()
	data = bytes.TrimPrefix(data, utf8BOM)
	if at, b := invalidUTF8(data); at >= 0 {
		ps.errorf(file, bytes.Count(data[:at], []byte("\n"))+1, "the byte 0x%02x is not UTF-8: %s", b, utf8Hint)
		return nil
	}
	var head struct {
		Type     string            `json:"type"`
		CRS      json.RawMessage   `json:"crs"`
		Features []json.RawMessage `json:"features"`
	}
	// A collection is decoded in one pass when it can be (a day of a daily
	// map is tens of megabytes); else its features one by one, which says
	// which one is wrong.
	var decoded []rawFeature
	fast := struct {
		Type     string          `json:"type"`
		CRS      json.RawMessage `json:"crs"`
		Features []rawFeature    `json:"features"`
	}{}
	if err := json.Unmarshal(data, &fast); onePass && err == nil && fast.Type == "FeatureCollection" {
		head.Type, head.CRS, decoded = fast.Type, fast.CRS, fast.Features
		head.Features = make([]json.RawMessage, len(decoded))
	} else if err := json.Unmarshal(data, &head); err != nil {
		ps.errorf(file, jsonErrorLine(data, err), "not valid JSON: %v", err)
		return nil
	}
	var features []json.RawMessage
	switch head.Type {
	case "FeatureCollection":
		features = head.Features
	case "Feature":
		features = []json.RawMessage{data}
	case "Polygon", "MultiPolygon":
		features = []json.RawMessage{[]byte(`{"type":"Feature","properties":{},"geometry":` + string(data) + `}`)}
	default:
		ps.errorf(file, 0, "top-level type is %q: give a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon", head.Type)
		return nil
	}
	if len(features) == 0 {
		ps.errorf(file, 0, "the file has no features: a day's polygons must have at least one")
		return nil
	}
	crs, err := readCRS(head.CRS)
	if err != nil {
		ps.errorf(file, 0, "%v", err)
		return nil
	}
	if crs != nil {
		defer crs.close()
	}
	for i, fr := range features {
		label := fmt.Sprintf("#%d", i)
		var f rawFeature
		if decoded != nil {
			f = decoded[i]
		} else if err := json.Unmarshal(fr, &f); err != nil {
			ps.featureErrorf(file, label, "not a valid GeoJSON Feature: %v", err)
			continue
		}
		if f.Geometry == nil {
			ps.featureWarnf(file, label, "has no geometry: skipped")
			continue
		}
		g, ok := featureGeometry(f, label, file, crs, ps)
		if !ok {
			continue
		}
		var mp orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		props := map[string]any(f.Properties)
		if props == nil {
			props = map[string]any{}
		}
		out = append(out, PolygonFeature{Label: label, Properties: props, Geometry: mp})
	}
	return out
}
