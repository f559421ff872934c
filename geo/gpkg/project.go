package gpkg

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// ProjectLayer is one layer of a QGIS project over a GeoPackage.
type ProjectLayer struct {
	Layer encode.Layer
	Style Style
	// Title is the name shown in QGIS's layer list.
	Title string
	// Hidden layers are in the project but not drawn until ticked.
	Hidden bool
}

// Project is a QGIS project over the layers of one GeoPackage. QGIS 3.22
// does not switch on the temporal settings of a GeoPackage's default
// style when a layer is opened from the file (the provider has no time of
// its own, and that wins); a project keeps them, and its time range and
// one-day step, so the Temporal Controller plays at once.
type Project struct {
	Title string
	// File is the GeoPackage's file name, which the layers' sources name
	// relative to the project (or, for a project stored in the
	// GeoPackage, to the GeoPackage itself).
	File string
	// Layers, top first.
	Layers []ProjectLayer
	// Range is the time the Temporal Controller plays, by days.
	Range geo.Range
	// Extent is where the map opens.
	Extent orb.Bound
}

// QGS writes the project as a QGIS project document (.qgs).
func (p Project) QGS() string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n")
	fmt.Fprintf(&b, `<qgis projectname="%s" version="3.22.0">`+"\n", xmlEscape(p.Title))
	b.WriteString("  <homePath path=\"\"/>\n")
	fmt.Fprintf(&b, "  <title>%s</title>\n", xmlEscape(p.Title))
	b.WriteString("  <projectCrs>\n" + wgs84SRS("    ") + "  </projectCrs>\n")
	b.WriteString("  <layer-tree-group>\n    <customproperties/>\n")
	for _, l := range p.Layers {
		checked := "Qt::Checked"
		if l.Hidden {
			checked = "Qt::Unchecked"
		}
		fmt.Fprintf(&b, `    <layer-tree-layer id="%s" name="%s" source="%s" providerKey="ogr" checked="%s" expanded="1"/>`+"\n",
			layerID(l), xmlEscape(l.Title), xmlEscape(p.source(l)), checked)
	}
	b.WriteString("  </layer-tree-group>\n")
	fmt.Fprintf(&b, "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>degrees</units>\n    <extent>\n%s    </extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n%s    </destinationsrs>\n  </mapcanvas>\n",
		extentXML("      ", p.Extent), wgs84SRS("      "))
	b.WriteString("  <projectlayers>\n")
	for _, l := range p.Layers {
		geometry, wkb := "Polygon", "MultiPolygon"
		if l.Layer.Geometry == "MULTILINESTRING" {
			geometry, wkb = "Line", "MultiLineString"
		}
		fmt.Fprintf(&b, `    <maplayer type="vector" geometry="%s" wkbType="%s" styleCategories="AllStyleCategories">`+"\n", geometry, wkb)
		fmt.Fprintf(&b, "      <id>%s</id>\n      <datasource>%s</datasource>\n      <layername>%s</layername>\n",
			layerID(l), xmlEscape(p.source(l)), xmlEscape(l.Title))
		b.WriteString("      <srs>\n" + wgs84SRS("        ") + "      </srs>\n")
		b.WriteString("      <provider encoding=\"UTF-8\">ogr</provider>\n")
		b.WriteString(styleBody(l.Layer, l.Style))
		b.WriteString("    </maplayer>\n")
	}
	b.WriteString("  </projectlayers>\n")
	if p.Range.First <= p.Range.Last {
		fmt.Fprintf(&b, "  <ProjectTimeSettings timeStepUnit=\"d\" timeStep=\"1\" frameRate=\"1\" cumulativeTemporalRange=\"0\">\n"+
			"    <TemporalRange>\n      <start>%sT00:00:00Z</start>\n      <end>%sT00:00:00Z</end>\n    </TemporalRange>\n  </ProjectTimeSettings>\n",
			p.Range.First, p.Range.Last+1)
	}
	b.WriteString("</qgis>\n")
	return b.String()
}

// layerID is the layer's id in the project: QGIS 3.22 keeps an id from
// the file only when it is longer than ten characters, and makes up one
// otherwise, which the layer tree would then not find.
func layerID(l ProjectLayer) string { return "frontline_" + xmlEscape(l.Layer.Name) + "_layer" }

func (p Project) source(l ProjectLayer) string { return "./" + p.File + "|layername=" + l.Layer.Name }

// QGZ packs the project as QGIS's zipped project (.qgz).
func (p Project) QGZ(name string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".qgs", Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
	if err != nil {
		return nil, err
	}
	if _, err := f.Write([]byte(p.QGS())); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Project stores p in the GeoPackage as QGIS does (table qgis_projects:
// the .qgz as hexadecimal text), so QGIS lists it under Project ▸ Open
// From ▸ GeoPackage.
func (w *Writer) Project(name string, p Project) error {
	qgz, err := p.QGZ(name)
	if err != nil {
		return err
	}
	if _, err := w.tx.Exec(`CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)`); err != nil {
		return err
	}
	meta := fmt.Sprintf(`{"last_modified_time": "%s", "last_modified_user": "frontline" }`, w.stamp.Format("2006-01-02T15:04:05"))
	_, err = w.tx.Exec(`INSERT INTO qgis_projects (name, metadata, content) VALUES (?, ?, ?)`, name, meta, hex.EncodeToString(qgz))
	return err
}

func wgs84SRS(indent string) string {
	lines := []string{
		"<spatialrefsys nativeFormat=\"Wkt\">",
		"  <srsid>3452</srsid>",
		"  <srid>4326</srid>",
		"  <authid>EPSG:4326</authid>",
		"  <description>WGS 84</description>",
		"  <projectionacronym>longlat</projectionacronym>",
		"  <ellipsoidacronym>EPSG:7030</ellipsoidacronym>",
		"  <geographicflag>true</geographicflag>",
		"</spatialrefsys>",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(indent + l + "\n")
	}
	return b.String()
}

func extentXML(indent string, e orb.Bound) string {
	return fmt.Sprintf("%s<xmin>%s</xmin>\n%s<ymin>%s</ymin>\n%s<xmax>%s</xmax>\n%s<ymax>%s</ymax>\n",
		indent, num(e.Min[0]), indent, num(e.Min[1]), indent, num(e.Max[0]), indent, num(e.Max[1]))
}
