#!/usr/bin/env bash
# Installs every system dependency tierguard needs on a fresh Debian 12 machine.
# Idempotent: packages already present are skipped quickly by apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates openssl
  libboost1.81-dev libssl-dev rapidjson-dev libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev googletest
  clang-14 libclang-rt-14-dev clang-format-14 ccache
  wrk procps python3 python3-yaml
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go (>= 1.26) is required to build the test control plane; install it and re-run" >&2
  exit 1
fi
