#!/usr/bin/env bash
# Issue 10's scale benchmark: frontline against GeoPandas on the same
# synthetic dataset (10,000 hexagonal districts, 365 change dates, ~61,500
# control rows), both pinned to one core, in the same run.
#
# Usage: scripts/bench-scale.sh [ANCHOR]
#   ANCHOR is the GeoPandas anchor script (geopandas_anchor.py); by default
#   ../shared/anchors/geopandas_anchor.py when present, else (or with
#   ANCHOR "none") GeoPandas is skipped. It runs with Debian's
#   /usr/bin/python3 (python3-geopandas).
# Environment: BENCH_CPU (core to pin to, default 0), BENCH_PORT (default
#   18290), BENCH_DIR (work directory, default a temporary one, removed),
#   BENCH_RUNS (fresh starts of frontline for the load and the first series,
#   default 3: the median is reported, with the range).
# Needs: bin/frontline (make build), curl, taskset, /usr/bin/time.
# Prints a Markdown table: each task's wall time (and frontline's CPU time),
# GeoPandas's, the ratio and whether issue 10's target is met.
set -euo pipefail
cd "$(dirname "$0")/.."

anchor=${1:-}
if [ -z "$anchor" ] && [ -f ../shared/anchors/geopandas_anchor.py ]; then
	anchor=../shared/anchors/geopandas_anchor.py
elif [ "$anchor" = none ]; then
	anchor=
elif [ -n "$anchor" ] && [ ! -f "$anchor" ]; then
	echo "bench-scale: no anchor script at $anchor" >&2
	exit 1
fi
cpu=${BENCH_CPU:-0}
port=${BENCH_PORT:-18290}
for t in curl taskset /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-scale: $t is missing" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-scale: run make build first" >&2; exit 1; }
bin=$PWD/bin/frontline
pin=(taskset -c "$cpu")
# This script and its curl run on another core, if there is one, so that
# polling and fetching do not take the measured core's time.
other=$(awk -v c="$cpu" '/^processor/ && $3 != c { print $3; exit }' /proc/cpuinfo)
[ -n "$other" ] && taskset -pc "$other" $$ >/dev/null

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ -z "${BENCH_DIR:-}" ] && rm -rf "$work"
	return 0
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# cpu_secs PID: user + system CPU seconds of a running process.
cpu_secs() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mib() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

data=$work/data
"$bin" synth --out "$data" --nx 100 --ny 100 --dates 365 --shape hex --pace 0.16 >/dev/null
rows=$(($(wc -l <"$data/control.csv") - 1))
dates=$(tail -n +2 "$data/control.csv" | cut -d, -f1 | sort -u)
first=$(head -1 <<<"$dates")
last=$(tail -1 <<<"$dates")
ndates=$(wc -l <<<"$dates")
base="http://127.0.0.1:$port"
echo "dataset: 10,000 hexagonal districts, $ndates change dates ($first to $last), $rows control rows; one core (taskset -c $cpu)" >&2

# urls KIND...: a curl config fetching /api/KIND/DATE for every change date.
urls() {
	for kind in "$@"; do
		while read -r d; do
			printf 'url = "%s/api/%s/%s"\noutput = "/dev/null"\n' "$base" "$kind" "$d"
		done <<<"$dates"
	done
}
# fetch CONFIG [CURL ARGS]: every URL of CONFIG on one connection; fails on
# any error status.
fetch() {
	local cfg=$1
	shift
	curl -fsS "$@" -K "$cfg"
}

# ---------------------------------------------------------------- frontline
# start: a fresh server; sets pid, and load, health, load_cpu (seconds
# from the start until /healthz answers and until every endpoint does:
# territories and frontlines wait for the districts to be prepared).
start() {
	local t0 t_health t_ready
	t0=$(now)
	"${pin[@]}" "$bin" serve --data "$data" --addr "127.0.0.1:$port" --log-sample 1000000 >/dev/null 2>"$work/serve.log" &
	pid=$!
	until curl -fs -o /dev/null "$base/healthz"; do
		kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
		sleep 0.01
	done
	t_health=$(now)
	curl -fsS -o /dev/null "$base/api/frontlines/$first"
	t_ready=$(now)
	load=$(secs "$t0" "$t_ready")
	load_cpu=$(cpu_secs "$pid")
	health=$(secs "$t0" "$t_health")
}
# idle: waits (at most 20 s) until the server uses no more CPU, so that
# background work of the start-up (compressing the page's files) is not
# counted in the next measurement.
idle() {
	local a b
	for _ in $(seq 100); do
		a=$(cpu_secs "$pid")
		sleep 0.2
		b=$(cpu_secs "$pid")
		[ "$a" = "$b" ] && return
	done
}
# first_series: the first whole daily series of a fresh, idle server;
# sets series and series_cpu.
first_series() {
	local c0 t
	idle
	c0=$(cpu_secs "$pid")
	t=$(now)
	curl -fsS -o /dev/null "$base/api/stats?from=$first&to=$last"
	series=$(secs "$t" "$(now)")
	series_cpu=$(awk -v a="$c0" -v b="$(cpu_secs "$pid")" 'BEGIN { printf "%.2f", b - a }')
}
stop() {
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
}
# median VALUES...: the middle value, and the range, as "m (a–b)".
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%s", v[int((NR + 1) / 2)]; if (NR > 1) printf " (%s–%s)", v[1], v[NR] }'; }

