#!/usr/bin/env bash
# Long fuzzing runs: each target of fuzz/ for SECONDS (default 600) with libFuzzer; reports the
# runs made and fails on the first crash, whose input stays in fuzz/artifacts/<target>/.
#
#   bench/fuzz.sh                 # every target, 10 minutes each
#   SECONDS_EACH=3600 bench/fuzz.sh forms
#
# cargo-fuzz drives the compiler with options of its nightly channel; RUSTC_BOOTSTRAP lets the
# stable compiler accept them for this build only. The instrumented build is separate
# (fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
for target in "${targets[@]}"; do
  echo "== $target (${SECONDS_EACH:-600} s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --dev -s none "$target" -- \
    -max_total_time="${SECONDS_EACH:-600}" -print_final_stats=1 2>&1 |
    grep -E '^(Done|stat::number_of_executed_units|==|SUMMARY)|panicked' || true
  if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
    echo "CRASH in $target: see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  echo "$target: nessun crash"
done
