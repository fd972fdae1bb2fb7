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
bench_name=payments_load
source "$here/lib.sh"
bench_require wrk nginx curl

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
export TOKEN
TOKEN=$("$dictra" token --sub bench@dictra --ttl 3600)

start_settlement() {
  start_dictra --only settlement --settlement-port 0 --io-threads 1
  url="http://127.0.0.1:$port/api/v1/payments"
}

# --- 1. throughput
start_settlement
DELAY_MS=0 taskset -c $client_cpu wrk -t1 -c"$connections" -d2s -s "$here/payments_post.lua" "$url" >/dev/null
max_out=$(DELAY_MS=0 taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency \
  -s "$here/payments_post.lua" "$url")
stored=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM settlement_payment_requests" 2>/dev/null || echo "?")
stop_dictra
max_rps=$(echo "$max_out" | rps)

# --- 2. latency at half the rate
half_connections=64
delay_ms=$(awk -v c=$half_connections -v r="$max_rps" 'BEGIN {printf "%d", c * 1000 / (r / 2)}')
start_settlement
half_out=$(DELAY_MS=$delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections -d"$duration" \
  --latency -s "$here/payments_post.lua" "$url")
stop_dictra

# --- 3. nginx static JSON on the same core
nginx_start
nginx_out=$(taskset -c $client_cpu wrk -t1 -c64 -d"$duration" "http://127.0.0.1:18089/health")
nginx_stop

echo "=== dictra POST /api/v1/payments, closed loop, $connections connections (core $server_cpu)"
echo "$max_out"
echo "=== dictra POST /api/v1/payments at about half that rate (64 connections, ${delay_ms} ms pause)"
echo "$half_out"
echo "=== nginx static JSON GET (1 worker, core $server_cpu)"
echo "$nginx_out"
echo "RESULT max_rps=$max_rps stored_rows=$stored half_rate_rps=$(echo "$half_out" | rps)" \
  "half_rate_p99=$(echo "$half_out" | p99) nginx_rps=$(echo "$nginx_out" | rps)" \
  "(targets: max >= 15000, p99 < 5ms at half rate)"
