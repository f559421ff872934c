// Package web holds frontline's browser front end: a Leaflet map of the
// districts with a time slider, a stats panel and a chart, served by package
// server at "/". Everything the page loads (including the vendored Leaflet
// and uPlot copies under static/vendor) is embedded in the binary, so
// `frontline serve` needs no files beside it and the page needs no CDN.
package web

import (
	"embed"
	"io/fs"
)

// static is the page and its vendored libraries; see vendor.sh for how
// static/vendor is refreshed from the npm registry.
//
//go:embed static
var static embed.FS

// Assets returns the front end's files rooted so that "index.html" is at the
// top, ready for http.FileServerFS or an Echo static handler.
func Assets() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "static" is a constant.
		panic("web: embedded static directory missing: " + err.Error())
	}
	return sub
}
