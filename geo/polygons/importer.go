package polygons

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo"
)

// DefaultEdgeM is the default width of the edge rule (Config.EdgeM): on
// DeepState's map of Ukraine and the OSM raions, the ground between the
// map's edge and the state border or coast that no side holds is 170–580 m
// wide where it is a sliver, and the ground Ukraine holds along the border
// is kilometres wide.
const DefaultEdgeM = 500

// Config fixes what an import makes of its inputs: a later run with another
// Config starts again from the first date.
type Config struct {
	// Sides are the ids of the sides whose polygons are read, in the order
	// that settles overlaps: ground two sides claim on a date goes to the
	// one listed first.
	Sides []string
	// Rest is the side that holds the ground of the regions no other side
	// holds; "" leaves it unassigned.
	Rest string
	// EdgeM is the edge rule's width in metres (see engine.edgeRule).
	EdgeM float64
	// Regions identifies the regions layer and how it was read: its
	// content hash and the properties of id, name and group.
	RegionsSHA256, RegionID, RegionName, Group string
}

// Same reports whether o would make the same import as c.
func (c Config) Same(o Config) bool {
	return slices.Equal(c.Sides, o.Sides) && c.Rest == o.Rest && c.EdgeM == o.EdgeM &&
		c.RegionsSHA256 == o.RegionsSHA256 && c.RegionID == o.RegionID && c.RegionName == o.RegionName && c.Group == o.Group
}

// Region is one region of the regions layer: it names and groups the
// faces inside it (a raion in its oblast).
type Region struct {
	ID, Name, Group string
	Geometry        orb.MultiPolygon `json:"-"`
}

// Input is one file an import read for a date and a side.
type Input struct {
	Side   string
	File   string
	SHA256 string
}

// Importer folds dated polygons into a dataset: its faces, their history,
// the inputs of every date and what each date did. It is not safe for
// concurrent use.
type Importer struct {
	cfg     Config
	regions []Region
	eng     *engine
	// inputs are the files of each processed date, by side (empty when a
	// side's last polygons were carried forward).
	inputs  [][]Input
	reports []DayReport
	// Overlap is the area in km² where regions overlapped (given to the
	// smaller).
	overlapKm2 float64
	// gapKm2 is the area of the gaps between regions that New closed.
	gapKm2 float64
	// joined keeps each district's joined geometry by the ids of its
	// faces: a day changes few districts, and joining thousands of faces
	// again each run would cost more than the day.
	joined map[string]orb.MultiPolygon
	// valid keeps the work on the last day's polygons for the next.
	valid validCache
}

// New starts an import: the regions (none is allowed: then the ground is
// only what the sides' polygons cover) are cut into the first faces.
func New(cfg Config, regions []Region) (*Importer, error) {
	if len(cfg.Sides) == 0 {
		return nil, errors.New("no sides: give at least one --side ID=PATTERN")
	}
	if cfg.EdgeM < 0 {
		return nil, fmt.Errorf("the edge width %v m is negative", cfg.EdgeM)
	}
	eng := &engine{arr: newArrangement(geos.NewContext()), nSides: len(cfg.Sides), rest: cfg.Rest != "",
		edgeM: cfg.EdgeM, inserted: map[segKey]bool{}}
	geoms := make([]orb.MultiPolygon, len(regions))
	for i, r := range regions {
		geoms[i] = r.Geometry
	}
	im := &Importer{cfg: cfg, regions: regions, eng: eng}
	var err error
	if im.overlapKm2, im.gapKm2, err = eng.seed(geoms); err != nil {
		return nil, err
	}
	return im, nil
}

// Config returns the import's settings.
func (im *Importer) Config() Config { return im.cfg }

// Dates returns the dates processed, in order.
func (im *Importer) Dates() []geo.Date { return im.eng.dates }

// Inputs returns the files read for the i-th date.
func (im *Importer) Inputs(i int) []Input { return im.inputs[i] }

// Reports returns what each date did.
func (im *Importer) Reports() []DayReport { return im.reports }

// RegionOverlapKm2 is the ground where regions overlapped, given to the
// smaller.
func (im *Importer) RegionOverlapKm2() float64 { return im.overlapKm2 }

// RegionGapKm2 is the area of the gaps between regions, narrower than
// 60 m, that were given to a region around them.
func (im *Importer) RegionGapKm2() float64 { return im.gapKm2 }

