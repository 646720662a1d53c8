#!/usr/bin/env bash
# The demo: builds tierguard and evaluates the shipped examples (tiers, namespaces, service
# accounts, RBAC and workloads) with `tierguard check`, showing what is admitted, what is denied
# and why. Everything it needs is installed and built on first run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${TIERGUARD_JOBS:-$(nproc)}" --target tierguard
bin=build/release/src/cli/tierguard

printf '\n== tierguard check -f examples/ ==\n\n'
set +e
"$bin" check -f examples/
code=$?
set -e
printf '\n(exit code %d: 0 = all allowed, 1 = some denied, 2 = unusable input)\n' "$code"
[ "$code" -le 1 ]
