// Package data holds the datasets embedded in the binary; Aleppo 2016 is
// the default that `frontline serve` shows.
package data

import (
	"embed"
	"io/fs"
)

// The dataset's own files; its sources/ (the raw layers districts.geojson is
// built from) stay out of the binary.
//
//go:embed aleppo-2016/*.json aleppo-2016/*.csv aleppo-2016/*.geojson aleppo-2016/*.md
var files embed.FS

// DefaultName names the default dataset.
const DefaultName = "aleppo-2016"

// Default returns the default dataset's directory (dataset.json,
// districts.geojson, sides.csv, control.csv at its root).
func Default() fs.FS {
	sub, err := fs.Sub(files, DefaultName)
	if err != nil {
		// fs.Sub fails only on an invalid path, and DefaultName is valid.
		panic(err)
	}
	return sub
}
