package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
)

// qgisScript drives Debian's QGIS 3.22 without a display: the four OGC
// API collections as QGIS's "OAPIF" provider reads them (paged), and the
// project stored in the served GeoPackage as QGIS opens it. It prints one
// JSON document.
const qgisScript = `
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
base, gpkg, project = sys.argv[1:4]
out = {"oapif": {}, "project": {}}
for name in ["districts", "control", "territory", "frontlines"]:
    l = QgsVectorLayer("url='%s/ogc' typename='%s' pageSize=50" % (base, name), name, "OAPIF")
    out["oapif"][name] = {"valid": l.isValid(), "count": len(list(l.getFeatures())),
                          "fields": {f.name(): f.typeName() for f in l.fields()}}
p = QgsProject.instance()
out["project"]["read"] = p.read("geopackage:%s?projectName=%s" % (gpkg, project))
tr = p.timeSettings().temporalRange()
out["project"]["range"] = [tr.begin().toString("yyyy-MM-dd"), tr.end().toString("yyyy-MM-dd")]
out["project"]["tree"] = [node.layerId() for node in p.layerTreeRoot().children()]
out["project"]["layers"] = {}
for l in p.mapLayers().values():
    tp = l.temporalProperties()
    out["project"]["layers"][l.id()] = {"valid": l.isValid(), "count": l.featureCount(), "renderer": l.renderer().type(),
        "temporal": tp.isActive(), "start": tp.startField(), "end": tp.endField(),
        "visible": p.layerTreeRoot().findLayer(l.id()).isVisible()}
print(json.dumps(out))
app.exitQgis()
`

// TestQGIS opens the OGC API and the served GeoPackage's project in
// Debian's QGIS (python3-qgis): every collection with typed fields and all
// its features through paging, and a project whose period layers play in
// the Temporal Controller over the dataset's range.
func TestQGIS(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import qgis.core").Run(); err != nil {
		t.Skipf("this test needs Debian's QGIS Python bindings (apt-get install python3-qgis qgis-providers, or scripts/deps.sh test): %v", err)
	}
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	base := serve(t, ds)

	// The GeoPackage as a browser saves it, under the name the server gives.
	gpkg := filepath.Join(t.TempDir(), "aleppo-2016.gpkg")
	run(t, "curl", "-fsS", "-o", gpkg, base+"/api/export.gpkg")
	home := t.TempDir() // QGIS writes its settings under HOME
	cmd := exec.Command(python, "-c", qgisScript, base, gpkg, "aleppo-2016")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home)
	outb, err := cmd.Output()
	require.NoError(t, err, "%s", outb)
	var out struct {
		OAPIF map[string]struct {
			Valid  bool
			Count  int
			Fields map[string]string
		}
		Project struct {
			Read   bool
			Range  []string
			Tree   []string
			Layers map[string]struct {
				Valid, Temporal, Visible bool
				Count                    int
				Renderer, Start, End     string
			}
		}
	}
	require.NoError(t, json.Unmarshal(outb, &out), "%s", outb)

	periods := 0
	require.NoError(t, ds.ControlPeriods(func(geo.ControlPeriod) error { periods++; return nil }))
	for name, want := range map[string]int{"districts": len(ds.Districts), "control": periods} {
		c := out.OAPIF[name]
		assert.True(t, c.Valid, name)
		assert.Equal(t, want, c.Count, "%s: every feature through pages of 50", name)
	}
	for _, name := range []string{"territory", "frontlines"} {
		assert.True(t, out.OAPIF[name].Valid, name)
		assert.Positive(t, out.OAPIF[name].Count, name)
		assert.Equal(t, "Date", out.OAPIF[name].Fields["valid_from"], name)
	}
	ctl := out.OAPIF["control"].Fields
	assert.Equal(t, "Date", ctl["valid_from"])
	assert.Equal(t, "Date", ctl["valid_to"])
	assert.Equal(t, "Real", ctl["share_opposition"])
	assert.Equal(t, "Real", ctl["area_km2"])

	p := out.Project
	require.True(t, p.Read, "QGIS opens the project stored in the GeoPackage")
	r := ds.Range()
	assert.Equal(t, []string{r.First.String(), (r.Last + 1).String()}, p.Range)
	assert.Equal(t, []string{"frontline_frontlines_layer", "frontline_districts_layer", "frontline_control_layer", "frontline_territory_layer"}, p.Tree)
	for id, l := range p.Layers {
		assert.True(t, l.Valid, "%s: its source is the GeoPackage beside the project", id)
		assert.Positive(t, l.Count, id)
		temporal := id != "frontline_districts_layer"
		assert.Equal(t, temporal, l.Temporal, "%s: temporal", id)
		if temporal {
			assert.Equal(t, "valid_from", l.Start, id)
			assert.Equal(t, "valid_to", l.End, id)
		}
		assert.Equal(t, id != "frontline_territory_layer", l.Visible, "%s: visible", id)
	}
	assert.Equal(t, "categorizedSymbol", p.Layers["frontline_control_layer"].Renderer)
	assert.Equal(t, periods, p.Layers["frontline_control_layer"].Count)
}
