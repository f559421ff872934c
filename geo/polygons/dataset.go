package polygons

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/thiessen"
)

// Meta describes the dataset an import writes.
type Meta struct {
	Title, Description, Attribution, License string
	// Sides are the rows of sides.csv: each side of Config.Sides and the
	// rest side must have one. Nil makes them: names are the ids, colours
	// from a palette.
	Sides []geo.Side
}

// File is one file of the dataset, written by Write.
type File struct {
	Name  string
	Write func(w io.Writer) error
}

// StateFile holds the import's state (Save), from which a later run goes
// on with the new dates only. geo.Load does not read it.
const StateFile = "import-state.gob"

// DaysFile is the per-date report of the import: what each date cut and
// changed, each side's area as input and as held, and the ground the edge
// rule and the overlaps moved.
const DaysFile = "import-days.csv"

// palette colours sides a --sides file does not describe: the first side
// red, the rest side blue, others after.
var palette = []string{"#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22"}

const restColor = "#1f77b4"

// Files returns the dataset: dataset.json, sides.csv, districts.geojson,
// control.csv, references.csv, the per-date report and the state. The
// districts are the faces joined where they share a region and a history
// (the cells that cut the regions to keep each date's work local are not
// seen); each carries its region's id, name and group. control.csv has a
// row where a district changes hands (side 1), or becomes unassigned, each
// citing the input files of its date (references.csv).
func (im *Importer) Files(meta Meta) ([]File, error) {
	if len(im.eng.dates) == 0 {
		return nil, fmt.Errorf("no dates: nothing to write")
	}
	sides, err := im.sides(meta.Sides)
	if err != nil {
		return nil, err
	}
	ds, err := im.districts()
	if err != nil {
		return nil, err
	}
	refs := im.references()
	files := []File{
		{geo.MetaFile, func(w io.Writer) error { return im.writeMeta(w, meta) }},
		{geo.SidesFile, func(w io.Writer) error { return writeSides(w, sides) }},
		{geo.DistrictsFile, func(w io.Writer) error { return im.writeDistricts(w, ds) }},
		{geo.ControlFile, func(w io.Writer) error { return im.writeControl(w, ds, refs) }},
		{geo.ReferencesFile, func(w io.Writer) error { return im.writeReferences(w) }},
		{DaysFile, im.writeDays},
		{StateFile, im.Save},
	}
	return files, nil
}

// sides checks or makes the sides.csv rows.
func (im *Importer) sides(given []geo.Side) ([]geo.Side, error) {
	ids := append([]string(nil), im.cfg.Sides...)
	if im.cfg.Rest != "" {
		ids = append(ids, im.cfg.Rest)
	}
	if given == nil {
		out := make([]geo.Side, len(ids))
		for i, id := range ids {
			c := palette[i%len(palette)]
			if i == len(im.cfg.Sides) {
				c = restColor
			}
			out[i] = geo.Side{ID: id, Name: id, Color: c}
		}
		return out, nil
	}
	for _, id := range ids {
		found := false
		for _, s := range given {
			found = found || s.ID == id
		}
		if !found {
			return nil, fmt.Errorf("the sides file has no row for side %q: add id,name,color for it", id)
		}
	}
	return given, nil
}

func writeSides(w io.Writer, sides []geo.Side) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "name", "color"})
	for _, s := range sides {
		_ = cw.Write([]string{s.ID, s.Name, s.Color})
	}
	cw.Flush()
	return cw.Error()
}

