package gpkg

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/frontline/frontline/geo/encode"
)

// Class is one category of a categorised style: the features whose
// attribute equals Value are drawn in Color (#rrggbb).
type Class struct {
	Value, Label, Color string
}

// TemporalStart and TemporalEnd are the expressions of the period layers'
// temporal settings (QGIS's "Start and End Date/Time from Expressions",
// end excluded): when a feature begins and ends, a state still in force
// (valid_to null) never ending. Not the fields themselves: QGIS 3.22 turns
// a filter on the fields into SQL for the GeoPackage, where the frame's
// bound becomes the text '2016-12-06T00:00:00.000' and compares as text
// with the stored '2016-12-06T00:00:00.000Z', so a state that ended at
// that instant still showed in the frame that begins then. QGIS cannot
// translate to_datetime into SQL and evaluates the whole filter itself,
// instant against instant.
const (
	TemporalStart = `to_datetime("valid_from")`
	TemporalEnd   = `coalesce(to_datetime("valid_to"), make_datetime(9999,12,31,0,0,0))`
)

// Style describes a default QGIS style: polygons filled by category, or
// lines of one colour; temporal layers also get QGIS's temporal settings
// (TemporalStart, TemporalEnd). QGIS 3.22 applies them switched off when
// it opens the layer from the file; a Project keeps them on.
type Style struct {
	// Attribute is the field the classes test; empty draws one symbol.
	Attribute string
	Classes   []Class
	// Color is the colour of the single symbol.
	Color string
	// Opacity of fills, 0 to 1.
	Opacity float64
	// Outline is the outline colour of fills; empty for none.
	Outline string
	// LineWidth in millimetres.
	LineWidth float64
}

// QML writes s for layer l as a QGIS style document.
func QML(l encode.Layer, s Style) string {
	return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" +
		`<qgis version="3.22.0" styleCategories="Symbology|Temporal">` + "\n" + styleBody(l, s) + "</qgis>\n"
}

// styleBody writes the elements of s for layer l that a style document
// and a project's map layer share.
func styleBody(l encode.Layer, s Style) string {
	var b strings.Builder
	line := l.Geometry == "MULTILINESTRING"
	if l.Temporal {
		fmt.Fprintf(&b, `  <temporal enabled="1" mode="4" startField="" endField="" startExpression="%s" endExpression="%s"`+
			` durationField="" durationUnit="d" fixedDuration="0" accumulate="0" limitMode="0">`+"\n", xmlEscape(TemporalStart), xmlEscape(TemporalEnd))
		b.WriteString("    <fixedRange>\n      <start></start>\n      <end></end>\n    </fixedRange>\n  </temporal>\n")
	}
	symbol := func(name, color string) {
		kind, class := "fill", "SimpleFill"
		if line {
			kind, class = "line", "SimpleLine"
		}
		fmt.Fprintf(&b, `      <symbol type="%s" name="%s" alpha="1" clip_to_extent="1" force_rhr="0">`+"\n", kind, xmlEscape(name))
		fmt.Fprintf(&b, `        <layer class="%s" enabled="1" locked="0" pass="0">`+"\n", class)
		var props [][2]string
		if line {
			props = [][2]string{
				{"line_color", rgba(color, 1)}, {"line_style", "solid"}, {"line_width", num(s.LineWidth)}, {"line_width_unit", "MM"},
				{"capstyle", "round"}, {"joinstyle", "round"},
			}
		} else {
			fill, style := rgba(color, s.Opacity), "solid"
			if color == "" {
				fill, style = "0,0,0,0", "no"
			}
			outline, ostyle := rgba(s.Outline, 1), "solid"
			if s.Outline == "" {
				outline, ostyle = "0,0,0,0", "no"
			}
			props = [][2]string{
				{"color", fill}, {"style", style}, {"outline_color", outline}, {"outline_style", ostyle},
				{"outline_width", num(s.LineWidth)}, {"outline_width_unit", "MM"}, {"joinstyle", "bevel"},
			}
		}
		// QGIS 3.22 writes both forms; older versions read only <prop>.
		b.WriteString("          <Option type=\"Map\">\n")
		for _, p := range props {
			fmt.Fprintf(&b, `            <Option type="QString" name="%s" value="%s"/>`+"\n", p[0], xmlEscape(p[1]))
		}
		b.WriteString("          </Option>\n")
		for _, p := range props {
			fmt.Fprintf(&b, `          <prop k="%s" v="%s"/>`+"\n", p[0], xmlEscape(p[1]))
		}
		b.WriteString("        </layer>\n      </symbol>\n")
	}
	if s.Attribute == "" {
		b.WriteString(`  <renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0">` + "\n    <symbols>\n")
		symbol("0", s.Color)
		b.WriteString("    </symbols>\n  </renderer-v2>\n")
	} else {
		fmt.Fprintf(&b, `  <renderer-v2 type="categorizedSymbol" attr="%s" forceraster="0" symbollevels="0" enableorderby="0">`+"\n", xmlEscape(s.Attribute))
		b.WriteString("    <categories>\n")
		for i, c := range s.Classes {
			fmt.Fprintf(&b, `      <category render="true" symbol="%d" value="%s" label="%s" type="string"/>`+"\n", i, xmlEscape(c.Value), xmlEscape(c.Label))
		}
		b.WriteString("    </categories>\n    <symbols>\n")
		for i, c := range s.Classes {
			symbol(strconv.Itoa(i), c.Color)
		}
		b.WriteString("    </symbols>\n  </renderer-v2>\n")
	}
	geomType := 2
	if line {
		geomType = 1
	}
	fmt.Fprintf(&b, "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n  <layerOpacity>1</layerOpacity>\n  <layerGeometryType>%d</layerGeometryType>\n", geomType)
	return b.String()
}

// rgba turns #rgb or #rrggbb into QGIS's "r,g,b,a".
func rgba(hex string, opacity float64) string {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		v = 0
	}
	return fmt.Sprintf("%d,%d,%d,%d", v>>16, v>>8&0xff, v&0xff, int(opacity*255+0.5))
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
