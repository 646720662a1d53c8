#!/usr/bin/env bash
# The demo: tierguard as an admission webhook in front of a real kube-apiserver + etcd
# (built from Go modules, started on 127.0.0.1 — no cluster or Docker needed).
#
#   1. installs the system packages, builds tierguard and the control-plane tools (first run:
#      ~10-15 minutes for kube-apiserver; later runs: seconds)
#   2. starts etcd + kube-apiserver, installs tierguard's CRDs
#   3. creates the example namespaces, ServiceAccounts, tiers and roles with kubectl, starts
#      `tierguard run` (it follows the cluster through list+watch; TLS certificate from the
#      control plane's throwaway CA) and registers it in a ValidatingWebhookConfiguration
#      (failurePolicy Fail, 5 s timeout)
#   4. `kubectl apply`s the example bindings and workloads: some are admitted, some are denied
#      with tierguard's reason, some are admitted with a warning
#   5. stops everything it started (also on Ctrl-C or failure)
#
# TIERGUARD_DEMO_KEEP=1 leaves the work directory (logs, kubeconfig) behind.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "installing dependencies and building tierguard"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${TIERGUARD_JOBS:-$(nproc)}" --target tierguard
tierguard="$root/build/release/src/cli/tierguard"

say "building the control plane (etcd, kube-apiserver, kubectl) from Go modules"
scripts/build-control-plane.sh

work="$(mktemp -d /tmp/tierguard-demo.XXXXXX)"
pids=()
cleanup() {
  local code=$?
  if [ -n "${KUBECONFIG:-}" ] && [ -f "$work/webhook.yaml" ]; then
    bin/kubectl delete -f "$work/webhook.yaml" --ignore-not-found >/dev/null 2>&1 || true
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  if [ "${TIERGUARD_DEMO_KEEP:-0}" = 1 ] || [ "$code" -ne 0 ]; then
    echo "demo: logs and kubeconfig kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting etcd + kube-apiserver on 127.0.0.1"
bin/tg-controlplane up --bin-dir bin --work-dir "$work/cp" --crds crds >"$work/controlplane.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  [ -f "$work/cp/env" ] && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "demo: the control plane failed to start:" >&2
    tail -n 20 "$work/controlplane.log" >&2
    exit 1
  fi
  sleep 0.2
done
[ -f "$work/cp/env" ] || { echo "demo: control plane not ready after 120 s" >&2; tail -n 20 "$work/controlplane.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/cp/env"
export KUBECONFIG
kubectl() { "$root/bin/kubectl" "$@"; }
kubectl version -o yaml | grep gitVersion | sed 's/^/  /'

say "creating the example namespaces, ServiceAccounts, tiers and roles"
kubectl apply -f examples/namespaces.yaml -f examples/serviceaccounts.yaml -f examples/tiers.yaml -f examples/roles.yaml
# No controller-manager runs here, so the namespaces' "default" ServiceAccounts are made by hand.
for ns in dev staging prod ci legacy; do kubectl create serviceaccount default -n "$ns" >/dev/null 2>&1 || true; done
kubectl get privilegetiers

say "starting tierguard run (follows the cluster; no state files)"
bin/tg-controlplane serving-cert --work-dir "$work/cp" --out-dir "$work/tls" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$tierguard" run --listen "127.0.0.1:$port" --tls-cert "$work/tls/tls.crt" --tls-key "$work/tls/tls.key" \
  --kubeconfig "$KUBECONFIG" 2>"$work/tierguard.log" &
pids+=($!)
for _ in $(seq 1 300); do
  curl -fsS --cacert "$work/cp/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || { echo "demo: tierguard exited:" >&2; tail -n 20 "$work/tierguard.log" >&2; exit 1; }
  sleep 0.1
done
echo "  serving https://127.0.0.1:$port (ready: every initial list is in)"

say "registering tierguard as a validating admission webhook"
ca_bundle="$(base64 -w0 "$work/cp/ca.crt")"
cat >"$work/webhook.yaml" <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: tierguard-demo
webhooks:
$(for route in pods workloads rbac; do
  case "$route" in
    pods) rules='[{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}]' ;;
    workloads) rules='[{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments, statefulsets, daemonsets, replicasets]}, {apiGroups: [batch], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [jobs, cronjobs]}]' ;;
    rbac) rules='[{apiGroups: [rbac.authorization.k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [roles, clusterroles, rolebindings, clusterrolebindings]}]' ;;
  esac
  cat <<ONE
- name: ${route}.validate.tierguard.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  timeoutSeconds: 5
  clientConfig:
    url: https://127.0.0.1:${port}/validate/${route}
    caBundle: ${ca_bundle}
  namespaceSelector:
    matchExpressions:
    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, kube-public, kube-node-lease]}
  rules: ${rules}
ONE
done)
YAML
kubectl apply -f "$work/webhook.yaml"
# The apiserver picks the configuration up asynchronously; wait until a denied probe is denied.
for _ in $(seq 1 100); do
  probe="$(kubectl run tierguard-probe -n prod --image=busybox --dry-run=server -o name 2>&1 || true)"
  case "$probe" in *"denied the request"*) break ;; esac
  sleep 0.2
done

say "kubectl apply -f examples/bindings.yaml"
kubectl apply -f examples/bindings.yaml 2>&1 | sed 's/^/  /' || true

say "kubectl apply -f examples/workloads.yaml"
kubectl apply -f examples/workloads.yaml 2>&1 | sed 's/^/  /' || true

say "what the cluster holds now"
kubectl get rolebindings,clusterrolebindings -A -l '!kubernetes.io/bootstrapping' 2>/dev/null | sed 's/^/  /'
kubectl get deployments,statefulsets,jobs,cronjobs,pods -A 2>/dev/null | sed 's/^/  /'

say "tierguard's view (GET /metrics, decisions)"
curl -fsS --cacert "$work/cp/ca.crt" "https://127.0.0.1:$port/metrics" | grep -E '^tierguard_webhook_decisions_total' | sed 's/^/  /' || true
echo
if [ "${TIERGUARD_DEMO_KEEP:-0}" = 1 ]; then
  echo "Every decision is also a JSON log line in $work/tierguard.log."
else
  echo "Every decision is also a JSON log line (rerun with TIERGUARD_DEMO_KEEP=1 to keep the log)."
fi
