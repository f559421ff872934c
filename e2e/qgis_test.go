package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
	"github.com/frontline/frontline/geo/gpkg"
)

// qgisScript drives Debian's QGIS 3.22 without a display: the four OGC
// API collections as QGIS's "OAPIF" provider reads them (paged), the
// project stored in the served GeoPackage as QGIS opens it, and the
// Temporal Controller's frames over the project, the .qgs and the OGC API.
// It prints one JSON document.
const qgisScript = `
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer, QgsFeatureRequest, QgsInterval,
    QgsTemporalNavigationObject, QgsUnitTypes, QgsVectorLayerTemporalContext, QgsVectorLayerTemporalProperties)
app = QgsApplication([], False)
app.initQgis()
base, gpkg, project, qgs = sys.argv[1:5]
out = {"oapif": {}, "project": {}, "frames": {}}

# What the Temporal Controller draws, frame by frame: the frames of the
# project's range by days, each layer's features through the filter its
# renderer asks its provider for.
KEYS = {"control": "district", "territory": "side", "frontlines": "pair"}
def frames(p, layers):
    nav = QgsTemporalNavigationObject()
    nav.setTemporalExtents(p.timeSettings().temporalRange())
    nav.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalDays))
    res = []
    for i in range(nav.totalFrameCount()):
        r = nav.dateTimeRangeForFrameNumber(i)
        frame = {"begin": r.begin().toString("yyyy-MM-ddTHH:mm:ss"), "end": r.end().toString("yyyy-MM-ddTHH:mm:ss")}
        for name, l in layers.items():
            ctx = QgsVectorLayerTemporalContext()
            ctx.setLayer(l)
            flt = l.temporalProperties().createFilterString(ctx, r)
            frame[name] = sorted(f[KEYS[name]] for f in l.getFeatures(QgsFeatureRequest().setFilterExpression(flt)))
        res.append(frame)
    return res

def byTable(p):
    return {l.source().split("layername=")[-1]: l for l in p.mapLayers().values() if l.temporalProperties().isActive()}

oapif = {}
for name in ["districts", "control", "territory", "frontlines"]:
    l = QgsVectorLayer("url='%s/ogc' typename='%s' pageSize=50" % (base, name), name, "OAPIF")
    out["oapif"][name] = {"valid": l.isValid(), "count": len(list(l.getFeatures())),
                          "fields": {f.name(): f.typeName() for f in l.fields()}}
    if name != "districts":
        # As the README tells: start and end from the fields.
        tp = l.temporalProperties()
        tp.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
        tp.setStartField("valid_from")
        tp.setEndField("valid_to")
        tp.setIsActive(True)
        oapif[name] = l
p = QgsProject.instance()
out["project"]["read"] = p.read("geopackage:%s?projectName=%s" % (gpkg, project))
tr = p.timeSettings().temporalRange()
out["project"]["range"] = [tr.begin().toString("yyyy-MM-dd"), tr.end().toString("yyyy-MM-dd")]
out["project"]["tree"] = [node.layerId() for node in p.layerTreeRoot().children()]
out["project"]["layers"] = {}
for l in p.mapLayers().values():
    tp = l.temporalProperties()
    out["project"]["layers"][l.id()] = {"valid": l.isValid(), "count": l.featureCount(), "renderer": l.renderer().type(),
        "temporal": tp.isActive(), "source": l.source(),
        "visible": p.layerTreeRoot().findLayer(l.id()).isVisible()}
out["frames"]["geopackage"] = frames(p, byTable(p))
out["frames"]["oapif"] = frames(p, oapif)
p.clear()
p.read(qgs)
out["frames"]["qgs"] = frames(p, byTable(p))
print(json.dumps(out))
sys.stdout.flush()
# QGIS 3.22's own teardown may crash; the answer is out.
os._exit(0)
`

