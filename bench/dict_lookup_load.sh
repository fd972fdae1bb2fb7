#!/usr/bin/env bash
# DICT lookups of an existing key under load, both token buckets checked and charged (their
# capacities raised so the run is not throttled), server pinned to one core and wrk to the
# other, beside nginx serving a static JSON body on the same core in the same run.
#
#   bench/dict_lookup_load.sh [path/to/dictra]     (default build/bench/dictra; needs wrk, nginx)
#
# 1. Throughput: closed loop with CONNECTIONS (default 64) for DURATION (default 10s).
# 2. Latency at half that rate: HALF_CONNECTIONS (default 64) connections pacing themselves to
#    about half of it.
# 3. nginx: GET of a static JSON file, the same core, for scale; then at half its own rate (the
#    latency any server gets here), and on both cores (the machine's ceiling for a static GET).
# Targets (issue 7): >= 60,000/s and >= 0.5x nginx; p99 < 1 ms at half the rate.
set -euo pipefail
dictra=${1:-build/bench/dictra}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
bench_name=dict_lookup_load
source "$here/lib.sh"
bench_require wrk nginx curl

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
export TOKEN
TOKEN=$("$dictra" token --sub bench@bank-a --ispb 12345678 --ttl 3600)
huge='{"capacity":1000000000000,"refill_per_minute":1000000000000}'
limits="{\"payer_natural\":$huge,\"categories\":{\"C\":$huge}}"

start_dict() {
  start_dictra --only dict --dict-port 0 --io-threads 1 --dict-rate-limits "$limits"
  base="http://127.0.0.1:$port"
  curl -sf -o /dev/null -X POST "$base/api/v2/entries" -H "Authorization: Bearer $TOKEN" \
    -H "X-Participant-ISPB: 12345678" -H "Content-Type: application/json" \
    -d '{"keyType":"CPF","key":"52998224725","ownerType":"NATURAL_PERSON","ownerTaxId":"52998224725","ownerName":"Joao Silva","branch":"0001","accountNumber":"123456","accountType":"CACC"}'
}

# --- 1. throughput
start_dict
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s -s "$here/dict_lookup.lua" "$base" >/dev/null
max_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency \
  -s "$here/dict_lookup.lua" "$base")
stop_dictra
max_rps=$(echo "$max_out" | rps)

# --- 2. latency at half the rate
half_connections=${HALF_CONNECTIONS:-64}
delay_ms=$(awk -v c=$half_connections -v r="$max_rps" 'BEGIN {d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d)}')
start_dict
half_out=$(DELAY_MS=$delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections -d"$duration" \
  --latency -s "$here/dict_lookup.lua" "$base")
stop_dictra

# --- 3. nginx static JSON on the same core
nginx_start
nginx_out=$(taskset -c $client_cpu wrk -t1 -c64 -d"$duration" "http://127.0.0.1:18089/health")
# The same latency measure for nginx at half its own rate: what this machine allows any server.
nginx_delay_ms=$(awk -v c=$half_connections -v r="$(echo "$nginx_out" | rps)" \
  'BEGIN {d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d)}')
write_delay_script
nginx_half_out=$(DELAY_MS=$nginx_delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections \
  -d"$duration" --latency -s "$work/delay.lua" "http://127.0.0.1:18089/health")
nginx_stop
# 4. nginx on the whole machine (2 workers, wrk unpinned): the ceiling for an absolute figure.
nginx_start 2
nginx_machine_out=$(wrk -t2 -c128 -d"$duration" "http://127.0.0.1:18089/health")
nginx_stop

echo "=== dictra GET /api/v2/entries/{key}, closed loop, $connections connections (core $server_cpu)"
echo "$max_out"
echo "=== the same at about half that rate ($half_connections connections, ${delay_ms} ms pause)"
echo "$half_out"
echo "=== nginx static JSON GET (1 worker, core $server_cpu)"
echo "$nginx_out"
echo "=== nginx at about half its rate ($half_connections connections, ${nginx_delay_ms} ms pause)"
echo "$nginx_half_out"
echo "=== nginx on both cores (2 workers, wrk unpinned)"
echo "$nginx_machine_out"
echo "RESULT max_rps=$max_rps half_rate_rps=$(echo "$half_out" | rps)" \
  "half_rate_p99=$(echo "$half_out" | p99) nginx_rps=$(echo "$nginx_out" | rps)" \
  "nginx_half_rate_p99=$(echo "$nginx_half_out" | p99)" \
  "nginx_machine_rps=$(echo "$nginx_machine_out" | rps)" \
  "(targets: max >= 60000 and >= 0.5x nginx, p99 < 1ms at half rate)"
