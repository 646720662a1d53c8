#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this and nothing else):
#   1. system dependencies           scripts/install-deps.sh
#   2. unit + integration tests      release preset, then again under ASan+UBSan
#   3. short fuzz runs               fuzz preset (clang-14 libFuzzer)
#   4. end-to-end tests              real etcd + kube-apiserver + kubectl + helm (e2e/)
# Set TIERGUARD_SKIP_E2E=1 or TIERGUARD_SKIP_ASAN=1 to shorten a local loop; CI sets neither.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "installing system dependencies"
scripts/install-deps.sh

jobs="${TIERGUARD_JOBS:-$(nproc)}"

step "unit and integration tests (release)"
cmake --preset release
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

if [ "${TIERGUARD_SKIP_ASAN:-0}" != 1 ]; then
  step "unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake --preset asan
  cmake --build --preset asan -j "$jobs"
  ctest --preset asan -j "$jobs"
fi

if [ -x scripts/fuzz-smoke.sh ]; then
  step "short fuzz runs"
  scripts/fuzz-smoke.sh
fi

if [ "${TIERGUARD_SKIP_E2E:-0}" != 1 ] && [ -x scripts/e2e.sh ]; then
  step "end-to-end tests against a real kube-apiserver and etcd"
  scripts/e2e.sh --tierguard "$PWD/build/release/src/cli/tierguard"
fi

step "all tests passed"
