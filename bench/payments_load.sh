#!/usr/bin/env bash
# Durable payment creation under load: POST /api/v1/payments against the Release binary on
# SQLite (every 201 is fsynced before it is sent), server pinned to one core and wrk to the
# other, beside nginx serving a static JSON body on the same core in the same run.
#
#   bench/payments_load.sh [path/to/dictra]     (default build/bench/dictra; needs wrk, nginx)
#
# 1. Throughput: closed loop with CONNECTIONS (default 256) for DURATION (default 10s).
# 2. Latency at half that rate: 64 connections, each pausing so that together they offer about
#    half the measured throughput; wrk's latency percentiles exclude the pauses.
# 3. nginx: GET of a static JSON file, the same core, for scale.
set -euo pipefail
dictra=${1:-build/bench/dictra}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-256}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -f $work/nginx.pid ]] && kill $(cat $work/nginx.pid) 2>/dev/null; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "payments_load: wrk is missing (apt-get install wrk)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || { echo "payments_load: nginx is missing (apt-get install nginx-light)"; exit 1; }
server_cpu=1
client_cpu=0
if [[ $(nproc) -lt 2 ]]; then server_cpu=0; fi

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
export TOKEN
TOKEN=$("$dictra" token --sub bench@dictra --ttl 3600)

start_dictra() {
  rm -f "$work"/bench.db*
  taskset -c $server_cpu "$dictra" serve --only settlement --settlement-port 0 --io-threads 1 \
    --db "sqlite:$work/bench.db" > "$work/dictra.log" 2>&1 &
  for _ in $(seq 100); do grep -q '"listening"' "$work/dictra.log" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/dictra.log" | head -1 | cut -d: -f2)
  url="http://127.0.0.1:$port/api/v1/payments"
}
stop_dictra() { kill %1; wait %1 2>/dev/null || true; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

# --- 1. throughput
start_dictra
DELAY_MS=0 taskset -c $client_cpu wrk -t1 -c"$connections" -d2s -s "$here/payments_post.lua" "$url" >/dev/null
max_out=$(DELAY_MS=0 taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency \
  -s "$here/payments_post.lua" "$url")
stored=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM settlement_payment_requests" 2>/dev/null || echo "?")
stop_dictra
max_rps=$(echo "$max_out" | rps)

# --- 2. latency at half the rate
half_connections=64
delay_ms=$(awk -v c=$half_connections -v r="$max_rps" 'BEGIN {printf "%d", c * 1000 / (r / 2)}')
start_dictra
half_out=$(DELAY_MS=$delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections -d"$duration" \
  --latency -s "$here/payments_post.lua" "$url")
stop_dictra

# --- 3. nginx static JSON on the same core
printf '{"status":"ok"}' > "$work/health.json"
# nginx's worker runs as an unprivileged user: it must be able to read the file (mktemp -d is
# 0700), or every answer is a 403 and the comparison means nothing.
chmod 0755 "$work"; chmod 0644 "$work/health.json"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:18089; location = /health { alias $work/health.json; } }
}
CONF
taskset -c $server_cpu "$nginx_bin" -c "$work/nginx.conf" -p "$work"
sleep 0.3
curl -sf -o /dev/null http://127.0.0.1:18089/health \
  || { echo "nginx does not answer 200 on /health: see $work/nginx-error.log"; exit 1; }
nginx_out=$(taskset -c $client_cpu wrk -t1 -c64 -d"$duration" "http://127.0.0.1:18089/health")
kill "$(cat "$work/nginx.pid")"

echo "=== dictra POST /api/v1/payments, closed loop, $connections connections (core $server_cpu)"
echo "$max_out"
echo "=== dictra POST /api/v1/payments at about half that rate (64 connections, ${delay_ms} ms pause)"
echo "$half_out"
echo "=== nginx static JSON GET (1 worker, core $server_cpu)"
echo "$nginx_out"
echo "RESULT max_rps=$max_rps stored_rows=$stored half_rate_rps=$(echo "$half_out" | rps)" \
  "half_rate_p99=$(echo "$half_out" | p99) nginx_rps=$(echo "$nginx_out" | rps)" \
  "(targets: max >= 15000, p99 < 5ms at half rate)"