// Add processes the next date: days holds, per side in Config order, its
// polygons on the date, or a zero Day to carry its last polygons forward
// (a side without any yet holds nothing). It returns what the date did;
// on an error the importer is unusable (start again from the saved
// state).
func (im *Importer) Add(date geo.Date, days []Day) (DayReport, error) {
	if len(days) != len(im.cfg.Sides) {
		return DayReport{}, fmt.Errorf("%d sides' polygons for %d sides", len(days), len(im.cfg.Sides))
	}
	polys := make([]orb.MultiPolygon, len(days))
	areas := make([]float64, len(days))
	var inputs []Input
	var repairedKm2 float64
	for i, d := range days {
		if d.File == "" {
			if im.eng.prev != nil {
				polys[i] = im.eng.prev[i]
				areas[i] = im.eng.prevKm2[i]
			}
			continue
		}
		p, km2, moved, err := validOnGrid(im.eng.arr.ctx, &im.valid, d.Polygons)
		if err != nil {
			return DayReport{}, fmt.Errorf("%s: %w", d.File, err)
		}
		repairedKm2 += moved
		polys[i], areas[i] = p, km2
		inputs = append(inputs, Input{Side: im.cfg.Sides[i], File: d.File, SHA256: d.SHA256})
	}
	im.valid.nextDay()
	rep, err := im.eng.addDay(date, polys, areas)
	if err != nil {
		return rep, err
	}
	rep.RepairedKm2 = repairedKm2
	im.inputs = append(im.inputs, inputs)
	im.reports = append(im.reports, rep)
	return rep, nil
}

// state is what Save writes and Resume reads: everything the fold needs to
// go on exactly as if it had never stopped.
type state struct {
	Format     int
	Config     Config
	Regions    []Region
	NSides     int
	Rest       bool
	EdgeM      float64
	Faces      []savedFace
	Free       []int32
	NextID     int64
	Inserted   packed // the segments as pairs of points
	Prev       []packed
	PrevKm2    []float64
	Dates      []geo.Date
	Inputs     [][]Input
	Reports    []DayReport
	OverlapKm2 float64
	GapKm2     float64
	Joined     []savedJoin // sorted by key: the same state, the same bytes
}

type savedJoin struct {
	Key  string
	Geom packed
}

type savedFace struct {
	Slot   int32
	ID     int64
	Poly   packed
	Region int32
	Hist   []mark
	Base   int16
	// What measuring the face again would give, kept so that a run that
	// adds one day does not measure every face.
	Inner  orb.Point
	AreaM2 float64
	Nbrs   []nbr
}

// stateFormat changes when the state's meaning does.
const stateFormat = 2

// Save writes the import's state (gob), for Resume.
func (im *Importer) Save(w io.Writer) error {
	e := im.eng
	regions := make([]Region, len(im.regions)) // names only: the faces hold the ground
	for i, r := range im.regions {
		regions[i] = Region{ID: r.ID, Name: r.Name, Group: r.Group}
	}
	st := state{Format: stateFormat, Config: im.cfg, Regions: regions, NSides: e.nSides, Rest: e.rest, EdgeM: e.edgeM,
		Free: slices.Clone(e.arr.free), NextID: e.arr.nextID, PrevKm2: e.prevKm2, Dates: e.dates, Inputs: im.inputs,
		Reports: im.reports, OverlapKm2: im.overlapKm2, GapKm2: im.gapKm2}
	for k, g := range im.joined {
		st.Joined = append(st.Joined, savedJoin{k, pack(g)})
	}
	slices.SortFunc(st.Joined, func(a, b savedJoin) int { return strings.Compare(a.Key, b.Key) })
	for slot, f := range e.arr.faces {
		if f != nil {
			st.Faces = append(st.Faces, savedFace{Slot: int32(slot), ID: f.id, Poly: pack(orb.MultiPolygon{f.poly}), Region: f.region, Hist: f.hist, Base: f.base,
				Inner: f.inner, AreaM2: f.areaM2, Nbrs: e.arr.nbrsOf(int32(slot))})
		}
	}
	segs := make([]segKey, 0, len(e.inserted))
	for k := range e.inserted {
		segs = append(segs, k)
	}
	slices.SortFunc(segs, compareSegs)
	st.Inserted = packSegs(segs)
	for _, p := range e.prev {
		st.Prev = append(st.Prev, pack(p))
	}
	return gob.NewEncoder(w).Encode(&st)
}

