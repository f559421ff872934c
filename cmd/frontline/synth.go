package main

import (
	"fmt"
	"io"

	"github.com/frontline/frontline/geo"
)

// runSynth writes a synthetic dataset (a jittered grid with a moving
// front) for load tests and benchmarks at scales no real dataset has.
func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", stderr)
	out := fs.String("out", "", "output dataset directory (required)")
	nx := fs.Int("nx", 75, "districts west to east")
	ny := fs.Int("ny", 70, "districts south to north")
	dates := fs.Int("dates", 200, "number of days, each with a moved front")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same files")
	shape := fs.String("shape", "grid", "district shape: grid (jittered quadrilaterals) or hex (hexagons)")
	pace := fs.Float64("pace", 1, "how fast the front moves: 1/3 changes about a third as many districts a day")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	if *shape != "grid" && *shape != "hex" {
		return fmt.Errorf("--shape %q: use grid or hex", *shape)
	}
	files, err := geo.Synth(geo.SynthOptions{NX: *nx, NY: *ny, Dates: *dates, Hex: *shape == "hex", Pace: *pace, Seed: *seed})
	if err != nil {
		return err
	}
	dir, err := newOutDir(*out, "synth")
	if err != nil {
		return err
	}
	for _, name := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
		if err := dir.writeBytes(name, files[name]); err != nil {
			dir.abort()
			return err
		}
	}
	if err := dir.commit(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a synthetic dataset of %d districts and %d days to %s\n", *nx**ny, *dates, *out)
	return nil
}
