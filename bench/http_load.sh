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
bench_name=http_load
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
bench_require wrk nginx curl

# --- dictra: one I/O thread, access log to a file (as in production, logs are shipped off-box)
export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
start_dictra --only settlement --settlement-port 0 --io-threads 1
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s "http://127.0.0.1:$port/health" >/dev/null  # warm-up
dictra_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/health")
stop_dictra

# --- nginx: one worker, a static JSON body of the same size, no access log
nginx_start
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s "http://127.0.0.1:18089/health" >/dev/null
nginx_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:18089/health")
nginx_stop

dictra_rps=$(echo "$dictra_out" | rps)
nginx_rps=$(echo "$nginx_out" | rps)
echo "=== dictra GET /health (1 I/O thread, core $server_cpu)"; echo "$dictra_out"
echo "=== nginx static JSON (1 worker, core $server_cpu)"; echo "$nginx_out"
ratio=$(awk -v a="$dictra_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
echo "RESULT dictra_rps=$dictra_rps nginx_rps=$nginx_rps ratio=$ratio (target >= 0.50)"