func (im *Importer) writeMeta(w io.Writer, meta Meta) error {
	m := map[string]any{"title": meta.Title}
	if meta.Description != "" {
		m["description"] = meta.Description
	}
	if meta.Attribution != "" {
		m["attribution"] = meta.Attribution
	}
	if meta.License != "" {
		m["license"] = meta.License
	}
	// The data covers every date imported, also those on which nothing
	// moved after the last change.
	dates := im.eng.dates
	changes := im.changeDates()
	if n := len(changes); n > 0 && dates[len(dates)-1] > changes[n-1] {
		m["through"] = dates[len(dates)-1]
	}
	// The map opens on the last date a district changed, compared with the
	// change date a month before it.
	if n := len(changes); n > 0 {
		last := changes[n-1]
		m["view_date"] = last
		for i := n - 1; i >= 0; i-- {
			if changes[i] <= last-30 {
				m["view_compare"] = changes[i]
				break
			}
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// changeDates are the dates on which some face changed label.
func (im *Importer) changeDates() []geo.Date {
	seen := map[int32]bool{}
	for _, f := range im.eng.arr.faces {
		if f != nil {
			for _, m := range f.hist {
				seen[m.Day] = true
			}
		}
	}
	var out []geo.Date
	for i, d := range im.eng.dates {
		if seen[int32(i)] {
			out = append(out, d)
		}
	}
	return out
}

func (im *Importer) writeDistricts(w io.Writer, ds []district) error {
	fc := geojson.NewFeatureCollection()
	for _, d := range ds {
		f := geojson.NewFeature(d.geom)
		f.ID = d.id
		name, region, group := "outside the regions", "", ""
		if d.region >= 0 {
			r := im.regions[d.region]
			name, region, group = r.Name, r.ID, r.Group
		}
		f.Properties = geojson.Properties{"id": d.id, "name": name, "region": region}
		if im.cfg.Group != "" {
			f.Properties["group"] = group
		}
		fc.Append(f)
	}
	return thiessen.EncodeCollection(w, fc)
}

// references numbers the input files: the i-th date's files, in date and
// side order, get consecutive numbers; the result maps date index and side
// to a number.
func (im *Importer) references() map[[2]int]int {
	out := map[[2]int]int{}
	n := 0
	for i, ins := range im.inputs {
		for _, in := range ins {
			n++
			out[[2]int{i, im.sideIndex(in.Side)}] = n
		}
	}
	return out
}

func (im *Importer) sideIndex(id string) int {
	for i, s := range im.cfg.Sides {
		if s == id {
			return i
		}
	}
	return -1
}

func (im *Importer) writeReferences(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"number", "text"})
	n := 0
	for i, ins := range im.inputs {
		for _, in := range ins {
			n++
			_ = cw.Write([]string{strconv.Itoa(n), fmt.Sprintf("%s: the ground %s holds on %s (sha256 %s)",
				filepath.Base(in.File), in.Side, im.eng.dates[i], in.SHA256[:16])})
		}
	}
	cw.Flush()
	return cw.Error()
}

// cite returns the citations of a row of the date index day: the file of
// the side that holds the ground, or every side's file for ground no side
// holds. A side carried forward cites the file it was read from.
func (im *Importer) cite(refs map[[2]int]int, day int, label int16) string {
	var b strings.Builder
	for s := range im.cfg.Sides {
		if int(label) < len(im.cfg.Sides) && int(label) != s {
			continue
		}
		for i := day; i >= 0; i-- {
			if n, ok := refs[[2]int{i, s}]; ok {
				fmt.Fprintf(&b, "[%d]", n)
				break
			}
		}
	}
	return b.String()
}

func (im *Importer) writeControl(w io.Writer, ds []district, refs map[[2]int]int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	_ = cw.Write([]string{"date", "district", "side", "share", "source", "note"})
	// Rows by date, then district: a day's changes together.
	byDay := make([][]int, len(im.eng.dates))
	for i, d := range ds {
		for _, m := range d.hist {
			byDay[m.Day] = append(byDay[m.Day], i)
		}
	}
	for day, list := range byDay {
		for _, i := range list {
			d := ds[i]
			var l int16
			for _, m := range d.hist {
				if int(m.Day) == day {
					l = m.Label
				}
			}
			note := ""
			if im.labelID(l) == geo.Unassigned && d.region >= 0 && im.cfg.Rest != "" {
				note = fmt.Sprintf("no side's map covers it: a sliver along the edge of the regions, narrower than %g m on average (the edge rule)", im.cfg.EdgeM)
			}
			_ = cw.Write([]string{im.eng.dates[day].String(), d.id, im.labelID(l), "1", im.cite(refs, day, l), note})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func (im *Importer) writeDays(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"date", "new_lines", "faces_cut", "changed"}
	for _, s := range im.cfg.Sides {
		head = append(head, s+"_input_km2", s+"_held_km2")
	}
	head = append(head, "rest_km2", "edge_unassigned_km2", "overlap_km2", "repaired_km2", "max_rel_error")
	_ = cw.Write(head)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	for _, r := range im.reports {
		rec := []string{r.Date.String(), strconv.Itoa(r.Lines), strconv.Itoa(r.Faces), strconv.Itoa(r.Changed)}
		worst := 0.0
		for i := range im.cfg.Sides {
			rec = append(rec, f(r.InputKm2[i]), f(r.HeldKm2[i]))
			if i == 0 || r.OverlapKm2 == 0 {
				worst = math.Max(worst, relErr(r.HeldKm2[i], r.InputKm2[i]))
			}
		}
		rec = append(rec, f(r.RestKm2), f(r.EdgeKm2), f(r.OverlapKm2), f(r.RepairedKm2), strconv.FormatFloat(worst, 'e', 2, 64))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
