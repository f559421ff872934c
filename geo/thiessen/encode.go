package thiessen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// propertyOrder returns the order of the district properties in the output;
// other properties follow sorted by name.
func propertyOrder() []string {
	return []string{"id", "name", "name_ar", "aliases", "kind", "coord_source", "geometry_source", "source_names"}
}

// Encode writes r.Collection with EncodeCollection.
func (r *Result) Encode(w io.Writer) error { return EncodeCollection(w, r.Collection) }

// EncodeCollection writes a district file as GeoJSON: one feature per line,
// the properties in the order id, name, name_ar, aliases, kind, coord_source,
// geometry_source, source_names (then any others by name), coordinates in the
// shortest decimal form, no HTML escaping. The same collection always gives
// the same bytes; both district builders write through it.
func EncodeCollection(w io.Writer, fc *geojson.FeatureCollection) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(collectionHead); err != nil {
		return err
	}
	for i, f := range fc.Features {
		sep := ",\n"
		if i == 0 {
			sep = "\n"
		}
		bw.WriteString(sep)
		if err := writeFeature(bw, f); err != nil {
			return fmt.Errorf("feature %d (id %v): %w", i, f.ID, err)
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// collectionHead is how EncodeCollection begins.
const collectionHead = `{"type":"FeatureCollection","features":[`

// Encoded reports whether head, the first bytes of a file (64 KiB are
// plenty), is how EncodeCollection begins a district file: a file that
// frontline's district builders wrote, which one may replace with a new
// build. A file made by hand or by another tool is laid out otherwise.
func Encoded(head []byte) bool {
	rest, ok := bytes.CutPrefix(head, []byte(collectionHead))
	return ok && (bytes.HasPrefix(rest, []byte("\n{\"type\":\"Feature\",")) || bytes.HasPrefix(rest, []byte("\n]}")))
}

// MarshalJSON returns the bytes that Encode writes.
func (r *Result) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := r.Encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeFeature(w *bufio.Writer, f *geojson.Feature) error {
	w.WriteString(`{"type":"Feature"`)
	if f.ID != nil {
		w.WriteString(`,"id":`)
		if err := writeValue(w, f.ID); err != nil {
			return err
		}
	}
	w.WriteString(`,"properties":`)
	if f.Properties == nil {
		w.WriteString("null")
	} else {
		order := propertyOrder()
		keys := make([]string, 0, len(f.Properties))
		for k := range f.Properties {
			if !slices.Contains(order, k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		w.WriteByte('{')
		first := true
		for _, k := range append(order, keys...) {
			v, ok := f.Properties[k]
			if !ok {
				continue
			}
			if !first {
				w.WriteByte(',')
			}
			first = false
			if err := writeValue(w, k); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := writeValue(w, v); err != nil {
				return fmt.Errorf("property %q: %w", k, err)
			}
		}
		w.WriteByte('}')
	}
	w.WriteString(`,"geometry":`)
	if err := writeGeometry(w, f.Geometry); err != nil {
		return err
	}
	w.WriteByte('}')
	return nil
}

// writeValue writes v as JSON without HTML escaping and without the newline
// json.Encoder appends.
func writeValue(w *bufio.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return nil
}

func writeGeometry(w *bufio.Writer, g orb.Geometry) error {
	switch g := g.(type) {
	case nil:
		w.WriteString("null")
	case orb.Polygon:
		w.WriteString(`{"type":"Polygon","coordinates":`)
		if err := writePolygon(w, g); err != nil {
			return err
		}
		w.WriteByte('}')
	case orb.MultiPolygon:
		w.WriteString(`{"type":"MultiPolygon","coordinates":[`)
		for i, p := range g {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writePolygon(w, p); err != nil {
				return err
			}
		}
		w.WriteString("]}")
	default:
		return writeValue(w, geojson.NewGeometry(g))
	}
	return nil
}

func writePolygon(w *bufio.Writer, p orb.Polygon) error {
	w.WriteByte('[')
	for i, ring := range p {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('[')
		for j, pt := range ring {
			if j > 0 {
				w.WriteByte(',')
			}
			if math.IsNaN(pt[0]) || math.IsInf(pt[0], 0) || math.IsNaN(pt[1]) || math.IsInf(pt[1], 0) {
				return fmt.Errorf("coordinate %v is not finite", pt)
			}
			w.WriteByte('[')
			w.WriteString(strconv.FormatFloat(pt[0], 'f', -1, 64))
			w.WriteByte(',')
			w.WriteString(strconv.FormatFloat(pt[1], 'f', -1, 64))
			w.WriteByte(']')
		}
		w.WriteByte(']')
	}
	w.WriteByte(']')
	return nil
}
