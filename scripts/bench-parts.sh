#!/usr/bin/env bash
# The many-parts benchmark of issue 22, item 6: a district that is a
# MultiPolygon of N separate 20 m squares, 135 m apart (the small test
# dataset's district "islands" replaced), checked by `frontline validate`
# (which prepares the territories as serve does) and served until the front
# lines of the first date answer. Before the fix, 50,000 parts took validate
# 661 s and 1.1 GiB, and serve never became ready; the cost is meant to
# grow about linearly with N.
#
# Usage: scripts/bench-parts.sh [N ...]   (default: 10000 25000 50000)
# Environment: BENCH_PORT (default 18293), BENCH_DIR (work directory,
#   default a temporary one, removed).
# Needs: bin/frontline (make build), curl, /usr/bin/time, python3.
# Prints a Markdown table: N, validate's wall time and peak memory, and the
# time from starting serve to its first front lines.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 25000 50000)
port=${BENCH_PORT:-18293}
for t in curl /usr/bin/time python3; do
	command -v "$t" >/dev/null || { echo "bench-parts: $t is missing" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-parts: run make build first" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT

echo "| parts | validate s | validate peak MiB | serve to first front lines s |"
echo "|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	dir=$work/parts-$n
	rm -rf "$dir" && cp -r geo/testdata/small "$dir"
	python3 - "$dir/districts.geojson" "$n" <<'EOF'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
fc = json.load(open(path))
size, spacing = 0.00018, 0.0015  # about 20 m squares, 135 m apart
squares = []
for k in range(n):
    x, y = 37.2 + (k % 150) * spacing, 36.3 + (k // 150) * spacing
    squares.append([[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]])
for f in fc["features"]:
    if f["id"] == "islands":
        f["geometry"] = {"type": "MultiPolygon", "coordinates": squares}
json.dump(fc, open(path, "w"))
EOF
	/usr/bin/time -f '%e %M' -o "$work/time" bin/frontline validate --max-parts "$n" "$dir" >/dev/null
	read -r secs kib <"$work/time"
	start=$(date +%s.%N)
	bin/frontline serve --data "$dir" --max-parts "$n" --addr "127.0.0.1:$port" --log-level warn &
	pid=$!
	ready=""
	for _ in $(seq 1 6000); do
		if curl -fs "http://127.0.0.1:$port/api/frontlines/2016-11-15" >/dev/null 2>&1; then
			ready=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
			break
		fi
		sleep 0.1
	done
	kill "$pid" && wait "$pid" 2>/dev/null || true
	printf '| %d | %s | %d | %s |\n' "$n" "$secs" $((kib / 1024)) "${ready:-not ready in 600 s}"
done
