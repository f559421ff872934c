package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
	"github.com/frontline/frontline/geo/gpkg"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/site"
	"github.com/frontline/frontline/web"
)

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	var df datasetFlags
	df.register(fs)
	out := fs.String("out", "", "output directory (required); written as DIR.partial, then put in place of DIR")
	fromS := fs.String("from", "", "first day (default: the dataset's first date)")
	toS := fs.String("to", "", "last day (default: the dataset's last date)")
	siteDir := fs.String("site", "", "instead of --out: write the static site (the map and every answer of the API it and GIS users fetch) into DIR, "+
		"reusing the unchanged files of the site already there")
	tiles := fs.String("tiles", server.DefaultTileURL, "with --site: the map's basemap tile URL template, or off")
	tilesCredit := fs.String("tiles-attribution", "", "with --site: credit line of --tiles (default: OpenStreetMap's, with the default tiles)")
	snapshots := fs.String("snapshots", "all", "with --site: each day's snapshot download (all), or the last day's only (last: for a country over years they are most of the site; the GeoPackage has every day)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *siteDir != "" {
		if *out != "" || *fromS != "" || *toS != "" {
			return fmt.Errorf("--site writes the whole dataset on its own: leave out --out, --from and --to")
		}
		if *snapshots != "all" && *snapshots != "last" {
			return fmt.Errorf("--snapshots %q: use all or last", *snapshots)
		}
		if err := checkTileURL(*tiles); err != nil {
			return err
		}
		if _, err := checkOutDir(*siteDir, "export --site"); err != nil {
			return err
		}
		ds, err := df.load(stderr)
		if err != nil {
			return err
		}
		return exportSite(ds, *siteDir, server.Config{TileURL: *tiles, TileAttribution: *tilesCredit, Version: version}, *snapshots == "last", stdout, stderr)
	}
	if *out == "" {
		return fmt.Errorf("--out DIR (or --site DIR) is required")
	}
	if _, err := checkOutDir(*out, "export"); err != nil {
		return err
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	r, err := flagRange(ds, "", *fromS, *toS)
	if err != nil {
		return err
	}
	dir, err := newOutDir(*out, "export")
	if err != nil {
		return err
	}
	if err := export(dir, ds, r, newProgress(stderr, r.Days()+4)); err != nil {
		dir.abort()
		return err
	}
	if err := dir.commit(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d files to %s: frontline.gpkg (and its QGIS project frontline.qgs), districts.geojson, snapshot/, territory/ and frontlines/ per day (%s), stats.csv, changes.csv\n", dir.files, *out, r)
	return nil
}

// export writes every file into dir, each day and layer as it is produced:
// nothing of the range is held but the series.
func export(dir *outDir, ds *geo.Dataset, r geo.Range, bar *progress) error {
	enc, err := encode.New(ds)
	if err != nil {
		return err
	}
	shapes, err := geo.NewShapes(ds)
	if err != nil {
		return err
	}
	if err := dir.write("districts.geojson", func(w io.Writer) error { return enc.Districts(w, encode.Nested) }); err != nil {
		return err
	}
	var day *geo.DayShapes
	for d := r.First; d <= r.Last; d++ {
		if day == nil || ds.EffectiveDate(d) != day.Date {
			if day, err = shapes.On(d); err != nil {
				return err
			}
		}
		layers := []struct {
			name  string
			write func(w io.Writer) error
		}{
			{encode.SnapshotName(d), func(w io.Writer) error { return enc.Snapshot(w, d, encode.Nested) }},
			{encode.TerritoryName(d), func(w io.Writer) error { return enc.Territory(w, encode.TerritoryName(d), day.Territories) }},
			{encode.FrontlinesName(d), func(w io.Writer) error {
				return enc.Frontlines(w, encode.FrontlinesName(d), day.Frontlines, encode.Nested)
			}},
		}
		for _, l := range layers {
			kind, _, _ := strings.Cut(l.name, "_")
			if err := dir.write(filepath.Join(kind, l.name+".geojson"), l.write); err != nil {
				return err
			}
		}
		bar.step(d.String())
	}
	days, err := shapes.Series(r)
	if err != nil {
		return err
	}
	pairs, err := shapes.Pairs()
	if err != nil {
		return err
	}
	if err := dir.write("stats.csv", func(w io.Writer) error { return encode.SeriesCSV(w, ds, pairs, days) }); err != nil {
		return err
	}
	if err := dir.writeBytes("stats.csvt", encode.SeriesCSVT(ds, pairs)); err != nil {
		return err
	}
	bar.step("stats.csv")
	if err := dir.write("changes.csv", func(w io.Writer) error { return encode.ChangesCSV(w, ds, r) }); err != nil {
		return err
	}
	if err := dir.writeBytes("changes.csvt", encode.ChangesCSVT()); err != nil {
		return err
	}
	bar.step("changes.csv")
	path, err := dir.path("frontline.gpkg")
	if err != nil {
		return err
	}
	if err := gpkg.WriteDataset(path, encode.NewSource(enc, shapes, nil), r); err != nil {
		return fmt.Errorf("writing frontline.gpkg: %w", err)
	}
	bar.step("frontline.gpkg")
	// The same QGIS project as the one stored in the GeoPackage, as a file
	// to double-click.
	if err := dir.writeBytes("frontline.qgs", []byte(gpkg.DatasetProject(enc, "frontline.gpkg", r).QGS())); err != nil {
		return err
	}
	if err := dir.writeBytes("ATTRIBUTION.txt", attribution(ds, r)); err != nil {
		return err
	}
	bar.done()
	return nil
}

func attribution(ds *geo.Dataset, r geo.Range) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nExported by frontline %s for %s.\n\n", ds.Meta.Title, version, r)
	if ds.Meta.Attribution != "" {
		fmt.Fprintf(&b, "Attribution: %s\n\n", ds.Meta.Attribution)
	}
	if ds.Meta.License != "" {
		fmt.Fprintf(&b, "Licence: %s\n\n", ds.Meta.License)
	}
	b.WriteString("frontline.gpkg: one GeoPackage with the layers districts, control (one feature per district per period of\n" +
		"  unchanged state, valid_from included, valid_to excluded: date-times at 00:00 UTC, valid_to empty for a state\n" +
		"  still in force at the end of the data), territory and frontlines (per period between the change dates that\n" +
		"  alter them), each with a spatial index and a default QGIS style, and a QGIS project (Project > Open From >\n" +
		"  GeoPackage) whose Temporal Controller plays the three period layers day by day. The project finds its layers\n" +
		"  in frontline.gpkg beside it: keep the file's name.\n" +
		"frontline.qgs: the same QGIS project as a file; open it in QGIS beside frontline.gpkg.\n" +
		"districts.geojson: the districts with their area.\n" +
		"snapshot/snapshot_DATE.geojson: every district with its controller and shares (share_<side>) on that day.\n" +
		"territory/territory_DATE.geojson: the dissolved ground of each side.\n" +
		"frontlines/frontlines_DATE.geojson: where two sides meet, with length_km.\n" +
		"stats.csv (+ stats.csvt, column types for GDAL): km² per side per day, and front length in km per side pair.\n" +
		"changes.csv (+ changes.csvt): the districts that changed hands from one day to the next.\n" +
		"All GeoJSON is RFC 7946 (WGS84 lon/lat); areas and lengths are ellipsoidal (WGS84).\n")
	return []byte(b.String())
}

