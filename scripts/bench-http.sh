#!/usr/bin/env bash
# Compares frontline serving cached answers with nginx serving the static
# site of the same dataset (frontline export --site, served with the
# site's own nginx.conf snippet as Debian's nginx.conf would include it:
# sendfile, tcp_nopush; gzip_static for the gzip form): the same requests,
# wrk on loopback, same machine, same run. Two answers: the snapshot of
# DATE (a large body) and the control states of DATE (a small one, where
# per-request cost shows), each plain and gzip.
# Usage: scripts/bench-http.sh [DATE] [SECONDS]
# Environment: BENCH_PORT (frontline's port, default 18080; nginx uses the
# next one).
# Needs: nginx (nginx-light) and wrk from Debian; run `make build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
date=${1:-2016-12-06}
secs=${2:-10}
for t in nginx wrk jq; do
	command -v "$t" >/dev/null || { echo "bench-http: $t is missing: apt-get install -y nginx-light wrk jq" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-http: run make build first" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers run as www-data and must read the file
fl_pid=
trap 'kill ${fl_pid:-} 2>/dev/null || true; nginx -p "$tmp" -c "$tmp/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
fl_port=${BENCH_PORT:-18080}
ng_port=$((fl_port + 1))

for port in $fl_port $ng_port; do
	! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench-http: port $port is in use (BENCH_PORT moves both)" >&2; exit 1; }
done
# The request log samples one request in 100 by default, as in production.
bin/frontline serve --addr 127.0.0.1:$fl_port >/dev/null 2>"$tmp/frontline.log" &
fl_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$fl_port/healthz" >/dev/null && break; sleep 0.1; done
# Another server on the port would answer for it: this one must be alive.
kill -0 "$fl_pid" 2>/dev/null || { echo "bench-http: frontline did not start:" >&2; cat "$tmp/frontline.log" >&2; exit 1; }

bin/frontline export --site "$tmp/site" --tiles off >/dev/null
chmod 755 "$tmp/site"
declare -A file
for kind in snapshot control; do
	file[$kind]=$(jq -r --arg k "/api/$kind/$date" '.files[$k].path' "$tmp/site/manifest.json")
done
cp /etc/nginx/mime.types "$tmp/"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on; # as Debian's nginx.conf has it
	tcp_nopush on;
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/site;
		include $tmp/site/nginx.conf;
	}
}
NGINX
nginx -p "$tmp" -c "$tmp/nginx.conf"
sleep 0.3
# Both must answer 200 with the same bytes, or the comparison means nothing.
for kind in snapshot control; do
	cmp <(curl -fs "http://127.0.0.1:$ng_port/${file[$kind]}") <(curl -fs "http://127.0.0.1:$fl_port/api/$kind/$date") ||
		{ echo "bench-http: nginx does not serve the $kind as frontline does (see $tmp/nginx-error.log)" >&2; exit 1; }
	cmp <(curl -fs -H "Accept-Encoding: gzip" "http://127.0.0.1:$ng_port/${file[$kind]}") "$tmp/site/${file[$kind]}.gz" ||
		{ echo "bench-http: nginx does not serve the site's gzip form of the $kind" >&2; exit 1; }
done

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
	local kind=$1 label=$2
	shift 2
	ng=$(run "$@" "http://127.0.0.1:$ng_port/${file[$kind]}")
	fl=$(run "$@" "http://127.0.0.1:$fl_port/api/$kind/$date")
	echo "$label, wrk -t2 -c32 -d${secs}s"
	echo "  nginx     $ng req/s"
	echo "  frontline $fl req/s"
	awk -v a="$fl" -v b="$ng" 'BEGIN { printf "  ratio     %.0f%% of nginx\n", 100*a/b }'
}
for kind in snapshot control; do
	compare "$kind" "$kind $date, $(wc -c <"$tmp/site/${file[$kind]}") bytes uncompressed"
	compare "$kind" "$kind $date, $(wc -c <"$tmp/site/${file[$kind]}.gz") bytes gzip" -H "Accept-Encoding: gzip"
done
