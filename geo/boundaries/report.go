package boundaries

import (
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
)

// Report says what Build did to the layer, for the person who runs it.
type Report struct {
	// Features is the number of features in the layer, Units the number of
	// distinct names among them, Districts the number of output districts.
	Features, Units, Districts int
	// Repaired lists the features whose invalid geometry GEOS MakeValid
	// repaired, with GEOS's reason.
	Repaired []string
	// Merged lists the names borne by several features (one unit each).
	Merged []Merge
	// Joined lists the districts made of units with different names that
	// match one place.
	Joined []Join
	// Ambiguous lists unit names that several places bear, so that they
	// matched none.
	Ambiguous []Ambiguous
	// Unmatched lists the unit names that match no place (with places only);
	// they are districts with a slug of the name as id.
	Unmatched []string
	// Overlaps lists every overlap of 1 m² or more between two units.
	Overlaps []Overlap
	// Swallowed lists units wholly covered by smaller units: no district.
	Swallowed []string
	// GapFilledKm2 is the ground of the closed street gaps, shared out to
	// the units around them.
	GapFilledKm2 float64
	// Holes are the holes wider than the maximum gap left in the outline,
	// largest first.
	Holes []Hole
	// Parts is the number of separate polygons of the whole coverage.
	Parts int
	// Splits lists the units split among the places inside them.
	Splits []Split
	// GapCells lists the places outside every unit that got a gap cell.
	GapCells []GapCell
	// BeyondBays lists the gap cells of places outside the outline's bays,
	// which are their Thiessen cells less the units' ground.
	BeyondBays []string
	// NoGround lists places that got no ground: their gap cell lies wholly
	// on units.
	NoGround []string
	// Warnings are the district builder's own warnings for splits and gap
	// cells (cells split in parts, places outside their outline).
	Warnings []string
	// TotalKm2 is the ellipsoidal area of all districts.
	TotalKm2 float64
}

// Merge is a name borne by several features.
type Merge struct {
	Name  string
	Parts int
}

// Join is a district made of several units.
type Join struct {
	ID    string
	Names []string
}

// Ambiguous is a unit name that several places bear.
type Ambiguous struct {
	Name   string
	Places []string
}

// Overlap is the overlap of two districts A < B, kept by one of them.
type Overlap struct {
	A, B   string
	Km2    float64
	KeptBy string
}

// Hole is a hole left in the outline, with a point inside it.
type Hole struct {
	Km2 float64
	At  orb.Point
}

// Split is a unit split among places inside it.
type Split struct {
	Unit   string
	Places []string
}

// GapCell is the ground given to a place outside every unit.
type GapCell struct {
	ID  string
	Km2 float64
	// Island is true when the cell shares no border with any other district.
	Island bool
}

// maxListed caps the items of one kind written in full by WriteText.
const maxListed = 12

// WriteText writes the report for a terminal, one topic a line.
func (r *Report) WriteText(w io.Writer, file string, opt Options) error {
	opt, _ = opt.withDefaults()
	var b strings.Builder
	fmt.Fprintf(&b, "read %s: %d features, %d names", file, r.Features, r.Units)
	if len(r.Merged) > 0 {
		items := make([]string, len(r.Merged))
		for i, m := range r.Merged {
			items[i] = fmt.Sprintf("%s ×%d", m.Name, m.Parts)
		}
		fmt.Fprintf(&b, "; %d names over several features, each one unit: %s", len(r.Merged), list(items))
	}
	b.WriteString("\n")
	if len(r.Repaired) > 0 {
		fmt.Fprintf(&b, "repaired %d invalid features with GEOS MakeValid: %s\n", len(r.Repaired), list(r.Repaired))
	}
	if len(r.Joined) > 0 {
		items := make([]string, len(r.Joined))
		for i, j := range r.Joined {
			items[i] = fmt.Sprintf("%s ← %s", j.ID, strings.Join(j.Names, " + "))
		}
		fmt.Fprintf(&b, "joined into one district (names of one place): %s\n", list(items))
	}
	for _, a := range r.Ambiguous {
		fmt.Fprintf(&b, "warning: the name %q is borne by several places (%s), so it matches none: add the unit's own spelling to one place's aliases\n", a.Name, strings.Join(a.Places, ", "))
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(&b, "warning: %d names match no place and keep a slug of the name as id: %s; add them to the places file as rows or aliases\n", len(r.Unmatched), list(r.Unmatched))
	}
	if len(r.Overlaps) > 0 {
		var km2 float64
		items := make([]string, len(r.Overlaps))
		for i, o := range r.Overlaps {
			km2 += o.Km2
			items[i] = fmt.Sprintf("%s/%s %.6f km² to %s", o.A, o.B, o.Km2, o.KeptBy)
		}
		fmt.Fprintf(&b, "overlaps: %d pairs, %.6f km² in all, each given to the smaller unit: %s\n", len(r.Overlaps), km2, list(items))
	} else {
		b.WriteString("overlaps: none of 1 m² or more\n")
	}
	if len(r.Swallowed) > 0 {
		fmt.Fprintf(&b, "warning: wholly covered by smaller units, no district: %s\n", list(r.Swallowed))
	}
	fmt.Fprintf(&b, "street gaps up to %g m closed: %.3f km² shared out to the units around them\n", opt.MaxGapM, r.GapFilledKm2)
	if len(r.Holes) > 0 {
		var km2 float64
		items := make([]string, len(r.Holes))
		for i, h := range r.Holes {
			km2 += h.Km2
			items[i] = fmt.Sprintf("%.3f km² at %.5f,%.5f", h.Km2, h.At[0], h.At[1])
		}
		fmt.Fprintf(&b, "holes wider than %g m kept: %d, %.3f km² in all: %s\n", opt.MaxGapM, len(r.Holes), km2, list(items))
	}
	for _, s := range r.Splits {
		fmt.Fprintf(&b, "split %s into Thiessen cells with the places inside it: %s\n", s.Unit, strings.Join(s.Places, ", "))
	}
	for _, g := range r.GapCells {
		island := ""
		if g.Island {
			island = fmt.Sprintf(" (warning: it touches no other district; a larger reach than %g m would join it to the city)", opt.ReachM)
		}
		fmt.Fprintf(&b, "gap cell %s: %.3f km² of ground outside the units within %g m of its point%s\n", g.ID, g.Km2, opt.ReachM, island)
	}
	if len(r.BeyondBays) > 0 {
		fmt.Fprintf(&b, "warning: %s lie beyond the bays of the outline closed by %g m: their gap cells are discs of %g m less the units, not bounded by the city's shape\n", list(r.BeyondBays), 2*opt.ReachM, opt.ReachM)
	}
	if len(r.NoGround) > 0 {
		fmt.Fprintf(&b, "warning: no ground for %s: their cells lie wholly on units; make them aliases of the unit around them\n", list(r.NoGround))
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	parts := "in one piece"
	if r.Parts != 1 {
		parts = fmt.Sprintf("in %d separate parts", r.Parts)
	}
	fmt.Fprintf(&b, "%d districts, %.3f km² (WGS84 ellipsoid) %s\n", r.Districts, r.TotalKm2, parts)
	_, err := io.WriteString(w, b.String())
	return err
}

// list joins items, the first maxListed of them, saying how many are left out.
func list(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, "; ")
	}
	return fmt.Sprintf("%s; … and %d more", strings.Join(items[:maxListed], "; "), len(items)-maxListed)
}
