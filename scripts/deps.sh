#!/usr/bin/env bash
# Installs the Debian packages frontline needs, when they are missing.
# Usage: scripts/deps.sh build|test
#   build: C libraries for cgo (GEOS, PROJ) and the compiler toolchain.
#   test:  build + headless Chromium (browser test) + GeographicLib tools
#          + GDAL (gdal-bin: the OGC API, GeoPackage and CSV client tests)
#          + Debian's geopandas (python3-geopandas: reads every GeoJSON endpoint)
#          + Debian's QGIS 3.22 bindings (python3-qgis, qgis-providers: the OGC API
#            and the GeoPackage's project as QGIS opens them).
#          + wrk (scripts/bench-reload.sh: the long form of the reload load test)
#          + nginx-light with its brotli_static module (the static site served
#            as a newsroom would, and a caching proxy in front of the server).
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail

pkgs=(gcc pkg-config libgeos-dev libproj-dev)
if [ "${1:-build}" = test ]; then
	pkgs+=(chromium geographiclib-tools gdal-bin python3-geopandas python3-qgis qgis-providers wrk nginx-light libnginx-mod-http-brotli-static)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v go >/dev/null 2>&1; then
	echo "deps: Go is not on PATH: install Go 1.26 or later (https://go.dev/dl/) and retry" >&2
	exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
