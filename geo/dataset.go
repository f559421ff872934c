package geo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// Meta describes a dataset (dataset.json).
type Meta struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	License     string `json:"license,omitempty"`
	// IDProperty and NameProperty name the district properties holding the
	// id and the display name.
	IDProperty   string `json:"id_property,omitempty"`
	NameProperty string `json:"name_property,omitempty"`
	// MergeDuplicateIDs joins features sharing an id into one district.
	MergeDuplicateIDs bool `json:"merge_duplicate_ids,omitempty"`
	// GapWidthM is the width in metres of the gaps between districts (streets
	// between digitised neighbourhoods) that territories close; 0 for layers
	// that tile exactly, such as the output of build-districts.
	GapWidthM float64 `json:"gap_width_m,omitempty"`
	// ViewDate is the date the map opens on (default: the last date);
	// ViewCompare, if set, the date it compares it with.
	ViewDate    *Date `json:"view_date,omitempty"`
	ViewCompare *Date `json:"view_compare,omitempty"`
	// Through is the last day the data covers when it is later than the
	// last change (a map updated daily that did not move for a few days):
	// the dataset's range runs to it.
	Through *Date `json:"through,omitempty"`
}

// Dataset files, in the order they are read.
const (
	MetaFile      = "dataset.json"
	SidesFile     = "sides.csv"
	DistrictsFile = "districts.geojson"
	ControlFile   = "control.csv"
)

// LoadOptions tune loading.
type LoadOptions struct {
	// Repair makes invalid district geometry valid (GEOS MakeValid) with a
	// warning instead of rejecting the dataset.
	Repair bool
	// MaxFileBytes caps the size of each file; 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
	// CheckGaps looks for street gaps between the districts of a dataset
	// whose gap_width_m is 0 and warns with a suggestion (frontline
	// validate). It costs a union of all districts, so serving skips it.
	CheckGaps bool
	// MaxParts, MaxVertices: see DistrictOptions (0: the defaults).
	MaxParts, MaxVertices int
	// MaxSideDistricts caps sides × districts, the size of every state of
	// the map (each change holds a share per side); 0 means
	// DefaultMaxSideDistricts.
	MaxSideDistricts int
}

// DefaultMaxSideDistricts is the default cap on sides × districts: 20,000
// districts with 100 sides, where real datasets have 3 to 10 sides.
const DefaultMaxSideDistricts = 2_000_000

// Dataset is a loaded, validated dataset: immutable once returned, so it
// is safe for concurrent use.
type Dataset struct {
	// Name says where the dataset came from (a directory or "embedded:…").
	Name string
	// Version is a content hash of the dataset's files, for ETags.
	Version   string
	Meta      Meta
	Sides     []Side
	Districts []District
	Rows      []Row
	// References are the sources behind the citations of Rows' Sources,
	// from the optional references.csv; nil without one.
	References []Reference
	// Warnings are the problems that did not stop loading.
	Warnings []Problem

	districtIndex map[string]int
	sideIndex     map[string]int
	tl            timeline
	totalKm2      float64
	// km2 per side (and unassigned, last) on each change date, computed
	// once on first use: every date's stats are then a lookup.
	changeKm2Once sync.Once
	changeKm2     [][]float64
	// the sides that hold ground on some date, found on first use.
	activeOnce sync.Once
	active     []int
	// the properties districts can be grouped by, found on first use.
	propsOnce sync.Once
	props     []string
	// gridExact: the districts tile exactly with every coordinate on
	// territory.Grid (Load checked it), so preparing them for territories
	// need not check it again.
	gridExact bool
}