// Resume reads a state Save wrote and rebuilds the importer as it was.
func Resume(r io.Reader) (*Importer, error) {
	var st state
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return nil, fmt.Errorf("reading the import's state: %w", err)
	}
	if st.Format != stateFormat {
		return nil, fmt.Errorf("the import's state is of format %d, this frontline reads %d", st.Format, stateFormat)
	}
	arr := newArrangement(geos.NewContext())
	arr.nextID = st.NextID
	size := len(st.Faces) + len(st.Free)
	arr.faces = make([]*face, size)
	for _, sf := range st.Faces {
		if sf.Slot < 0 || int(sf.Slot) >= size || arr.faces[sf.Slot] != nil {
			return nil, fmt.Errorf("the import's state is damaged: face %d in slot %d", sf.ID, sf.Slot)
		}
		mp, err := sf.Poly.unpack()
		if err != nil || len(mp) != 1 {
			return nil, fmt.Errorf("the import's state is damaged: face %d", sf.ID)
		}
		poly := mp[0]
		f := &face{id: sf.ID, poly: poly, bound: poly.Bound(), region: sf.Region, areaM2: sf.AreaM2, inner: sf.Inner,
			hist: sf.Hist, base: sf.Base, nbrs: sf.Nbrs}
		arr.faces[sf.Slot] = f
		arr.index.insert(sf.Slot, f.bound)
		arr.addSegs(sf.Slot, f.poly)
	}
	for _, s := range st.Free {
		if s < 0 || int(s) >= size || arr.faces[s] != nil {
			return nil, fmt.Errorf("the import's state is damaged: free slot %d", s)
		}
	}
	arr.free = st.Free
	eng := &engine{arr: arr, nSides: st.NSides, rest: st.Rest, edgeM: st.EdgeM, inserted: make(map[segKey]bool, len(st.Inserted)),
		prevKm2: st.PrevKm2, dates: st.Dates}
	segs, err := st.Inserted.unpackSegs()
	if err != nil {
		return nil, err
	}
	for _, k := range segs {
		eng.inserted[k] = true
	}
	for _, p := range st.Prev {
		mp, err := p.unpack()
		if err != nil {
			return nil, err
		}
		eng.prev = append(eng.prev, mp)
	}
	im := &Importer{cfg: st.Config, regions: st.Regions, eng: eng, inputs: st.Inputs, reports: st.Reports, overlapKm2: st.OverlapKm2, gapKm2: st.GapKm2,
		joined: make(map[string]orb.MultiPolygon, len(st.Joined))}
	for _, j := range st.Joined {
		mp, err := j.Geom.unpack()
		if err != nil {
			return nil, err
		}
		im.joined[j.Key] = mp
	}
	return im, nil
}

// labelID names a label: a side id, "unassigned".
func (im *Importer) labelID(l int16) string {
	switch {
	case int(l) < len(im.cfg.Sides):
		return im.cfg.Sides[l]
	case int(l) == len(im.cfg.Sides) && im.cfg.Rest != "":
		return im.cfg.Rest
	}
	return geo.Unassigned
}

// district is one district of the dataset written: the faces of one region
// with one history that share borders, joined.
type district struct {
	id     string
	faces  []int32
	region int32
	hist   []mark
	geom   orb.Geometry
}

// districts joins the faces into the dataset's districts (see dissolve)
// and orders them by id.
func (im *Importer) districts() ([]district, error) {
	arr := im.eng.arr
	same := func(a, b *face) bool { return a.region == b.region && slices.Equal(a.hist, b.hist) }
	seen := map[int32]bool{}
	var out []district
	joined := map[string]orb.MultiPolygon{}
	for slot, f := range arr.faces {
		s := int32(slot)
		if f == nil || seen[s] || !im.ground(f) {
			continue
		}
		group := []int32{s}
		seen[s] = true
		for i := 0; i < len(group); i++ {
			for _, n := range arr.nbrsOf(group[i]) {
				if n.Slot >= 0 && !seen[n.Slot] && same(f, arr.faces[n.Slot]) {
					seen[n.Slot] = true
					group = append(group, n.Slot)
				}
			}
		}
		ids := make([]int64, len(group))
		for i, g := range group {
			ids[i] = arr.faces[g].id
		}
		slices.Sort(ids)
		key := fmt.Sprint(ids)
		d := district{id: fmt.Sprintf("f%d", ids[0]), faces: group, region: f.region, hist: f.hist}
		if mp, ok := im.joined[key]; ok {
			d.geom = single(mp)
		} else {
			geom, err := dissolve(arr, group)
			if err != nil {
				return nil, fmt.Errorf("joining the faces of district %s: %w", d.id, err)
			}
			d.geom = geom
		}
		if len(group) > 1 {
			joined[key] = multi(d.geom)
		}
		out = append(out, d)
	}
	im.joined = joined
	slices.SortFunc(out, func(a, b district) int {
		return cmpID(a.id, b.id)
	})
	return out, nil
}

