#!/usr/bin/env bash
# The long form of server's TestLiveUnderLoad (issue 19): wrk on a mix of
# snapshot, stats series, territory and meta requests against
# `frontline serve --data DIR --watch` while DIR is replaced every few
# seconds as import-polygons does it (DIR.partial renamed to DIR), good and
# broken versions alternately. Reports the answers other than 2xx (304
# allowed; must be 0), whether each good version went live and each broken
# one was refused while the version before stayed live, and the server's
# peak RSS against its target: the cache's budget plus twice the memory of
# the process serving one prepared version (the one served and the next,
# loaded beside it until the swap).
#
# Usage: scripts/bench-reload.sh [-d SECONDS] [-c CONNECTIONS] [-s SWAP_SECONDS] [-m CACHE_MB]
#   defaults: 60 s, 64 connections, a swap every 5 s, serve's --cache-mb 64.
# Environment: BENCH_PORT (default 18390), BENCH_DATA (the dataset, default
#   data/aleppo-2016).
# Needs: bin/frontline (make build), wrk (scripts/deps.sh test), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=60 conns=64 every=5 cache=64
while getopts "d:c:s:m:" opt; do
	case $opt in
	d) secs=${OPTARG%s} ;;
	c) conns=$OPTARG ;;
	s) every=${OPTARG%s} ;;
	m) cache=$OPTARG ;;
	*) echo "usage: scripts/bench-reload.sh [-d SECONDS] [-c CONNECTIONS] [-s SWAP_SECONDS] [-m CACHE_MB]" >&2; exit 2 ;;
	esac
done
port=${BENCH_PORT:-18390}
src=${BENCH_DATA:-data/aleppo-2016}
for t in wrk curl python3; do
	command -v "$t" >/dev/null || { echo "bench-reload: $t is missing (scripts/deps.sh test installs wrk)" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-reload: run make build first" >&2; exit 1; }
! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench-reload: port $port is in use (set BENCH_PORT)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
trap 'kill ${pid:-} 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"' EXIT
base=http://127.0.0.1:$port

# The versions: A as given, B with a day added, two broken ones (a row naming
# no district; districts.geojson cut short).
mkdir -p "$tmp/A"
for f in dataset.json sides.csv districts.geojson control.csv references.csv; do
	[ -f "$src/$f" ] && cp "$src/$f" "$tmp/A/"
done
cp -r "$tmp/A" "$tmp/B"
cp -r "$tmp/A" "$tmp/broken-row"
cp -r "$tmp/A" "$tmp/broken-geojson"
last=$(python3 -c 'import csv,sys; print(max(r["date"] for r in csv.DictReader(open(sys.argv[1]))))' "$tmp/A/control.csv")
district=$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["district"])' "$tmp/A/control.csv")
side=$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["id"])' "$tmp/A/sides.csv")
next_day=$(python3 -c 'import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=1))' "$last")
echo "$next_day,$district,$side,1,,bench-reload: a new day" >>"$tmp/B/control.csv"
echo "$next_day,no-such-district,$side,1,,bench-reload: broken" >>"$tmp/broken-row/control.csv"
head -c 1000 "$tmp/A/districts.geojson" >"$tmp/broken-geojson/districts.geojson"