// exportSite writes the static site of ds into dir (through the one
// atomic writer), reusing the files of the site there, and says what an
// upload of it sends.
func exportSite(ds *geo.Dataset, dir string, cfg server.Config, lastSnapshot bool, stdout, stderr io.Writer) error {
	start := time.Now()
	out, err := newOutDir(dir, "export --site")
	if err != nil {
		return err
	}
	var bar *progress
	rep, err := site.Export(server.Deps{Dataset: ds, Assets: web.Assets()}, cfg, site.Options{
		Dir: out.partial, Previous: out.final, LastSnapshotOnly: lastSnapshot,
		Progress: func(done, total int, key string) {
			if bar == nil {
				bar = newProgress(stderr, total)
			}
			bar.step(key)
		},
	})
	if bar != nil {
		bar.done()
	}
	if err != nil {
		out.abort()
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the site of %s (version %s) to %s in %.1f s: %d requests answered, %d files, %s\n",
		ds.Name, rep.Version, dir, time.Since(start).Seconds(), rep.Entries, rep.Files, megabytes(rep.Bytes))
	fmt.Fprintf(stdout, "new since the site that was there: %d files, %s (what an upload sends; the rest is reused)\n", rep.NewFiles, megabytes(rep.NewBytes))
	for _, r := range rep.Refused {
		fmt.Fprintf(stdout, "not in the site, as the live server refuses it too: %s\n", r)
	}
	return nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
