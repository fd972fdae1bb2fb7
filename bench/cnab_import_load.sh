#!/usr/bin/env bash
# Issue 5's import figure: the largest CNAB240 Pix remessa the format allows (999,998 lines:
# the file trailer counts records in 6 digits, so 1,000,000 lines cannot be a valid file),
# uploaded to the Release binary's settlement service, processed, and checked.
#
#   bench/cnab_import_load.sh [path/to/dictra] [path/to/cnab_bench]
#                                     (defaults build/bench/dictra, build/bench/bench/cnab_bench)
#
# Reports: upload time (POST /api/v1/files/import: the multipart body streamed to disk, both
# reader passes, every record stored), processing time (POST .../process until COMPLETED:
# every payment request created and durable), the server's resident
# memory before, after each step and at its peak (VmRSS, VmHWM from /proc/PID/status), and
# whether the payment requests stored equal the payments in the file.
# PAYMENTS (default 499498: 500 lots, 999,998 lines) makes a smaller file for a quick run.
set -euo pipefail
dictra=${1:-build/bench/dictra}
generator=${2:-build/bench/bench/cnab_bench}
payments=${PAYMENTS:-499498}
work=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT

export DICTRA_JWT_SECRET=bench-secret-0123456789abcdef0123
token=$("$dictra" token --sub bench@dictra --ttl 3600)

lines=$("$generator" remessa "$payments" "$work/remessa.rem" 87654321)
file_bytes=$(stat -c %s "$work/remessa.rem")
[[ $(wc -l < "$work/remessa.rem") -eq $lines ]] || { echo "cnab_import_load: line count"; exit 1; }

"$dictra" serve --only settlement --settlement-port 0 --io-threads 1 \
  --db "sqlite:$work/bench.db" --files-dir "$work/files" \
  --import-max-bytes $((file_bytes + 1024 * 1024)) > "$work/dictra.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q '"listening"' "$work/dictra.log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/dictra.log" | head -1 | cut -d: -f2)
base="http://127.0.0.1:$port/api/v1/files"

# kB of VmRSS or VmHWM of the server.
memory_kb() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$server_pid/status"; }
now_ms() { date +%s%3N; }
# CPU seconds (user + system) the server has used so far.
cpu_s() { awk -v tick="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / tick}' "/proc/$server_pid/stat"; }

rss_start_kb=$(memory_kb VmRSS)
hwm_start_kb=$(memory_kb VmHWM)

cpu_start_s=$(cpu_s)
upload_start=$(now_ms)
imported=$(curl -sS --max-time 600 -H "Authorization: Bearer $token" \
  -F "file=@$work/remessa.rem;filename=remessa.rem" -F file_type=CNAB240 \
  -F debtor_ispb=60701190 -w '\n%{http_code}' "$base/import")
upload_ms=$(($(now_ms) - upload_start))
[[ $(tail -1 <<< "$imported") == 201 ]] || { echo "upload refused: $imported"; exit 1; }
id=$(head -1 <<< "$imported" | jq -r .id)
cpu_uploaded_s=$(cpu_s)
rss_uploaded_kb=$(memory_kb VmRSS)
hwm_uploaded_kb=$(memory_kb VmHWM)

process_start=$(now_ms)
curl -sSf -X POST -H "Authorization: Bearer $token" "$base/imports/$id/process" > /dev/null
status=PROCESSING
while [[ $status == PROCESSING ]]; do
  sleep 0.2
  file=$(curl -sSf -H "Authorization: Bearer $token" "$base/imports/$id")
  status=$(jq -r .status <<< "$file")
done
process_ms=$(($(now_ms) - process_start))
cpu_end_s=$(cpu_s)
rss_end_kb=$(memory_kb VmRSS)
hwm_end_kb=$(memory_kb VmHWM)

stored=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM settlement_payment_requests")
echo "=== CNAB240 import of $lines lines ($payments payments, $file_bytes bytes)"
echo "import $id: $(jq -c '{status, total_records, processed_records, failed_records, skipped_records}' <<< "$file")"
echo "upload ${upload_ms} ms, processing ${process_ms} ms (wall)"
echo "server CPU s (user + system): upload $(awk -v a="$cpu_uploaded_s" -v b="$cpu_start_s" 'BEGIN {printf "%.1f", a - b}')," \
  "processing $(awk -v a="$cpu_end_s" -v b="$cpu_uploaded_s" 'BEGIN {printf "%.1f", a - b}')"
echo "VmRSS kB: start $rss_start_kb, after upload $rss_uploaded_kb, after processing $rss_end_kb"
echo "VmHWM kB: start $hwm_start_kb, after upload $hwm_uploaded_kb, after processing $hwm_end_kb"
growth_mb=$(awk -v a="$hwm_end_kb" -v b="$rss_start_kb" 'BEGIN {printf "%.1f", (a - b) / 1024}')
ok=yes
[[ $status == COMPLETED && $stored -eq $payments ]] || ok=no
echo "RESULT lines=$lines payments=$payments stored=$stored status=$status" \
  "upload_s=$(awk -v m=$upload_ms 'BEGIN {printf "%.1f", m / 1000}')" \
  "processing_s=$(awk -v m=$process_ms 'BEGIN {printf "%.1f", m / 1000}')" \
  "peak_rss_growth_mb=$growth_mb counts_match=$ok (targets: processing < 60 s, growth < 64 MB)"
[[ $ok == yes ]]
