#!/usr/bin/env bash
# BR Code speed beside pix-utils, in the same run on the same cases (issue 4; docs/performance.md).
#
#   bench/brcode_vs_pixutils/run.sh [BUILD_DIR]     (default build/bench, built with `make bench`)
#
# Both sides encode the fields of cases.json and decode + validate the same payloads (the ones
# pix-utils wrote). Ours: bench/brcode_bench (Google Benchmark, one thread: BM_EncodeTo and
# BM_DecodeValid, the allocation-free paths). Theirs: pixutils.js on node, after a JIT warm-up.
# pix-utils is installed with npm under BUILD_DIR/pixutils-node on first use.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/bench}
bench_bin="$build/bench/brcode_bench"
node_dir="$(cd "$build" && pwd)/pixutils-node"
seconds=${SECONDS_PER_SIDE:-3}

[[ -x "$bench_bin" ]] || { echo "missing $bench_bin: run 'make bench' first" >&2; exit 2; }
command -v node >/dev/null || { echo "node is not installed" >&2; exit 2; }
if [[ ! -d "$node_dir/node_modules/pix-utils" ]]; then
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund pix-utils@2 >"$node_dir/npm-install.log" 2>&1
fi

payloads=$(mktemp)
trap 'rm -f "$payloads"' EXIT
theirs=$(node "$here/pixutils.js" "$node_dir" "$here/cases.json" "$payloads" "$seconds")
ours=$(BRCODE_CASES="$here/cases.json" BRCODE_PAYLOADS="$payloads" "$bench_bin" \
  --benchmark_filter='BM_(EncodeTo|DecodeValid)$' --benchmark_min_time="$seconds" \
  --benchmark_format=json)

node - "$theirs" "$ours" <<'JS'
const theirs = JSON.parse(process.argv[2]);
const ours = JSON.parse(process.argv[3]);
const rate = (name) => ours.benchmarks.find((b) => b.name === name).items_per_second;
const rows = [
  ['encode', rate('BM_EncodeTo'), theirs.encode_per_s],
  ['decode + validate', rate('BM_DecodeValid'), theirs.decode_per_s],
];
console.log('operation           dictra/s      pix-utils/s   ratio');
for (const [name, mine, other] of rows) {
  console.log(name.padEnd(18), String(Math.round(mine)).padStart(12), String(other).padStart(14),
              (mine / other).toFixed(1).padStart(7) + 'x');
}
JS
