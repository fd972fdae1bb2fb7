#!/usr/bin/env bash
# HTTP load benchmark: a trivial JSON route of dictra against nginx serving a static JSON body,
# in the same run on the same machine, each server pinned to one core and wrk to the other.
#
#   bench/http_load.sh [path/to/dictra]        (default build/bench/dictra; needs wrk and nginx)
#
# Prints requests/second for both and the ratio. Durations and connections via env:
# DURATION (default 10s), CONNECTIONS (default 64).
set -euo pipefail
dictra=${1:-build/bench/dictra}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -f $work/nginx.pid ]] && kill $(cat $work/nginx.pid) 2>/dev/null; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "http_load: wrk is missing (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "http_load: nginx is missing (apt-get install nginx-light)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

server_cpu=1
client_cpu=0
if [[ $(nproc) -lt 2 ]]; then server_cpu=0; fi

rps() { awk '/Requests\/sec/ {print $2}'; }

# --- dictra: one I/O thread, access log to a file (as in production, logs are shipped off-box)
DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123 taskset -c $server_cpu \
  "$dictra" serve --only settlement --settlement-port 0 --io-threads 1 --db "sqlite:$work/bench.db" \
  > "$work/dictra.log" 2>&1 &
for _ in $(seq 100); do grep -q '"listening"' "$work/dictra.log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/dictra.log" | head -1 | cut -d: -f2)
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$port/health" >/dev/null  # warm-up
dictra_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/health")
kill %1; wait %1 2>/dev/null || true

# --- nginx: one worker, a static JSON body of the same size, no access log
printf '{"status":"ok"}' > "$work/health.json"
# nginx's worker runs as an unprivileged user: it must be able to read the file (mktemp -d is
# 0700), or every answer is a 403 and the comparison means nothing.
chmod 0755 "$work"; chmod 0644 "$work/health.json"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity auto;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server {
    listen 127.0.0.1:18089;
    location = /health { alias $work/health.json; }
  }
}
CONF
taskset -c $server_cpu "$nginx_bin" -c "$work/nginx.conf" -p "$work"
sleep 0.3
curl -sf -o /dev/null http://127.0.0.1:18089/health \
  || { echo "nginx does not answer 200 on /health: see $work/nginx-error.log"; exit 1; }
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s "http://127.0.0.1:18089/health" >/dev/null
nginx_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:18089/health")
kill "$(cat "$work/nginx.pid")"

dictra_rps=$(echo "$dictra_out" | rps)
nginx_rps=$(echo "$nginx_out" | rps)
echo "=== dictra GET /health (1 I/O thread, core $server_cpu)"; echo "$dictra_out"
echo "=== nginx static JSON (1 worker, core $server_cpu)"; echo "$nginx_out"
ratio=$(awk -v a="$dictra_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
echo "RESULT dictra_rps=$dictra_rps nginx_rps=$nginx_rps ratio=$ratio (target >= 0.50)"
