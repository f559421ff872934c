// Command frontline serves and inspects datasets of who held what ground,
// day by day: `serve`, `stats`, `changes`, `gains`, `export`, `site-upload`,
// `validate`, `build-districts`, `import-polygons`, `synth`. Run `frontline help` for what each does.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// version is stamped at build time: -ldflags "-X main.version=…".
var version = "dev"

// command is one sub-command: wiring only, the work is in geo and its encoders (and server for serve).
type command struct {
	name, usage string
	run         func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the API and the map (default dataset: embedded Aleppo 2016)", runServe},
		{"stats", "km² and share held by each side on a date (--by PROP: per oblast, raion…), or a daily series", runStats},
		{"changes", "what changed hands between two dates", runChanges},
		{"gains", "km² each side gained, lost and netted every month, week or day", runGains},
		{"export", "write frontline.gpkg (styled, temporal), the districts, every day's snapshot, territory and frontlines GeoJSON, stats.csv and changes.csv; or, with --site, the static site of the map", runExport},
		{"site-upload", "print the shell commands that copy a static site into an S3-compatible bucket with each file's metadata", runSiteUpload},
		{"validate", "check a dataset directory and list every problem", runValidate},
		{"build-districts", "build Thiessen district polygons from named points", runBuildDistricts},
		{"import-polygons", "make a dataset of dated territory polygons (one file a day per side, e.g. DeepState's map) cut by regions; again with more files to add the new days", runImportPolygons},
		{"synth", "write a synthetic dataset (grid with a moving front) for load tests", runSynth},
	}
}

// exitError carries an exit status without printing more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
		fmt.Fprintln(stdout, "frontline", version)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		}
		fmt.Fprintf(stderr, "frontline %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "frontline: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "frontline %s — who held what ground, day by day\n\nUsage: frontline COMMAND [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'frontline COMMAND -h' for a command's flags; 'frontline --version' for the version.")
}

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("frontline "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
