#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/*_fuzz.cpp) briefly; `make test` calls it after ctest.
#
# Configures build/fuzz with clang and -DDICTRA_FUZZ=ON (plus ASan/UBSan), builds only the
# *_fuzz targets, and runs each for FUZZ_SECONDS (default 10) on a copy of its seed corpus
# tests/data/<name>/, so the checked-in seeds stay as they are. Fails when a target crashes, hangs
# or trips a sanitizer; the input that did it is kept under build/fuzz/artifacts/. Skips with one
# line (exit 0) when clang or libFuzzer is missing: scripts/deps.sh installs both.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-10}
jobs=${JOBS:-2}
build_dir=${FUZZ_BUILD_DIR:-build/fuzz}

cxx=
cc=
for version in "" -14; do
  if command -v "clang++$version" >/dev/null && command -v "clang$version" >/dev/null; then
    cxx=$(command -v "clang++$version")
    cc=$(command -v "clang$version")
    break
  fi
done
if [[ -z "$cxx" ]]; then
  echo "fuzz-smoke: skipped: clang++ not found (scripts/deps.sh installs clang)"
  exit 0
fi

probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
  'extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }' \
  >"$probe_dir/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" \
    2>"$probe_dir/probe.log"; then
  echo "fuzz-smoke: skipped: $cxx cannot link -fsanitize=fuzzer" \
    "(libFuzzer comes with libclang-rt-14-dev; scripts/deps.sh installs it)"
  exit 0
fi

targets=()
for source in fuzz/*_fuzz.cpp; do
  targets+=("$(basename "$source" .cpp)")
done

mkdir -p "$build_dir"
if ! CC="$cc" CXX="$cxx" cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDICTRA_FUZZ=ON -DDICTRA_SANITIZE=ON \
    -DDICTRA_TESTS=OFF -DDICTRA_BENCH=OFF >"$build_dir/configure.log" 2>&1; then
  echo "fuzz-smoke: cmake failed:"
  tail -n 30 "$build_dir/configure.log"
  exit 1
fi
ninja -C "$build_dir" -j"$jobs" "${targets[@]}"

failed=()
mkdir -p "$build_dir/artifacts" "$build_dir/logs"
for target in "${targets[@]}"; do
  name=${target%_fuzz}
  corpus="$build_dir/corpus/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  if [[ -d "tests/data/$name" ]]; then
    cp -R "tests/data/$name/." "$corpus/"
  fi
  log="$build_dir/logs/$target.log"
  # -timeout: an input that takes over 10 s is a hang, and a failure.
  if "$build_dir/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
      -artifact_prefix="$build_dir/artifacts/$target-" "$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1 || true)
    echo "fuzz-smoke: $target ok (${runs:-no summary}, ${seconds} s)"
  else
    failed+=("$target")
    echo "fuzz-smoke: $target FAILED; last lines of $log:"
    tail -n 40 "$log"
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz-smoke: failed: ${failed[*]} (crashing inputs under $build_dir/artifacts/)"
  exit 1
fi