dir=$tmp/live
cp -r "$tmp/A" "$dir"
# The request log samples one request in 100, as in production.
bin/frontline serve --data "$dir" --watch --cache-mb "$cache" --addr "127.0.0.1:$port" >/dev/null 2>"$tmp/frontline.log" &
pid=$!
for _ in $(seq 300); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null || { echo "bench-reload: frontline did not start:" >&2; cat "$tmp/frontline.log" >&2; exit 1; }
# One version served, its districts prepared (the front lines of its last
# date answer), nothing cached yet: the memory of the process and one
# dataset. The target for the peak: that, plus the cache's budget
# (--cache-mb), plus one more dataset (the next version, loaded beside the
# one served until the swap).
last_date=$(curl -fs "$base/api/meta" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_date"])')
curl -fs "$base/api/frontlines/$last_date" >/dev/null
one=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
budget=$((2 * one + cache * 1024))

# The requests: snapshots and territories of the change dates, the whole
# series, the meta; gzip, as browsers ask.
python3 - "$base" "$tmp/paths.lua" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
m = json.load(urllib.request.urlopen(base + "/api/meta"))
dates = m["change_dates"][:: max(1, len(m["change_dates"]) // 8)]
paths = ["/api/meta", "/api/stats?from=%s&to=%s" % (m["first_date"], m["last_date"])]
for d in dates:
    paths += ["/api/snapshot/" + d, "/api/territory/" + d]
with open(out, "w") as f:
    f.write("paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n")
# The answers computed once before the clients come: what is measured is
# the swaps, not the start.
for p in paths:
    urllib.request.urlopen(urllib.request.Request(base + p, headers={"Accept-Encoding": "gzip"})).read()
PY
cat >"$tmp/mix.lua" <<LUA
dofile("$tmp/paths.lua")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#paths); bad = 0; n = 0 end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], { ["Accept-Encoding"] = "gzip" })
end
function response(status, headers, body)
	n = n + 1
	if (status < 200 or status > 299) and status ~= 304 then bad = bad + 1 end
end
function done(summary, latency, requests)
	local b, t = 0, 0
	for _, th in ipairs(threads) do b = b + th:get("bad"); t = t + th:get("n") end
	io.write(string.format("answers: %d, non-2xx (304 allowed): %d\n", t, b))
end
LUA

health() { curl -fs "$base/healthz" | python3 -c 'import json,sys; h=json.load(sys.stdin); r=h.get("last_reload") or {}; print(h["dataset"], r.get("result",""))'; }

# The swaps, while wrk runs: B, broken, A, broken, … each copied in as
# DIR.partial and renamed over DIR.
swapper() {
	local order=(B broken-row A broken-geojson) k=0 failed=0 end=$((SECONDS + secs))
	while [ $((SECONDS + every)) -le "$end" ]; do
		sleep "$every"
		local v=${order[$((k % 4))]} before after start=$SECONDS
		k=$((k + 1))
		before=$(health)
		rm -rf "$dir.partial" "$dir.old"
		cp -r "$tmp/$v" "$dir.partial"
		mv "$dir" "$dir.old" && mv "$dir.partial" "$dir" && rm -rf "$dir.old"
		# The watch waits for 2 × 500 ms of quiet, then loads and prepares.
		for _ in $(seq 100); do
			sleep 0.1
			after=$(health)
			[ "$after" != "$before" ] && [ "${after#* }" != "" ] && break
		done
		case $v in
		broken-*) want=refused ;;
		*) want=swapped ;;
		esac
		if [ "${after#* }" = "$want" ] && { [ "$want" = swapped ] || [ "${after% *}" = "${before% *}" ]; }; then
			echo "swap $k ($v): $want within $((SECONDS - start)) s, serving ${after% *}"
		else
			echo "swap $k ($v): expected $want, got: $after (before: $before)"
			failed=$((failed + 1))
		fi
	done
	echo "$failed" >"$tmp/swap-failures"
}
swapper &
swapper_pid=$!
wrk -t2 -c"$conns" -d"${secs}s" -s "$tmp/mix.lua" "$base" | tee "$tmp/wrk.out"
wait "$swapper_pid"
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "frontline peak RSS: $peak kB (one version prepared: $one kB; the target, twice that plus the $cache MiB cache: $budget kB)"
bad=$(awk '/non-2xx/ {print $NF}' "$tmp/wrk.out")
failed=$(cat "$tmp/swap-failures")
if [ "${bad:-1}" != 0 ] || [ "$failed" != 0 ] || [ "$peak" -gt "$budget" ]; then
	echo "bench-reload: FAILED: $bad answers not 2xx, $failed swaps not as expected, peak RSS $peak kB against $budget kB (log: $tmp/frontline.log)" >&2
	grep -E 'level=(ERROR|WARN)' "$tmp/frontline.log" | tail -20 >&2 || true
	exit 1
fi
echo "bench-reload: ok"
