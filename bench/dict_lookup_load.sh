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
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -f $work/nginx.pid ]] && kill $(cat $work/nginx.pid) 2>/dev/null; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "dict_lookup_load: wrk is missing (apt-get install wrk)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || { echo "dict_lookup_load: nginx is missing (apt-get install nginx-light)"; exit 1; }
server_cpu=1
client_cpu=0
if [[ $(nproc) -lt 2 ]]; then server_cpu=0; fi

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
export TOKEN
TOKEN=$("$dictra" token --sub bench@bank-a --ispb 12345678 --ttl 3600)
huge='{"capacity":1000000000000,"refill_per_minute":1000000000000}'
limits="{\"payer_natural\":$huge,\"categories\":{\"C\":$huge}}"

start_dictra() {
  rm -f "$work"/bench.db*
  taskset -c $server_cpu "$dictra" serve --only dict --dict-port 0 --io-threads 1 \
    --db "sqlite:$work/bench.db" --dict-rate-limits "$limits" > "$work/dictra.log" 2>&1 &
  for _ in $(seq 100); do grep -q '"listening"' "$work/dictra.log" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/dictra.log" | head -1 | cut -d: -f2)
  base="http://127.0.0.1:$port"
  curl -sf -o /dev/null -X POST "$base/api/v2/entries" -H "Authorization: Bearer $TOKEN" \
    -H "X-Participant-ISPB: 12345678" -H "Content-Type: application/json" \
    -d '{"keyType":"CPF","key":"52998224725","ownerType":"NATURAL_PERSON","ownerTaxId":"52998224725","ownerName":"Joao Silva","branch":"0001","accountNumber":"123456","accountType":"CACC"}'
}
stop_dictra() { kill %1; wait %1 2>/dev/null || true; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

# --- 1. throughput
start_dictra
taskset -c $client_cpu wrk -t1 -c"$connections" -d2s -s "$here/dict_lookup.lua" "$base" >/dev/null
max_out=$(taskset -c $client_cpu wrk -t1 -c"$connections" -d"$duration" --latency \
  -s "$here/dict_lookup.lua" "$base")
stop_dictra
max_rps=$(echo "$max_out" | rps)

# --- 2. latency at half the rate
half_connections=${HALF_CONNECTIONS:-64}
delay_ms=$(awk -v c=$half_connections -v r="$max_rps" 'BEGIN {d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d)}')
start_dictra
half_out=$(DELAY_MS=$delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections -d"$duration" \
  --latency -s "$here/dict_lookup.lua" "$base")
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
# The same latency measure for nginx at half its own rate: what this machine allows any server.
nginx_delay_ms=$(awk -v c=$half_connections -v r="$(echo "$nginx_out" | rps)" \
  'BEGIN {d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d)}')
printf 'local d = tonumber(os.getenv("DELAY_MS") or "0")\nif d > 0 then function delay() return d end end\n' \
  > "$work/delay.lua"
nginx_half_out=$(DELAY_MS=$nginx_delay_ms taskset -c $client_cpu wrk -t1 -c$half_connections \
  -d"$duration" --latency -s "$work/delay.lua" "http://127.0.0.1:18089/health")
kill "$(cat "$work/nginx.pid")"
sleep 0.3
# 4. nginx on the whole machine (2 workers, wrk unpinned): the ceiling for an absolute figure.
sed -i 's/^worker_processes 1;/worker_processes 2;/' "$work/nginx.conf"
"$nginx_bin" -c "$work/nginx.conf" -p "$work"
sleep 0.3
nginx_machine_out=$(wrk -t2 -c128 -d"$duration" "http://127.0.0.1:18089/health")
kill "$(cat "$work/nginx.pid")"

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