// Load reads and validates the dataset in fsys. name labels it in messages.
// On failure the error is a *ValidationError listing every problem of every
// file, each naming the file and line or feature.
func Load(fsys fs.FS, name string, opt LoadOptions) (*Dataset, error) {
	var ps problems
	h := newVersionHash()
	limit := opt.MaxFileBytes
	if limit <= 0 {
		limit = DefaultMaxFileBytes
	}
	label := func(file string) string { return path.Join(name, file) }
	cannotRead := func(file string, required bool, err error) {
		if required || !errors.Is(err, fs.ErrNotExist) {
			ps.errorf(label(file), 0, "cannot read: %v", err)
		}
	}
	read := func(file string, required bool) []byte {
		b, err := readAll(fsys, file, limit, h)
		if err != nil {
			cannotRead(file, required, err)
			return nil
		}
		return b
	}

	ds := &Dataset{Name: name}
	if b := read(MetaFile, false); b != nil {
		readMeta(b, label(MetaFile), &ds.Meta, &ps)
	}
	if ds.Meta.GapWidthM < 0 || ds.Meta.GapWidthM > 1000 {
		ps.errorf(label(MetaFile), 0, "gap_width_m %v is out of range: give the street width between districts in metres, 0 to 1000", ds.Meta.GapWidthM)
	}
	if ds.Meta.Title == "" {
		ds.Meta.Title = path.Base(name)
	}
	before := ps.errors
	if b := read(SidesFile, true); b != nil {
		ds.Sides = readSides(bytes.NewReader(b), label(SidesFile), &ps)
	}
	sidesOK := ps.errors == before
	before = ps.errors
	if b := read(DistrictsFile, true); b != nil {
		ds.Districts, ds.gridExact = readDistricts(b, label(DistrictsFile), DistrictOptions{
			IDProperty: ds.Meta.IDProperty, NameProperty: ds.Meta.NameProperty, Repair: opt.Repair,
			MergeDuplicates: ds.Meta.MergeDuplicateIDs, MaxParts: opt.MaxParts, MaxVertices: opt.MaxVertices,
		}, &ps)
	}
	districtsOK := ps.errors == before
	maxSD := opt.MaxSideDistricts
	if maxSD <= 0 {
		maxSD = DefaultMaxSideDistricts
	}
	if n := len(ds.Sides) * len(ds.Districts); n > maxSD {
		ps.errorf(label(SidesFile), 0, "%d sides × %d districts = %d, more than the limit of %d: every state of the map holds a share "+
			"per side and district; drop the sides no row uses, or raise the limit with --max-side-districts", len(ds.Sides), len(ds.Districts), n, maxSD)
		sidesOK = false
	}
	if districtsOK && opt.CheckGaps && ds.Meta.GapWidthM == 0 {
		checkGaps(ds.Districts, label(DistrictsFile), &ps)
	}
	ds.districtIndex = make(map[string]int, len(ds.Districts))
	districtIDs := make([]string, len(ds.Districts))
	for i, d := range ds.Districts {
		ds.districtIndex[d.ID] = i
		districtIDs[i] = d.ID
		ds.totalKm2 += d.AreaKm2
	}
	ds.sideIndex = make(map[string]int, len(ds.Sides))
	sideIDs := make([]string, len(ds.Sides))
	for i, s := range ds.Sides {
		ds.sideIndex[s.ID] = i
		sideIDs[i] = s.ID
	}
	if !districtsOK {
		districtIDs = nil
	}
	if !sidesOK {
		sideIDs = nil
	}
	// control.csv is the large file: it is parsed as it is read.
	if f, err := openFile(fsys, ControlFile, limit, h); err != nil {
		cannotRead(ControlFile, true, err)
	} else {
		ds.Rows = readControl(f, label(ControlFile), districtIDs, sideIDs, &ps)
		f.Close()
		if len(ds.Rows) == 0 && !ps.hasErrors() {
			ps.errorf(label(ControlFile), 0, "no control rows: add at least one line date,district,side,share,source,note")
		}
	}
	if b := read(ReferencesFile, false); b != nil {
		ds.References = readReferences(bytes.NewReader(b), label(ReferencesFile), &ps)
	}
	checkView(ds.Meta, ds.Rows, label(MetaFile), &ps)
	if ps.hasErrors() {
		return nil, &ValidationError{Problems: ps.finish()}
	}
	ds.tl = buildTimeline(ds.Rows, ds.districtIndex, ds.sideIndex, len(ds.Districts))
	warnUncontrolled(ds, label(ControlFile), &ps)
	warnUnusedSides(ds, label(SidesFile), &ps)
	ds.Warnings = ps.finish()
	ds.Version = hex.EncodeToString(h.Sum(nil))[:16]
	return ds, nil
}

