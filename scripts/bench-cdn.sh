#!/usr/bin/env bash
# A spike of readers on the live server behind a cache (issue 20): nginx
# configured as docs/nginx-cache.conf says, in front of frontline serve;
# wrk opens CLIENTS connections at once that ask, round after round, for
# every request the page makes when it opens (the page, its files, meta,
# the drawing TopoJSON, the series, the control states and front lines of
# the view, the comparison's summary, a district, the references). It
# prints how many requests nginx answered and how many reached frontline,
# per URL, from frontline's request log: about one per URL (per version,
# per lifetime of the answer) is the goal.
# Usage: scripts/bench-cdn.sh [CLIENTS] [SECONDS]   (default 1000 clients, 10 s)
# Environment: BENCH_PORT (frontline's port, default 18090; nginx uses the next one).
# Needs: nginx (nginx-light), wrk and jq from Debian; run `make build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-1000}
secs=${2:-10}
for t in nginx wrk jq curl; do
	command -v "$t" >/dev/null || { echo "bench-cdn: $t is missing: apt-get install -y nginx-light wrk jq curl" >&2; exit 1; }
done
[ -x bin/frontline ] || { echo "bench-cdn: run make build first" >&2; exit 1; }
ulimit -n $((clients * 2 + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d)
chmod 755 "$tmp"
fl_pid=
trap 'kill ${fl_pid:-} 2>/dev/null || true; nginx -p "$tmp" -c "$tmp/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
fl_port=${BENCH_PORT:-18090}
ng_port=$((fl_port + 1))
for port in $fl_port $ng_port; do
	! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench-cdn: port $port is in use (BENCH_PORT moves both)" >&2; exit 1; }
done

# Every request is logged (--log-sample 1): the log counts what reached frontline.
bin/frontline serve --addr 127.0.0.1:$fl_port --log-sample 1 --log-format json --base-url "http://127.0.0.1:$ng_port" \
	--trusted-proxies 127.0.0.1 >/dev/null 2>>"$tmp/frontline.log" &
fl_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$fl_port/healthz" >/dev/null && break; sleep 0.1; done
kill -0 "$fl_pid" 2>/dev/null || { echo "bench-cdn: frontline did not start:" >&2; cat "$tmp/frontline.log" >&2; exit 1; }

cp /etc/nginx/mime.types "$tmp/"
sed -e "s#/var/cache/nginx/frontline#$tmp/cache#" -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$fl_port;#" \
	-e "s#listen 80;#listen 127.0.0.1:$ng_port;#" docs/nginx-cache.conf >"$tmp/frontline-cache.conf"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes auto;
worker_rlimit_nofile $((clients * 4 + 1024));
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections $((clients * 2 + 1024)); }
http {
	include mime.types;
	log_format cache '\$upstream_cache_status \$request_uri';
	access_log $tmp/nginx-access.log cache;
	sendfile on;
	tcp_nopush on;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	include $tmp/frontline-cache.conf;
}
NGINX
nginx -p "$tmp" -c "$tmp/nginx.conf"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$ng_port/healthz" >/dev/null && break; sleep 0.1; done

# The page's requests when it opens on the dataset's own view.
meta=$(curl -fs "http://127.0.0.1:$fl_port/api/meta")
first=$(jq -r .first_date <<<"$meta")
last=$(jq -r .last_date <<<"$meta")
view=$(jq -r '.view_date // .last_date' <<<"$meta")
compare=$(jq -r '.view_compare // .first_date' <<<"$meta")
district=$(curl -fs "http://127.0.0.1:$fl_port/api/control/$view" | jq -r '.districts | keys[0]')
paths=(/ /api/meta /api/districts.topojson /api/references "/api/stats?from=$first&to=$last"
	"/api/control/$view" "/api/control/$compare" "/api/frontlines/$view"
	"/api/changes/summary?from=$compare&to=$view" "/api/districts/$district")
# The page's own files, under the names index.html gives them.
while read -r f; do paths+=("/$f"); done < <(curl -fs "http://127.0.0.1:$fl_port/" | grep -oE '(src|href)="[^":#]+"' | sed -E 's/^(src|href)="//; s/"$//' | grep -v "^\./$" | sort -u)
# Nothing of the warm-up (the requests above) may count: the log is written
# every 100 ms.
sleep 0.5
: >"$tmp/frontline.log"

lua=$tmp/paths.lua
{
	echo "paths = {"
	for p in "${paths[@]}"; do printf '  "%s",\n' "$p"; done
	echo "}"
	cat <<'LUA'
counter = 0
request = function()
	counter = counter + 1
	return wrk.format("GET", paths[(counter % #paths) + 1], { ["Accept-Encoding"] = "gzip, deflate, br, zstd" })
end
LUA
} >"$lua"

threads=$(( $(nproc) < 4 ? $(nproc) : 4 ))
out=$(wrk -t"$threads" -c"$clients" -d"${secs}s" --timeout 30s -s "$lua" "http://127.0.0.1:$ng_port")
echo "$out"
grep -q "Non-2xx" <<<"$out" && { echo "bench-cdn: nginx answered errors (see $tmp/nginx-error.log)" >&2; exit 1; }

echo
echo "${#paths[@]} URLs, $clients clients, ${secs} s through nginx ($(wc -l <"$tmp/nginx-access.log") requests):"
echo "  nginx cache status: $(awk '{print $1}' "$tmp/nginx-access.log" | sort | uniq -c | awk '{printf "%s %s  ", $2, $1}')"
echo "  reached frontline (request log), per URL:"
jq -r 'select(.msg == "request") | .uri' "$tmp/frontline.log" | sort | uniq -c | sort -rn | awk '{printf "    %6d  %s\n", $1, $2}'
echo "  in all: $(jq -r 'select(.msg == "request") | .uri' "$tmp/frontline.log" | wc -l) requests reached frontline"
