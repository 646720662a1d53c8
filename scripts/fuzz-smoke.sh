#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz", clang-14) and runs each for a short, bounded
# time from its seed corpus. A crash or property violation fails the run and leaves the input
# in build/fuzz/crashes/. Longer runs: FUZZ_SECONDS=600 scripts/fuzz-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-30}"
cmake --preset fuzz >/dev/null
targets=(manifest_loader_fuzz rule_coverage_fuzz admission_review_fuzz)
# Only the fuzz targets and what they link: clang-14 cannot compile every coroutine of
# src/kube with the sanitizers on ("Cannot represent a difference across sections").
cmake --build --preset fuzz -j "${TIERGUARD_JOBS:-$(nproc)}" --target "${targets[@]}"

crashes=build/fuzz/crashes
mkdir -p "$crashes"
for target in "${targets[@]}"; do
  case "$target" in
    manifest_loader_fuzz) corpus_seed=tests/fuzz/corpus/manifest ;;
    rule_coverage_fuzz) corpus_seed=tests/fuzz/corpus/rules ;;
    admission_review_fuzz) corpus_seed=tests/fuzz/corpus/admission ;;
  esac
  work="build/fuzz/corpus-$target"
  mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s" >&2
  ASAN_OPTIONS=detect_leaks=1 "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/$target-" -print_final_stats=1 \
    "$work" "$corpus_seed" 2>&1 | tail -n 12
done
