#!/usr/bin/env bash
# SPI end to end in the all-in-one process: PIX payments created over HTTP until BACEN settled them
# (pacs.008 out over ICOM, settlement in the simulator's reserve accounts, pacs.002 ACCC back over
# the stream), then the books are checked: every 201 settled exactly once.
#
#   bench/spi_e2e_load.sh [path/to/dictra]     (default build/bench/dictra; needs wrk, curl, jq)
#
# 1. `dictra serve --only spi,bacen` on a fresh SQLite file database (every answer durable first), both
#    cores; wrk (one thread, CONNECTIONS connections, default 64) posts payments for DURATION
#    (default 60s).
# 2. Waits until no payment is left between ENTRY_RECEIVED and SENT_TO_BACEN.
# 3. Checks: every stored payment is ACCC (stored >= 201s: wrk closes connections with requests
#    in flight at the end, which the server still created), nothing RJCT; payee reserve = ACCC x
#    amount and payer reserve = initial - that: each settled exactly once.
# Prints created/s (during the run) and settled/s (from the first request to the last ACCC).
# Target (issue 6): >= 5,000 payments/s sustained for 60 s, every one settled exactly once.
set -euo pipefail
dictra=${1:-build/bench/dictra}
duration=${DURATION:-60s}
connections=${CONNECTIONS:-64}
amount=100
initial=100000000000000  # R$ 1 trillion: the run is never short of reserve
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

for tool in wrk curl jq; do
  command -v $tool >/dev/null || { echo "spi_e2e_load: $tool is missing (apt-get install $tool)"; exit 1; }
done

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
export TOKEN
TOKEN=$("$dictra" token --sub bench@ops --scope admin --ttl 7200)
"$dictra" serve --only spi,bacen --spi-port 0 --bacen-port 0 --db "sqlite:$work/bench.db" \
  --bacen-participants "12345678:$initial,87654321:0" > "$work/dictra.log" 2>&1 &
for _ in $(seq 100); do
  [[ $(grep -c '"listening"' "$work/dictra.log" 2>/dev/null) -ge 2 ]] && break; sleep 0.1
done
port_of() { grep '"listening"' "$work/dictra.log" | grep "\"service\":\"$1\"" | grep -o '"port":[0-9]*' | cut -d: -f2; }
spi="http://127.0.0.1:$(port_of spi)"
bacen="http://127.0.0.1:$(port_of bacen)"
auth=(-H "Authorization: Bearer $TOKEN")
count() { curl -sf "${auth[@]}" "$spi/api/v1/payments?${1:+status=$1&}limit=1" | jq .total; }
balance() { curl -sf "${auth[@]}" "$bacen/api/v1/admin/accounts/$1" | jq .balance_centavos; }

start=$(date +%s.%N)
run=$(AMOUNT=$amount wrk -t1 -c"$connections" -d"$duration" --latency -s "$here/spi_post.lua" "$spi")
created=$(echo "$run" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
echo "$run"

# Wait for the pipeline to drain: nothing left before a final status.
for _ in $(seq 600); do
  left=0
  for status in ENTRY_RECEIVED VALIDATED PENDING_BACEN SENT_TO_BACEN ACSP; do
    left=$((left + $(count $status)))
  done
  [[ $left -eq 0 ]] && break
  sleep 0.5
done
settled_at=$(date +%s.%N)
stored=$(count "")
accc=$(count ACCC)
rjct=$(count RJCT)
payer=$(balance 12345678)
payee=$(balance 87654321)
expected_payee=$((accc * amount))
expected_payer=$((initial - expected_payee))
# wrk prints "... requests in 10.01s," or "... requests in 1.00m,".
run_seconds=$(echo "$run" | sed -n 's/.*requests in \([0-9.]*\)\([a-z]*\),.*/\1 \2/p' |
  awk '{print $2 == "m" ? $1 * 60 : ($2 == "h" ? $1 * 3600 : $1)}')
echo "=== books"
echo "201s=$created stored=$stored ACCC=$accc RJCT=$rjct left=$left"
echo "payer reserve=$payer (expected $expected_payer) payee reserve=$payee (expected $expected_payee)"
ok=yes
[[ $accc -eq $stored && $stored -ge $created && $rjct -eq 0 && $left -eq 0 ]] || ok=no
[[ $payer -eq $expected_payer && $payee -eq $expected_payee ]] || ok=no
awk -v c="$created" -v a="$accc" -v r="$run_seconds" -v s="$start" -v e="$settled_at" -v ok="$ok" 'BEGIN {
  printf "RESULT created_per_s=%.0f settled_per_s=%.0f books_ok=%s (target >= 5000/s for 60 s)\n",
    c / r, a / (e - s), ok }'
[[ $ok == yes ]]
