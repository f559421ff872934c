package encode

import (
	"bufio"
	"io"
)

// Collection streams a GeoJSON FeatureCollection to a writer: each feature
// is written as it comes and not kept, so a layer of any size costs the
// memory of one feature.
type Collection struct {
	w   *bufio.Writer
	n   int
	buf []byte
	err error
}

// NewCollection starts a FeatureCollection whose "name" member names the
// layer (GDAL and QGIS take it as the layer name): snapshot_2016-12-06.
func NewCollection(w io.Writer, name string) *Collection {
	c := &Collection{w: bufio.NewWriterSize(w, 64<<10)}
	c.buf = append(c.buf[:0], `{"type":"FeatureCollection","name":`...)
	c.buf = appendString(c.buf, name)
	c.buf = append(c.buf, `,"features":[`...)
	c.write(c.buf)
	return c
}

func (c *Collection) write(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

// Raw adds a feature that is already encoded (see Feature).
func (c *Collection) Raw(feature []byte) {
	if c.n > 0 {
		c.write([]byte{','})
	}
	c.n++
	c.write(feature)
}

// Close ends the features array, adds the members that extra writes (the
// paging members of OGC API answers; nil for none) and flushes.
func (c *Collection) Close(extra func(o *Members)) error {
	c.write([]byte{']'})
	if extra != nil {
		m := &Members{object: object{n: 1}}
		extra(m)
		c.write(m.b)
	}
	c.write([]byte{'}'})
	if c.err == nil {
		c.err = c.w.Flush()
	}
	return c.err
}

// Members writes extra members of a JSON object.
type Members struct{ object }

// Int adds an integer member.
func (m *Members) Int(k string, v int) { m.int(k, v) }

// String adds a string member.
func (m *Members) String(k, v string) { m.str(k, v) }

// Value adds a member marshalled by encoding/json.
func (m *Members) Value(k string, v any) error { return m.value(k, v) }

// Feature encodes one GeoJSON Feature: id, the geometry as JSON, and the
// properties object.
func Feature(buf []byte, id string, geometry, properties []byte) []byte {
	buf = append(buf, `{"type":"Feature","id":`...)
	buf = appendString(buf, id)
	buf = append(buf, `,"geometry":`...)
	buf = append(buf, geometry...)
	buf = append(buf, `,"properties":`...)
	buf = append(buf, properties...)
	return append(buf, '}')
}
