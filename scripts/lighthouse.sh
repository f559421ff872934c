#!/usr/bin/env bash
# lighthouse.sh — Lighthouse 12 (npm) against the map page with Debian's chromium.
#
#   make build && scripts/lighthouse.sh [RUNS]
#
# Serves the embedded dataset on 127.0.0.1:18480 without basemap tiles, runs
# Lighthouse RUNS times (default 3) with its mobile settings and once with
# --preset=desktop, and prints each run's scores and metrics plus the median
# mobile performance score. Lighthouse goes into a temporary npm prefix, never
# into the project. Scores depend on the machine being otherwise idle: the
# script prints the load average before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=bin/frontline
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 1; }
command -v npm >/dev/null || { echo "needs npm (apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
npm install --silent --no-audit --no-fund --prefix "$work" lighthouse@12 >/dev/null
"$bin" serve --addr 127.0.0.1:18480 --tiles off >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18480/healthz >/dev/null && break; sleep 0.1; done

run() { # name, extra lighthouse flags...
  local name=$1; shift
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  CHROME_PATH=$(command -v chromium) "$work/node_modules/.bin/lighthouse" http://127.0.0.1:18480/ "$@" \
    --only-categories=performance,accessibility,best-practices --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" --output=json --output-path="$work/$name.json"
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audits"]
print(sys.argv[2], " ".join(f"{k}={c['score']}" for k, c in r["categories"].items()),
      " ".join(f"{m}={a[m]['displayValue']}" for m in ["first-contentful-paint", "largest-contentful-paint",
               "total-blocking-time", "cumulative-layout-shift", "speed-index"]))
PY
}
for i in $(seq "$runs"); do run "mobile-$i"; done
run desktop --preset=desktop
python3 - "$work" "$runs" <<'PY'
import json, statistics, sys
s = [json.load(open(f"{sys.argv[1]}/mobile-{i}.json"))["categories"]["performance"]["score"] for i in range(1, int(sys.argv[2]) + 1)]
print("median mobile performance:", statistics.median(s))
PY
