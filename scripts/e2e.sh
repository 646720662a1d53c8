#!/usr/bin/env bash
# End-to-end tests: builds (or reuses) the control-plane tools in bin/, then runs the Go
# tests in e2e/ against a real etcd + kube-apiserver started on 127.0.0.1.
#
# usage: scripts/e2e.sh --tierguard PATH [--kubeconfig PATH] [-- GO_TEST_ARGS...]
#   scripts/e2e.sh --tierguard build/release/src/cli/tierguard
#   scripts/e2e.sh --tierguard build/release/src/cli/tierguard -- -run TestWebhookPods
#   scripts/e2e.sh --tierguard build/release/src/cli/tierguard --kubeconfig ~/.kube/config
# Arguments after -- go to `go test` (they replace nothing: -count=1 -v -timeout 20m come
# first, so a later -timeout wins).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

tierguard=""
kubeconfig=""
go_args=()
while (($#)); do
  case "$1" in
    --tierguard) tierguard="$2"; shift 2 ;;
    --kubeconfig) kubeconfig="$2"; shift 2 ;;
    --) shift; go_args=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "e2e: unknown argument: $1 (go test arguments go after --)" >&2; exit 2 ;;
  esac
done

if [ -z "$tierguard" ]; then
  echo "e2e: --tierguard PATH is required (e.g. build/release/src/cli/tierguard)" >&2
  exit 2
fi
case "$tierguard" in /*) ;; *) tierguard="$root/$tierguard" ;; esac
if [ ! -x "$tierguard" ]; then
  echo "e2e: $tierguard is not an executable file; build tierguard first (cmake --build --preset release)" >&2
  exit 1
fi

scripts/build-control-plane.sh

export TIERGUARD_BIN="$tierguard"
export TIERGUARD_TOOLS_BIN="${TIERGUARD_TOOLS_BIN:-$root/bin}"
if [ -n "$kubeconfig" ]; then
  case "$kubeconfig" in /*) ;; *) kubeconfig="$root/$kubeconfig" ;; esac
  # The environment, not -args -kubeconfig: ./... also holds packages without that flag.
  export TIERGUARD_E2E_KUBECONFIG="$kubeconfig"
fi

cd e2e
echo "e2e: go test (tierguard: $tierguard)" >&2
start=$SECONDS
status=0
go test -count=1 -v -timeout 20m ./... "${go_args[@]}" || status=$?
echo "e2e: finished in $((SECONDS - start))s with status $status" >&2
exit "$status"
