#!/usr/bin/env bash
# Builds the binaries of the e2e control plane into bin/ (git-ignored):
#   bin/kube-apiserver, bin/kubectl   k8s.io/kubernetes      (e2e/tools/kubernetes)
#   bin/etcd                          go.etcd.io/etcd/server (e2e/tools/etcd)
#   bin/helm                          helm.sh/helm/v4        (e2e/tools/helm)
#   bin/tg-controlplane               the launcher           (e2e/cmd/tg-controlplane)
# The pinned versions live in those modules' go.mod/go.sum files and nowhere else.
#
# Idempotent: bin/.control-plane.stamp records the versions and a hash of the tool modules
# and of this script; when it matches and every binary exists the script exits in seconds.
# A cold build compiles a few thousand packages (tens of minutes on 2 cores); it runs under
# `nice` and uses the normal Go build cache, so a rebuild after a stamp change only relinks.
#
# usage: scripts/build-control-plane.sh [--bin-dir DIR] [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

bin_dir="$root/bin"
force=0
while (($#)); do
  case "$1" in
    --bin-dir) bin_dir="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-control-plane: unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { printf 'build-control-plane: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed (need >= 1.26; see scripts/install-deps.sh)"
go_version="$(go env GOVERSION)"
case "$go_version" in
  go1.2[6-9]*|go1.[3-9][0-9]*) ;;
  *) die "Go $go_version is too old; k8s.io/kubernetes v1.37 needs go >= 1.26" ;;
esac

tools="$root/e2e/tools"
module_version() { (cd "$tools/$1" && go list -m -f '{{.Version}}' "$2"); }
kube_version="$(module_version kubernetes k8s.io/kubernetes)"
etcd_version="$(module_version etcd go.etcd.io/etcd/server/v3)"
helm_version="$(module_version helm helm.sh/helm/v4)"
[[ "$kube_version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || die "unexpected k8s.io/kubernetes version '$kube_version'"
kube_minor="${BASH_REMATCH[1]}"

binaries=(kube-apiserver kubectl etcd helm)
mkdir -p "$bin_dir"
inputs_hash="$(cd "$root" && cat scripts/build-control-plane.sh \
  e2e/tools/kubernetes/go.mod e2e/tools/kubernetes/go.sum \
  e2e/tools/etcd/go.mod e2e/tools/etcd/go.sum e2e/tools/etcd/main.go \
  e2e/tools/helm/go.mod e2e/tools/helm/go.sum | sha256sum | cut -d' ' -f1)"
stamp_file="$bin_dir/.control-plane.stamp"
stamp="kubernetes=$kube_version etcd=$etcd_version helm=$helm_version go=$go_version inputs=$inputs_hash"

# The launcher is tierguard's own code, standard library only: rebuilt on every run
# (a second or less from the build cache), never stamped.
(cd "$root/e2e" && go build -buildvcs=false -o "$bin_dir/tg-controlplane" ./cmd/tg-controlplane) ||
  die "building tg-controlplane failed"

all_present=1
for b in "${binaries[@]}"; do [ -x "$bin_dir/$b" ] || all_present=0; done
if ((force == 0 && all_present)) && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
  log "up to date in $bin_dir (kubernetes $kube_version, etcd $etcd_version, helm $helm_version)"
  exit 0
fi

mkdir -p "$bin_dir"
rm -f "$stamp_file"
staging="$(mktemp -d "$bin_dir/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# Static, reproducible binaries. -trimpath is part of the build cache key like any flag, so
# using it on every run keeps the cache effective. -buildvcs=false: the tool modules sit in
# tierguard's git tree, whose commit must not change (and relink) the binaries.
export CGO_ENABLED=0
common=(-trimpath -buildvcs=false)
nice_cmd=(nice -n "${TIERGUARD_BUILD_NICE:-10}")

step_start=0
begin() { step_start=$SECONDS; log "building $1 ..."; }
end() { log "built $1 in $((SECONDS - step_start))s"; }
total_start=$SECONDS

# kube-apiserver and kubectl: version stamped the way hack/lib/version.sh does it, so
# /version and `kubectl version` report the pinned release.
kube_ldflags=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean"
done
begin "kube-apiserver and kubectl $kube_version"
(cd "$tools/kubernetes" && "${nice_cmd[@]}" go build "${common[@]}" -ldflags "-s -w$kube_ldflags" \
  -o "$staging/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
end "kube-apiserver and kubectl"

# etcd: etcd's version string is a constant of go.etcd.io/etcd/api/v3/version.
begin "etcd $etcd_version"
(cd "$tools/etcd" && "${nice_cmd[@]}" go build "${common[@]}" -ldflags "-s -w" -o "$staging/etcd" .)
end "etcd"

# helm: the same ldflags as helm's Makefile for a tagged release.
helm_pkg=helm.sh/helm/v4/internal/version
begin "helm $helm_version"
(cd "$tools/helm" && "${nice_cmd[@]}" go build "${common[@]}" \
  -ldflags "-s -w -X $helm_pkg.version=$helm_version -X $helm_pkg.metadata= -X $helm_pkg.gitTreeState=clean" \
  -o "$staging/helm" helm.sh/helm/v4/cmd/helm)
end "helm"

for b in "${binaries[@]}"; do
  [ -x "$staging/$b" ] || die "build produced no $b"
  mv -f "$staging/$b" "$bin_dir/$b"
done
printf '%s\n' "$stamp" >"$stamp_file"
log "done in $((SECONDS - total_start))s: ${binaries[*]} in $bin_dir"