// readMeta parses dataset.json into m.
func readMeta(b []byte, file string, m *Meta, ps *problems) {
	b = bytes.TrimPrefix(b, utf8BOM)
	if at, c := invalidUTF8(b); at >= 0 {
		ps.errorf(file, bytes.Count(b[:at], []byte("\n"))+1, "the byte 0x%02x is not UTF-8: %s", c, utf8Hint)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		ps.errorf(file, jsonErrorLine(b, err), "%v (known fields: title, description, attribution, license, id_property, name_property, merge_duplicate_ids, gap_width_m, view_date, view_compare, through)", err)
		return
	}
	for _, f := range []struct{ name, v string }{{"title", m.Title}, {"attribution", m.Attribution}, {"license", m.License}} {
		if msg := textProblem(f.v, false); msg != "" {
			ps.warnf(file, 0, "the %s %q has %s: write plain text (the page shows it as text)", f.name, f.v, msg)
		}
	}
	if msg := textProblem(m.Description, true); msg != "" {
		ps.warnf(file, 0, "the description has %s: write plain text (the page shows it as text)", msg)
	}
}

// warnUncontrolled warns about districts that no row of control.csv
// mentions: they stay unassigned on every date, which is rarely meant.
func warnUncontrolled(ds *Dataset, file string, ps *problems) {
	var ids []string
	for i, d := range ds.Districts {
		if len(ds.tl.changes[i]) == 0 {
			ids = append(ids, fmt.Sprintf("%q", d.ID))
		}
	}
	if len(ids) == 0 {
		return
	}
	ps.warnf(file, 0, "%d district(s) have no control row and stay unassigned on every date: %s; add rows for them or leave them out of districts.geojson", len(ids), firstOf(ids))
}

// firstOf lists the first ten of ids, and how many more there are.
func firstOf(ids []string) string {
	const show = 10
	list := strings.Join(ids[:min(len(ids), show)], ", ")
	if len(ids) > show {
		list += fmt.Sprintf(" and %d more", len(ids)-show)
	}
	return list
}

// warnUnusedSides warns about sides that no row of control.csv names: they
// hold nothing on any date (the legend and every CSV list them all the same).
func warnUnusedSides(ds *Dataset, file string, ps *problems) {
	used := make([]bool, len(ds.Sides))
	for _, r := range ds.Rows {
		if r.Side != Unassigned {
			used[ds.sideIndex[r.Side]] = true
		}
	}
	var ids []string
	for s, u := range used {
		if !u {
			ids = append(ids, fmt.Sprintf("%q", ds.Sides[s].ID))
		}
	}
	if len(ids) == 0 {
		return
	}
	ps.warnf(file, 0, "%d side(s) hold no ground on any date (no row of control.csv names them): %s; remove them from sides.csv unless they are about to appear", len(ids), firstOf(ids))
}

// checkView keeps the first view inside the dataset's dates.
func checkView(m Meta, rows []Row, file string, ps *problems) {
	if len(rows) == 0 {
		return
	}
	first, last := rows[0].Date, rows[0].Date
	for _, r := range rows {
		first, last = min(first, r.Date), max(last, r.Date)
	}
	if m.Through != nil {
		if *m.Through < last {
			ps.errorf(file, 0, "through %s is before the control table's last date %s: the data covers at least to its last row; remove through or move it", m.Through, last)
		} else {
			last = *m.Through
		}
	}
	for _, v := range []struct {
		name string
		d    *Date
	}{{"view_date", m.ViewDate}, {"view_compare", m.ViewCompare}} {
		if v.d != nil && (*v.d < first || *v.d > last) {
			ps.errorf(file, 0, "%s %s is outside the control table's dates %s to %s: pick a date in that range", v.name, v.d, first, last)
		}
	}
	if m.ViewCompare != nil && m.ViewDate == nil {
		ps.errorf(file, 0, "view_compare needs view_date: name the date the map opens on as well")
	}
}

