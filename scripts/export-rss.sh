#!/usr/bin/env bash
# Measures `frontline export` on a synthetic dataset with /usr/bin/time -v and
# fails when its peak RSS passes the budget.
# Usage: scripts/export-rss.sh [NX NY DAYS BUDGET_MIB]   (default 100 100 365 500)
set -euo pipefail
cd "$(dirname "$0")/.."
nx=${1:-100} ny=${2:-100} days=${3:-365} budget=${4:-500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s build
bin/frontline synth --out "$tmp/data" --nx "$nx" --ny "$ny" --dates "$days" >/dev/null
/usr/bin/time -v bin/frontline export --data "$tmp/data" --out "$tmp/export" >"$tmp/out" 2>"$tmp/time"
cat "$tmp/out"
grep -E 'Elapsed|Maximum resident' "$tmp/time"
kb=$(awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}' "$tmp/time")
echo "export of ${nx}×${ny} districts × ${days} days: peak RSS $((kb / 1024)) MiB (budget ${budget} MiB)"
[ "$kb" -le $((budget * 1024)) ]
