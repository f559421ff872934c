#!/usr/bin/env bash
# lighthouse.sh — Lighthouse 12 (npm) against the map page with Debian's chromium, on two datasets.
#
#   make build && scripts/lighthouse.sh [RUNS]
#
# Measures the page on the embedded dataset (Aleppo: 130 districts, 38 dates) and
# on a country (Ukraine: thousands of faces over months or years): the one in
# $UKRAINE (a directory `frontline import-polygons` wrote, e.g. from the whole
# DeepState archive as the README shows), else one it imports from DeepState's
# sample days in ../shared/ukraine beside the repository and the raions and
# sides of data/ukraine-raions (about a minute; GPL data, written to a
# temporary directory, never to the repository). Without
# either, only Aleppo is measured. Each is served on a free port of 127.0.0.1
# (LIGHTHOUSE_PORT to choose one; the server must be this script's, so a port
# another server holds is an error) without basemap tiles; Lighthouse runs RUNS times (default 3) with its mobile settings
# and once with --preset=desktop, and each run's scores and metrics are printed,
# then the median mobile performance per dataset. Lighthouse goes into a
# temporary npm prefix, never into the project; LIGHTHOUSE_OUT=DIR keeps the
# reports (DATASET-RUN.json) there; a run with --throttling-method=devtools
# (mobile-devtools, not in the median) gives map-ready, the time to the map drawn
# in its first date's colours, as a phone would see it; LIGHTHOUSE_SETS=ukraine measures that one
# alone. An accessibility or best-practices score below 1 is followed by the
# audits that failed. Scores depend on the machine being
# otherwise idle: the load average is printed before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=bin/frontline
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 1; }
command -v npm >/dev/null || { echo "needs npm (apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
npm install --silent --no-audit --no-fund --prefix "$work" lighthouse@12 >/dev/null

ukraine=${UKRAINE:-}
shared=../shared/ukraine
if [ -z "$ukraine" ] && [ -d "$shared/deepstate-sample" ]; then
  ukraine=$work/ukraine
  echo "importing $shared into $ukraine (about a minute)"
  "$bin" import-polygons --out "$ukraine" --side russia="$shared/deepstate-sample/deepstatemap_data_*.geojson" --rest ukraine \
    --regions data/ukraine-raions/osm-raions.geojson.gz --region-id osm_id --region-name name --group oblast \
    --sides data/ukraine-raions/sides.csv --title "Russian-occupied Ukraine (DeepState sample)" \
    >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
fi

port=${LIGHTHOUSE_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base=http://127.0.0.1:$port
serve() { # data dir or "" for the embedded dataset
  if [ -n "$pid" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  local data=()
  [ -n "$1" ] && data=(--data "$1")
  "$bin" serve --addr "127.0.0.1:$port" --tiles off "${data[@]}" >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "the server on port $port did not start" >&2; exit 1; }
  # Warm the server's caches (display layers, the first view's states, territories and series):
  # the page is measured, not the server's first encoding of each answer.
  local u
  for u in $(curl -sf "$base/api/meta" | python3 -c '
import json, sys
m = json.load(sys.stdin)
first, last = m["first_date"], m["last_date"]
d, c = m.get("view_date") or last, m.get("view_compare")
print("api/districts.topojson", *[f"api/districts.topojson?z={z}" for z in range(2, 10)],
      f"api/control/{d}", f"api/frontlines/{d}", f"api/stats?from={first}&to={last}", f"api/stats/{d}?by=group",
      *([f"api/control/{c}", f"api/changes/summary?from={c}&to={d}"] if c else []))'); do
    curl -sf -o /dev/null "$base/$u" || true # ?by=group: a dataset without groups answers 400, as to the page
  done
}

run() { # dataset name, run name, extra lighthouse flags...
  local set=$1 name=$2; shift 2
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  CHROME_PATH=$(command -v chromium) "$work/node_modules/.bin/lighthouse" "$base/" "$@" \
    --only-categories=performance,accessibility,best-practices --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" --output=json --output-path="$work/$set-$name.json"
  python3 - "$work/$set-$name.json" "$set $name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audits"]
# map-ready: when the page had drawn the map in the first date's colours (its performance mark), as observed:
# under --throttling-method=devtools a phone's time, under the default simulation the unthrottled one.
ready = [i["startTime"] for i in (a.get("user-timings", {}).get("details") or {}).get("items", []) if i.get("name") == "frontline:map-ready"]
print(sys.argv[2], " ".join(f"{k}={c['score']}" for k, c in r["categories"].items()),
      " ".join(f"{m}={a[m]['displayValue']}" for m in ["first-contentful-paint", "largest-contentful-paint",
               "total-blocking-time", "cumulative-layout-shift", "speed-index"]),
      f"map-ready={ready[0] / 1000:.1f} s" if ready else "map-ready=none")
# What an accessibility or best-practices score below 1 is made of: the audits that failed, and where.
for cat in ("accessibility", "best-practices"):
    for ref in r["categories"][cat]["auditRefs"]:
        au = a[ref["id"]]
        if ref["weight"] > 0 and au["score"] is not None and au["score"] < 1:
            items = (au.get("details") or {}).get("items") or []
            print(f"  {cat} failed: {ref['id']} ({au['title']}):",
                  "; ".join(str((i.get("node") or {}).get("selector", i)) for i in items[:5]))
PY
}

sets=(aleppo)
[ -n "$ukraine" ] && sets+=(ukraine)
# LIGHTHOUSE_SETS="ukraine" measures only those of the datasets above.
[ -n "${LIGHTHOUSE_SETS:-}" ] && read -ra sets <<<"$LIGHTHOUSE_SETS"
for set in "${sets[@]}"; do
  case $set in
    aleppo) serve "" ;;
    ukraine) [ -n "$ukraine" ] || { echo "no Ukraine dataset: set UKRAINE=DIR or put the shared folder at $shared" >&2; exit 1; }; serve "$ukraine" ;;
    *) echo "unknown dataset $set (aleppo, ukraine)" >&2; exit 1 ;;
  esac
  for i in $(seq "$runs"); do run "$set" "mobile-$i"; done
  # Once with the phone's CPU and network applied to the page itself: map-ready is then a phone's time to the map
  # (LCP cannot say it: the map is SVG paths, never a candidate; LCP is the search box's placeholder).
  run "$set" mobile-devtools --throttling-method=devtools
  run "$set" desktop --preset=desktop
done
python3 - "$work" "$runs" "${sets[@]}" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
for s in sys.argv[3:]:
    scores = [json.load(open(f"{work}/{s}-mobile-{i}.json"))["categories"]["performance"]["score"] for i in range(1, runs + 1)]
    print(f"{s}: median mobile performance {statistics.median(scores)}")
PY
[ -n "$ukraine" ] || echo "no Ukraine dataset: set UKRAINE=DIR or put the shared folder at $shared"
if [ -n "${LIGHTHOUSE_OUT:-}" ]; then mkdir -p "$LIGHTHOUSE_OUT" && cp "$work"/*-mobile-*.json "$work"/*-desktop.json "$LIGHTHOUSE_OUT"/; fi