// LoadDir loads the dataset in fsys with default options.
func LoadDir(fsys fs.FS, name string) (*Dataset, error) {
	return Load(fsys, name, LoadOptions{})
}

// Range returns the first and the last change date.
func (d *Dataset) Range() Range {
	r := Range{First: d.tl.dates[0], Last: d.tl.dates[len(d.tl.dates)-1]}
	if t := d.Meta.Through; t != nil && *t > r.Last {
		r.Last = *t
	}
	return r
}

// ChangeDates returns the distinct dates on which some district changed.
func (d *Dataset) ChangeDates() []Date { return d.tl.dates }

// TotalKm2 is the summed ellipsoidal area of all districts.
func (d *Dataset) TotalKm2() float64 { return d.totalKm2 }

// DistrictIndex returns the index in Districts of the district with id.
func (d *Dataset) DistrictIndex(id string) (int, error) {
	i, ok := d.districtIndex[id]
	if !ok {
		ids := make([]string, len(d.Districts))
		for j, x := range d.Districts {
			ids[j] = x.ID
		}
		return 0, Errorf(KindNotFound, "no district %q%s", id, suggest(id, ids))
	}
	return i, nil
}

// SideIndex returns the index in Sides of the side with id.
func (d *Dataset) SideIndex(id string) (int, error) {
	i, ok := d.sideIndex[id]
	if !ok {
		ids := make([]string, len(d.Sides))
		for j, s := range d.Sides {
			ids[j] = s.ID
		}
		return 0, Errorf(KindNotFound, "no side %q%s", id, suggest(id, ids))
	}
	return i, nil
}

// CheckDate accepts dates on or after the first change date; later than
// the last change is fine (the last state holds).
func (d *Dataset) CheckDate(date Date) error {
	if r := d.Range(); date < r.First {
		return Errorf(KindOutOfRange, "%s is before the dataset begins: it covers %s (later dates give the last state)", date, r)
	}
	return nil
}

// EffectiveDate returns the change date whose state holds on date: the
// last change date on or before it. Territories and frontlines change only
// then, so they are computed per effective date.
func (d *Dataset) EffectiveDate(date Date) Date {
	dates := d.tl.dates
	i := sort.Search(len(dates), func(i int) bool { return dates[i] > date })
	if i == 0 {
		return dates[0]
	}
	return dates[i-1]
}

// Controllers returns the controller of every district on date, indexed
// like Districts.
func (d *Dataset) Controllers(date Date) []string {
	out := make([]string, len(d.Districts))
	for i := range d.Districts {
		out[i] = d.Controller(d.StateOn(i, date))
	}
	return out
}

// StateOn returns the state of district i on date.
func (d *Dataset) StateOn(i int, date Date) State { return d.tl.stateOn(i, date) }

// History returns every change of district i in date order.
func (d *Dataset) History(i int) []Change { return d.tl.changes[i] }

// Controller names who holds a district in state s: the side with the
// largest share, Contested on a tie, Unassigned when no side has a share.
func (d *Dataset) Controller(s State) string {
	return d.controllerOf(s.Shares())
}

func (d *Dataset) controllerOf(shares []float64) string {
	best, bestShare, tie := -1, 0.0, false
	for i, v := range shares {
		switch {
		case v <= 0:
		case v > bestShare+1e-12:
			best, bestShare, tie = i, v, false
		case v >= bestShare-1e-12:
			tie = true
		}
	}
	switch {
	case best < 0:
		return Unassigned
	case tie:
		return Contested
	}
	return d.Sides[best].ID
}
