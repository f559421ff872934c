#!/usr/bin/env bash
# The dated-polygons benchmark: frontline import-polygons on an archive of
# daily maps (DeepState's, one file a day) with a regions layer, against
# the GeoPandas way of doing the same work, in the same run, one core each.
#
# Usage: scripts/bench-polygons.sh ARCHIVE_DIR REGIONS [ANCHOR]
#   ARCHIVE_DIR holds the daily files (deepstatemap_data_YYYYMMDD.geojson):
#     the archive of github.com/cyterat/deepstate-map-data (its data/ folder).
#   REGIONS is the raions layer (data/ukraine-raions/osm-raions.geojson.gz).
#   ANCHOR is a GeoPandas script that overlays each day with the regions
#     and measures geodesic areas (run with Debian's /usr/bin/python3,
#     python3-geopandas and python3-rtree); "none" or absent skips it.
# Environment: BENCH_CPU (core to pin to, default 0), BENCH_PORT (default
#   18291), BENCH_ANCHOR_DAYS (days the anchor overlays, default 20: at
#   1–2 s a day the whole archive would take half an hour; its per-day time
#   is what is compared), BENCH_DIR (work directory, default a temporary
#   one, removed).
# Needs: bin/frontline (make build), curl, taskset, /usr/bin/time.
# Prints a Markdown table of each task's wall and CPU time and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

archive=${1:?usage: scripts/bench-polygons.sh ARCHIVE_DIR REGIONS [ANCHOR]}
regions=${2:?usage: scripts/bench-polygons.sh ARCHIVE_DIR REGIONS [ANCHOR]}
anchor=${3:-none}
cpu=${BENCH_CPU:-0}
port=${BENCH_PORT:-18291}
anchorDays=${BENCH_ANCHOR_DAYS:-20}
for t in curl taskset /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-polygons: $t is missing" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-polygons: run make build first" >&2; exit 1; }
bin=$PWD/bin/frontline
pin=(taskset -c "$cpu")
work=${BENCH_DIR:-$(mktemp -d)}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$work"; [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null || true' EXIT

mapfile -t files < <(ls "$archive"/*.geojson | sort)
n=${#files[@]}
[ "$n" -ge 2 ] || { echo "bench-polygons: fewer than two daily files in $archive" >&2; exit 1; }
mkdir -p "$work/days"
for f in "${files[@]:0:n-1}"; do ln -s "$(readlink -f "$f")" "$work/days/"; done

import() { # out pattern
	"${pin[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" import-polygons --out "$1" --side russia="$2" \
		--rest ukraine --regions "$regions" --region-id osm_id --region-name name --group oblast >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
	read -r wall user sys rss <"$work/time"
	echo "$wall $(echo "$user + $sys" | bc) $((rss / 1024))"
}

read -r fullWall fullCPU fullRSS < <(import "$work/full" "$archive/*.geojson")
read -r _ _ _ < <(import "$work/inc" "$work/days/*.geojson")
ln -s "$(readlink -f "${files[n-1]}")" "$work/days/"
read -r addWall addCPU addRSS < <(import "$work/inc" "$work/days/*.geojson")
same=yes
for f in districts.geojson control.csv; do cmp -s "$work/full/$f" "$work/inc/$f" || same=no; done

# Serving: the first answers, the whole daily series, then every change
# date's territory and front lines once, for the peak memory.
"${pin[@]}" /usr/bin/time -f '%M' -o "$work/srvtime" "$bin" serve --data "$work/full" --addr "127.0.0.1:$port" --log-level warn >"$work/srvlog" 2>&1 &
srv=$!
start=$(date +%s.%N)
until curl -sf -o /dev/null "localhost:$port/api/meta"; do sleep 0.02; done
meta=$(echo "$(date +%s.%N) - $start" | bc)
until curl -sf -o /dev/null "localhost:$port/api/stats/$(basename "${files[n-1]}" | grep -o '[0-9]\{8\}' | sed 's/\(....\)\(..\)\(..\)/\1-\2-\3/')"; do sleep 0.02; done
stats=$(echo "$(date +%s.%N) - $start" | bc)
series=$(curl -sf -o /dev/null -w '%{time_total}' "localhost:$port/api/stats")
for d in $(curl -sf "localhost:$port/api/meta" | grep -o '"change_dates":\[[^]]*\]' | grep -o '[0-9-]\{10\}'); do
	curl -sf -o /dev/null "localhost:$port/api/territory/$d"
	curl -sf -o /dev/null "localhost:$port/api/frontlines/$d"
done
pkill -TERM -P "$srv"; wait "$srv" 2>/dev/null || true; srv= # the server, not /usr/bin/time, which reports its peak
serveRSS=$(( $(tail -n 1 "$work/srvtime") / 1024 ))

anchorLine="| GeoPandas anchor | skipped | | | |"
perDay=$(echo "scale=4; $fullCPU / $n" | bc)
if [ "$anchor" != none ]; then
	step=$(( n / anchorDays )); [ "$step" -ge 1 ] || step=1
	picked=(); for ((i = 0; i < n && ${#picked[@]} < anchorDays; i += step)); do picked+=("${files[i]}"); done
	"${pin[@]}" /usr/bin/time -f '%e %M' -o "$work/atime" /usr/bin/python3 "$anchor" "$regions" "${picked[@]}" >"$work/alog" 2>&1 ||
		{ echo "bench-polygons: the anchor failed (it needs python3-geopandas and python3-rtree):" >&2; tail -n 3 "$work/alog" >&2; exit 1; }
	aPerDay=$(grep -o 'per_day_s=[0-9.]*' "$work/alog" | cut -d= -f2)
	read -r aWall aRSS <"$work/atime"
	anchorLine="| GeoPandas anchor, ${#picked[@]} days | ${aWall} s | ${aPerDay} s a day | $((aRSS / 1024)) MiB | frontline $(echo "scale=1; $aPerDay / $perDay" | bc)× faster per day |"
fi

cat <<EOF
$n daily files ($(basename "${files[0]}") … $(basename "${files[n-1]}")), one core each, on $(nproc) cores

| task | wall | CPU | peak RSS | note |
|---|---|---|---|---|
| import, all $n days | ${fullWall} s | ${fullCPU} s (${perDay} s a day) | ${fullRSS} MiB | |
| add the last day to the others' import | ${addWall} s | ${addCPU} s | ${addRSS} MiB | same files as the full import: $same |
| serve: /api/meta answers | ${meta} s | | | |
| serve: /api/stats of the last day answers | ${stats} s | | | |
| the whole daily series, first request | ${series} s | | | |
| serve, after the series and every change date's territory and front lines | | | ${serveRSS} MiB | |
$anchorLine
EOF
