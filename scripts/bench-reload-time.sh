#!/usr/bin/env bash
# How long a reload takes on a real dataset from disk (the targets:
# 0.5 s for Aleppo, 3 s for 10,000 districts × 365 days and for the Ukraine
# archive), through the real command: `frontline serve --data DIR` is
# started on version A; then, ROUNDS times, version B (then A, then B …) is
# copied in as DIR.partial, renamed over DIR as import-polygons does, and
# the server is sent SIGHUP. Per round it prints the server's own account of
# the reload (loaded, checked and prepared: "prepared_in"; with the warm-up
# and the swap: "took") and the time from the signal until /healthz names
# the new version. No traffic runs: this is the reload alone (scripts/
# bench-reload.sh measures swaps under load).
#
# Usage: scripts/bench-reload-time.sh A B [ROUNDS]   (A and B: two versions of a
#   dataset directory, e.g. an import-polygons output before and after a day;
#   default 5 rounds)
# Environment: BENCH_PORT (default 18391).
# Needs: bin/frontline (make build), curl, jq.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: scripts/bench-reload-time.sh A B [ROUNDS]" >&2; exit 2; }
a=$(realpath "$1") b=$(realpath "$2") rounds=${3:-5}
port=${BENCH_PORT:-18391}
for t in curl jq; do
	command -v "$t" >/dev/null || { echo "bench-reload-time: $t is missing" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-reload-time: run make build first" >&2; exit 1; }
! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench-reload-time: port $port is in use (set BENCH_PORT)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
dir=$tmp/live
cp -r "$a" "$dir"
base=http://127.0.0.1:$port
bin/frontline serve --data "$dir" --addr "127.0.0.1:$port" --log-format json >/dev/null 2>"$tmp/log" &
pid=$!
dataset() { curl -fs "$base/healthz" | jq -r .dataset; }
at=
# Ready: the first version's districts are prepared (its front lines answer).
for _ in $(seq 600); do
	curl -fs "$base/api/meta" >/dev/null 2>&1 && m=$(curl -fs "$base/api/meta") && \
		curl -fs "$base/api/frontlines/$(jq -r .last_date <<<"$m")" >/dev/null && break
	kill -0 "$pid" 2>/dev/null || { echo "bench-reload-time: frontline stopped:" >&2; cat "$tmp/log" >&2; exit 1; }
	sleep 0.1
done
echo "serving $(jq -r '.title' <<<"$m"): $(jq -r '.districts | length' <<<"$(curl -fs "$base/api/control/$(jq -r .last_date <<<"$m")")") districts, $(jq -r .first_date <<<"$m") to $(jq -r .last_date <<<"$m")"

for i in $(seq "$rounds"); do
	if [ $((i % 2)) = 1 ]; then v=$b; else v=$a; fi
	before=$(dataset)
	rm -rf "$dir.partial" "$dir.old"
	cp -r "$v" "$dir.partial"
	mv "$dir" "$dir.old" && mv "$dir.partial" "$dir" && rm -rf "$dir.old"
	sync
	n=$(grep -c '"reloaded: ' "$tmp/log" || true)
	start=$(date +%s.%N)
	kill -HUP "$pid"
	h=
	for _ in $(seq 6000); do
		h=$(curl -fs "$base/healthz")
		[ "$(jq -r .dataset <<<"$h")" != "$before" ] && break
		[ "$(jq -r '.last_reload.result // empty' <<<"$h")" = refused ] && [ "$(jq -r '.last_reload.at' <<<"$h")" != "$at" ] && break
		sleep 0.01
	done
	end=$(date +%s.%N)
	at=$(jq -r '.last_reload.at // empty' <<<"$h")
	if [ "$(jq -r .dataset <<<"$h")" = "$before" ]; then
		echo "bench-reload-time: round $i ($(basename "$v")) did not go live: $(jq -c '.last_reload // "no reload yet"' <<<"$h")" >&2
		exit 1
	fi
	for _ in $(seq 100); do [ "$(grep -c '"reloaded: ' "$tmp/log" || true)" -gt "$n" ] && break; sleep 0.05; done
	line=$(grep '"reloaded: ' "$tmp/log" | tail -1)
	printf 'round %d (%s): loaded, checked and prepared in %.2f s, live in %.2f s; SIGHUP to /healthz naming it: %.2f s\n' "$i" "$(basename "$v")" \
		"$(jq -r '.prepared_in / 1e9' <<<"$line")" "$(jq -r '.took / 1e9' <<<"$line")" "$(echo "$end - $start" | bc)"
done
echo "frontline peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")"
