#!/bin/sh
# vendor.sh refreshes web/static/vendor from the npm registry.
#
# The Go build embeds static/ with go:embed and must work on a fresh clone
# without npm, so the copies made here are committed. Run this only after
# changing package.json (then commit package-lock.json and static/vendor).
set -eu
cd "$(dirname "$0")"

npm ci --no-audit --no-fund

out=static/vendor
rm -rf "$out"
mkdir -p "$out/images"

# Leaflet: minified UMD build (defines window.L), its CSS and the control images
# the CSS refers to by relative path.
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/"
cp node_modules/leaflet/dist/images/*.png "$out/images/"
cp node_modules/leaflet/LICENSE "$out/LICENSE-leaflet"

# uPlot: minified IIFE build (defines window.uPlot) and its CSS.
cp node_modules/uplot/dist/uPlot.iife.min.js "$out/uplot.js"
cp node_modules/uplot/dist/uPlot.min.css "$out/uplot.css"
cp node_modules/uplot/LICENSE "$out/LICENSE-uplot"

# Record exactly what was vendored.
node -e '
const l = require("./package-lock.json").packages;
for (const [k, v] of Object.entries(l)) if (k) console.log(k.replace("node_modules/", "") + " " + v.version + " " + v.integrity);
' > "$out/VERSIONS"
echo "vendored into $out:"
ls -l "$out"
