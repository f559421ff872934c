#!/usr/bin/env bash
# Compares frontline serving a cached snapshot with nginx serving the same
# bytes as a static file: wrk on loopback, same machine, same run.
# Usage: scripts/bench-http.sh [DATE] [SECONDS]
# Environment: BENCH_PORT (frontline's port, default 18080; nginx uses the
# next one).
# Needs: nginx (nginx-light) and wrk from Debian; run `make build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
date=${1:-2016-12-06}
secs=${2:-10}
for t in nginx wrk; do
	command -v "$t" >/dev/null || { echo "bench-http: $t is missing: apt-get install -y nginx-light wrk" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-http: run make build first" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers run as www-data and must read the file
trap 'kill $fl_pid 2>/dev/null; nginx -c "$tmp/nginx.conf" -s stop 2>/dev/null; rm -rf "$tmp"' EXIT
fl_port=${BENCH_PORT:-18080}
ng_port=$((fl_port + 1))

# The request log samples one request in 100 by default, as in production.
bin/frontline serve --addr 127.0.0.1:$fl_port >/dev/null 2>"$tmp/frontline.log" &
fl_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$fl_port/healthz" >/dev/null && break; sleep 0.1; done

mkdir -p "$tmp/www"
curl -fs "http://127.0.0.1:$fl_port/api/snapshot/$date" -o "$tmp/www/snapshot.geojson"
# frontline's own gzip bytes, for nginx's gzip_static: the same bytes again.
curl -fs -H "Accept-Encoding: gzip" "http://127.0.0.1:$fl_port/api/snapshot/$date" -o "$tmp/www/snapshot.geojson.gz"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	types { application/geo+json geojson; }
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/www;
		etag on;
		gzip_static on;
	}
}
NGINX
nginx -c "$tmp/nginx.conf"
sleep 0.3
# Both must answer 200 with the same bytes, or the comparison means nothing.
cmp <(curl -fs "http://127.0.0.1:$ng_port/snapshot.geojson") "$tmp/www/snapshot.geojson" ||
	{ echo "bench-http: nginx does not serve the snapshot (see $tmp/nginx-error.log)" >&2; exit 1; }

run() {
	out=$(wrk -t2 -c32 -d"${secs}s" "$@")
	if grep -q "Non-2xx" <<<"$out"; then
		echo "bench-http: $1 answered errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/Requests\/sec/ {print $2}' <<<"$out"
}
compare() {
	local label=$1
	shift
	ng=$(run "$@" "http://127.0.0.1:$ng_port/snapshot.geojson")
	fl=$(run "$@" "http://127.0.0.1:$fl_port/api/snapshot/$date")
	echo "$label, wrk -t2 -c32 -d${secs}s"
	echo "  nginx     $ng req/s"
	echo "  frontline $fl req/s"
	awk -v a="$fl" -v b="$ng" 'BEGIN { printf "  ratio     %.0f%% of nginx\n", 100*a/b }'
}
compare "snapshot $date, $(wc -c <"$tmp/www/snapshot.geojson") bytes uncompressed"
compare "snapshot $date, $(wc -c <"$tmp/www/snapshot.geojson.gz") bytes gzip" -H "Accept-Encoding: gzip"