// TestQGIS opens the OGC API and the served GeoPackage's project in
// Debian's QGIS (python3-qgis): every collection with typed fields and all
// its features through paging, and a project whose period layers play in
// the Temporal Controller over the dataset's range. Frame by frame, the
// GeoPackage's project, the .qgs beside it and the OGC API layers set up
// as the README says draw exactly the states of that day: one control
// feature per district, the territories and fronts of that day only.
func TestQGIS(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import qgis.core").Run(); err != nil {
		t.Skipf("this test needs Debian's QGIS Python bindings (apt-get install python3-qgis qgis-providers, or scripts/deps.sh test): %v", err)
	}
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	base := serve(t, ds)

	// The GeoPackage as a browser saves it, under the name the server
	// gives, and the .qgs that frontline export writes beside it.
	dir := t.TempDir()
	gpkgPath := filepath.Join(dir, "aleppo-2016.gpkg")
	run(t, "curl", "-fsS", "-o", gpkgPath, base+"/api/export.gpkg")
	enc, err := encode.New(ds)
	require.NoError(t, err)
	qgs := filepath.Join(dir, "aleppo-2016.qgs")
	require.NoError(t, os.WriteFile(qgs, []byte(gpkg.DatasetProject(enc, "aleppo-2016.gpkg", ds.Range()).QGS()), 0o644))

	home := t.TempDir() // QGIS writes its settings under HOME
	cmd := exec.Command(python, "-c", qgisScript, base, gpkgPath, "aleppo-2016", qgs)
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
				Renderer, Source         string
			}
		}
		Frames map[string][]qgisFrame
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
		assert.Equal(t, "DateTime", out.OAPIF[name].Fields["valid_from"], name)
	}
	ctl := out.OAPIF["control"].Fields
	assert.Equal(t, "DateTime", ctl["valid_from"])
	assert.Equal(t, "DateTime", ctl["valid_to"])
	assert.Equal(t, "Real", ctl["share_opposition"])
	assert.Equal(t, "Real", ctl["area_km2"])

	p := out.Project
	require.True(t, p.Read, "QGIS opens the project stored in the GeoPackage")
	r := ds.Range()
	assert.Equal(t, []string{r.First.String(), (r.Last + 1).String()}, p.Range)
	assert.Equal(t, []string{"frontline_frontlines_layer", "frontline_districts_layer", "frontline_control_layer", "frontline_territory_layer"}, p.Tree)
	for id, l := range p.Layers {
		assert.True(t, l.Valid, "%s: its source is the GeoPackage the project is in", id)
		assert.Positive(t, l.Count, id)
		assert.Equal(t, id != "frontline_districts_layer", l.Temporal, "%s: temporal", id)
		assert.Equal(t, id != "frontline_territory_layer", l.Visible, "%s: visible", id)
	}
	assert.Equal(t, "categorizedSymbol", p.Layers["frontline_control_layer"].Renderer)
	assert.Equal(t, periods, p.Layers["frontline_control_layer"].Count)

	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	for _, source := range []string{"geopackage", "qgs", "oapif"} {
		frames := out.Frames[source]
		require.Len(t, frames, r.Days(), "%s: one frame a day", source)
		for k, f := range frames {
			d := r.First + geo.Date(k)
			assert.Equal(t, d.String()+"T00:00:00", f.Begin, source)
			assert.Equal(t, (d+1).String()+"T00:00:00", f.End, source)
			var districts []string
			for _, dist := range ds.Districts {
				districts = append(districts, dist.ID)
			}
			slices.Sort(districts)
			assert.Empty(t, sameItems(districts, f.Control), "%s, frame %s: exactly one control feature per district", source, d)
			day, err := shapes.On(d)
			require.NoError(t, err)
			var sides, pairs []string
			for _, tr := range day.Territories {
				sides = append(sides, tr.Label)
			}
			for _, fr := range day.Frontlines {
				pairs = append(pairs, geo.PairKey(fr.Sides[0], fr.Sides[1]))
			}
			slices.Sort(sides)
			slices.Sort(pairs)
			assert.Empty(t, sameItems(sides, f.Territory), "%s, frame %s: the territories of that day only", source, d)
			assert.Empty(t, sameItems(pairs, f.Frontlines), "%s, frame %s: the fronts of that day only", source, d)
		}
	}
}

// qgisFrame is what one frame of QGIS's Temporal Controller draws: the
// frame's bounds and the key of each feature of each period layer.
type qgisFrame struct {
	Begin, End                     string
	Control, Territory, Frontlines []string
}

// sameItems says how got differs from want, counting repeats: "" when
// they hold the same items as often.
func sameItems(want, got []string) string {
	n := map[string]int{}
	for _, w := range want {
		n[w]++
	}
	for _, g := range got {
		n[g]--
	}
	var diff []string
	for _, k := range slices.Sorted(maps.Keys(n)) {
		switch c := n[k]; {
		case c < 0:
			diff = append(diff, fmt.Sprintf("%s %d more times", k, -c))
		case c > 0:
			diff = append(diff, fmt.Sprintf("%s missing", k))
		}
	}
	return strings.Join(diff, ", ")
}