runs=${BENCH_RUNS:-3}
loads=() load_cpus=() healths=() seriess=() series_cpus=()
for run in $(seq "$runs"); do
	start
	first_series
	loads+=("$load") load_cpus+=("$load_cpu") healths+=("$health") seriess+=("$series") series_cpus+=("$series_cpu")
	[ "$run" -lt "$runs" ] && stop
done
load=$(median "${loads[@]}" | cut -d' ' -f1)
series=$(median "${seriess[@]}" | cut -d' ' -f1)
load_s=$(median "${loads[@]}") load_cpu_s=$(median "${load_cpus[@]}") health_s=$(median "${healths[@]}")
series_s=$(median "${seriess[@]}") series_cpu_s=$(median "${series_cpus[@]}")

urls territory >"$work/territory.curl"
urls frontlines >"$work/frontlines.curl"
c0=$(cpu_secs "$pid")
t=$(now)
fetch "$work/territory.curl"
terr=$(secs "$t" "$(now)")
c1=$(cpu_secs "$pid")
t=$(now)
fetch "$work/frontlines.curl"
front=$(secs "$t" "$(now)")
c2=$(cpu_secs "$pid")
terr_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
front_cpu=$(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f", b - a }')
both=$(awk -v a="$terr" -v b="$front" 'BEGIN { printf "%.2f", a + b }')

# Serving everything: every endpoint for every change date, plain and gzip.
urls snapshot control stats territory frontlines >"$work/all.curl"
{
	printf 'url = "%s/api/districts"\noutput = "/dev/null"\n' "$base"
	printf 'url = "%s/api/meta"\noutput = "/dev/null"\n' "$base"
	printf 'url = "%s/api/stats?from=%s&to=%s&format=csv"\noutput = "/dev/null"\n' "$base" "$first" "$last"
	printf 'url = "%s/api/changes?from=%s&to=%s"\noutput = "/dev/null"\n' "$base" "$first" "$last"
	printf 'url = "%s/api/changes/summary?from=%s&to=%s"\noutput = "/dev/null"\n' "$base" "$first" "$last"
} >>"$work/all.curl"
t=$(now)
fetch "$work/all.curl"
fetch "$work/all.curl" -H "Accept-Encoding: gzip"
everything=$(secs "$t" "$(now)")
requests=$((2 * $(grep -c '^url' "$work/all.curl")))
rss=$(rss_mib "$pid")
stop

# export of the whole range (peak memory; it writes every day's files)
/usr/bin/time -v "${pin[@]}" "$bin" export --data "$data" --out "$work/export" >/dev/null 2>"$work/export.time"
export_rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/export.time")
export_s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$work/export.time")
rm -rf "$work/export"

# ---------------------------------------------------------------- GeoPandas
gp_load=- gp_series=- gp_terr=- gp_rss=- gp_note="GeoPandas not run (no anchor script)"
if [ -n "$anchor" ]; then
	[ -x /usr/bin/python3 ] || { echo "bench-scale: /usr/bin/python3 is missing" >&2; exit 1; }
	/usr/bin/time -v "${pin[@]}" /usr/bin/python3 "$anchor" "$data" "$work/geopandas" >"$work/geopandas.out" 2>"$work/geopandas.time" ||
		{ cat "$work/geopandas.out" "$work/geopandas.time" >&2; exit 1; }
	result=$(grep '^RESULT ' "$work/geopandas.out")
	field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
	gp_load=$(field load_s)
	gp_series=$(field a_s)
	gp_terr=$(field b_total_s)
	gp_rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/geopandas.time")
	gp_note="GeoPandas: $(grep '^versions:' "$work/geopandas.out" | sed 's/^versions: //')"
fi

# ratio A B: A/B, or - when B is unknown.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || b == 0) print "-"; else printf "%.3f", a / b }'; }
# verdict VALUE OP LIMIT
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { if (v == "-" || l == "-") print "?"; else if ((op == "<=" && v <= l) || (op == ">=" && v >= l)) print "met"; else print "NOT met" }'; }

r_load=$(ratio "$load" "$gp_load")
r_series=$(ratio "$series" "$gp_series")
r_terr=$(ratio "$terr" "$gp_terr")
r_both=$(ratio "$both" "$gp_terr")
cat <<EOF
| task | frontline (wall; CPU) | GeoPandas | frontline / GeoPandas | target | |
|---|---:|---:|---:|---|---|
| load until every endpoint answers (/healthz at ${health_s} s) | ${load_s} s; ${load_cpu_s} s | ${gp_load} s | ${r_load} | ≤ 1 | $(verdict "$r_load" "<=" 1) |
| whole daily series, first request | ${series_s} s; ${series_cpu_s} s | ${gp_series} s | ${r_series} | ≤ 0.1 | $(verdict "$r_series" "<=" 0.1) |
| territories, all $ndates change dates | ${terr} s; ${terr_cpu} s | ${gp_terr} s | ${r_terr} | | |
| frontlines, all $ndates change dates | ${front} s; ${front_cpu} s | — | | | |
| territories + frontlines | ${both} s | ${gp_terr} s (territories) | ${r_both} | ≤ 0.1 | $(verdict "$r_both" "<=" 0.1) |
| peak RSS serving everything ($requests requests in ${everything} s) | ${rss} MiB | ${gp_rss} MiB (whole script) | | ≤ 400 MiB | $(verdict "$rss" "<=" 400) |
| \`frontline export\`, whole range (${export_s} s) | ${export_rss} MiB | — | | ≤ 500 MiB | $(verdict "$export_rss" "<=" 500) |

frontline: median of $runs fresh starts for the load and the first series (range in brackets); one run
for the rest. Wall time, then the CPU time frontline used. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
$gp_note
EOF