// cmpID orders "f12" before "f100".
func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// dissolve joins faces that share borders into one polygon: the faces are
// an exact partition, so the border of their union is the segments only
// one of them has; polygonized, those give the union's polygons and the
// holes' insides, told apart by a point inside each. Every vertex of the
// outer border is kept, so the district shares its borders with its
// neighbours vertex for vertex.
func dissolve(arr *arrangement, slots []int32) (orb.Geometry, error) {
	if len(slots) == 1 {
		return arr.faces[slots[0]].poly, nil
	}
	uses := map[iseg]int{}
	for _, s := range slots {
		forEachSeg(arr.faces[s].poly, func(k segKey) {
			if k[0] != k[1] {
				uses[newISeg(toIpt(k[0]), toIpt(k[1]))]++
			}
		})
	}
	var border []iseg
	for k, n := range uses {
		if n == 1 {
			border = append(border, k)
		}
	}
	slices.SortFunc(border, cmpISeg)
	polys, _ := polygonize(border)
	var mp orb.MultiPolygon
	for _, p := range polys {
		pt, ok := interiorPoint(p)
		if !ok {
			return nil, errors.New("a joined face has no interior point")
		}
		for _, s := range slots {
			if f := arr.faces[s]; f.bound.Contains(pt) && planar.PolygonContains(f.poly, pt) {
				mp = append(mp, p)
				break
			}
		}
	}
	if len(mp) == 0 {
		return nil, errors.New("the faces joined into nothing")
	}
	return single(mp), nil
}

// Stats sums up an import: its faces and districts, its ground, and the
// worst of what each date's report says.
type Stats struct {
	Faces, Districts int
	// GroundKm2 is the ground: the regions and every polygon of every date;
	// OutsideKm2 the part of it outside every region.
	GroundKm2, OutsideKm2 float64
	// WorstRel is the largest relative difference, over the dates and
	// the sides, between a side's held ground and its input polygons (on
	// the first side, or any side on dates without overlaps), on WorstDate.
	WorstRel  float64
	WorstDate geo.Date
	// MaxEdgeKm2 and MaxOverlapKm2 are the largest over the dates of the
	// ground the edge rule left unassigned and of the ground two sides
	// claimed.
	MaxEdgeKm2, MaxOverlapKm2 float64
}

// Stats returns the import's summary.
func (im *Importer) Stats() Stats {
	var st Stats
	ds, err := im.districts()
	if err == nil {
		st.Districts = len(ds)
	}
	for _, f := range im.eng.arr.faces {
		if f == nil || !im.ground(f) {
			continue
		}
		st.Faces++
		st.GroundKm2 += f.areaM2 / 1e6
		if f.region < 0 {
			st.OutsideKm2 += f.areaM2 / 1e6
		}
	}
	for _, r := range im.reports {
		for i := range im.cfg.Sides {
			if i > 0 && r.OverlapKm2 > 0 {
				continue
			}
			if e := relErr(r.HeldKm2[i], r.InputKm2[i]); e > st.WorstRel {
				st.WorstRel, st.WorstDate = e, r.Date
			}
		}
		st.MaxEdgeKm2 = max(st.MaxEdgeKm2, r.EdgeKm2)
		st.MaxOverlapKm2 = max(st.MaxOverlapKm2, r.OverlapKm2)
	}
	return st
}

// ground reports whether a face is ground: in a region, or held by a side
// on some date (void faces, the sea between a map's edge and a coast that
// no polygon covered yet, are not).
func (im *Importer) ground(f *face) bool {
	if f.region >= 0 {
		return true
	}
	for _, m := range f.hist {
		if int(m.Label) < len(im.cfg.Sides) {
			return true
		}
	}
	return false
}

// Describe says in a paragraph how the dataset was made, for dataset.json's
// description: the sides and their inputs, the regions, the rules.
func Describe(im *Importer) string {
	var b strings.Builder
	dates := im.eng.dates
	fmt.Fprintf(&b, "Made by frontline import-polygons from the daily polygons of %s, %d dates from %s to %s",
		strings.Join(im.cfg.Sides, ", "), len(dates), dates[0], dates[len(dates)-1])
	if len(im.regions) > 0 {
		fmt.Fprintf(&b, ", cut by %d regions", len(im.regions))
	}
	b.WriteString(". Each district is a piece of ground one side holds wholly on every date; control.csv has a row where it changes hands, citing the day's input file (references.csv).")
	if im.cfg.Rest != "" {
		fmt.Fprintf(&b, " %s holds the ground of the regions that no other side holds, except slivers along the regions' edge narrower on average than %g m, which no side holds.", im.cfg.Rest, im.cfg.EdgeM)
	}
	if len(im.cfg.Sides) > 1 {
		fmt.Fprintf(&b, " Ground two sides claim on one date goes to the one listed first (%s).", im.cfg.Sides[0])
	}
	b.WriteString(" import-days.csv reports, per date, each side's area as input and as held, and what the rules moved.")
	return b.String()
}

func single(mp orb.MultiPolygon) orb.Geometry {
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

func multi(g orb.Geometry) orb.MultiPolygon {
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}
	}
	return g.(orb.MultiPolygon)
}
