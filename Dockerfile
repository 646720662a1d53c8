# The tierguard container image: the release build of the tierguard binary on Debian 12 slim,
# run as the non-root user 65532 (the chart's runAsUser).
#
#   docker build -t registry.example.com/platform/tierguard:0.1.0 .
#   docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t ... .
#
# The base images are pinned by tag; pin them by digest for reproducible builds (docs/install.md):
#   docker build \
#     --build-arg BUILD_IMAGE=debian:12@sha256:<digest> \
#     --build-arg RUNTIME_IMAGE=debian:12-slim@sha256:<digest> -t ... .
ARG BUILD_IMAGE=debian:12
ARG RUNTIME_IMAGE=debian:12-slim

# ---------------------------------------------------------------------------------------------
# Build: the CMake `release` preset (-O3, warnings as errors) without tests or benchmarks.
FROM ${BUILD_IMAGE} AS build

# The build dependencies of scripts/install-deps.sh, without the test, fuzz and benchmark tools
# (GoogleTest, clang, wrk, Go).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libboost1.81-dev libssl-dev rapidjson-dev libyaml-cpp-dev libcli11-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the build reads, so that edits to docs, tests or the chart reuse the build cache.
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake/ cmake/
COPY src/ src/

# JOBS: parallel compile jobs (default: every CPU of the builder).
ARG JOBS=""
RUN cmake --preset release -DTIERGUARD_BUILD_TESTS=OFF -DTIERGUARD_BUILD_BENCH=OFF \
 && cmake --build --preset release --target tierguard -j "${JOBS:-$(nproc)}" \
 && strip --strip-unneeded build/release/src/cli/tierguard \
 && build/release/src/cli/tierguard version

# ---------------------------------------------------------------------------------------------
# Runtime: the shared libraries the binary links besides glibc and libstdc++ (already in the
# slim image): yaml-cpp 0.7 and OpenSSL 3; CA certificates for HTTPS to anything but the
# in-cluster API server (whose CA comes from the ServiceAccount token volume).
FROM ${RUNTIME_IMAGE}

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libyaml-cpp0.7 libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

COPY --from=build /src/build/release/src/cli/tierguard /usr/local/bin/tierguard

ARG RUNTIME_IMAGE
ARG VERSION=0.1.0
ARG REVISION=""
LABEL org.opencontainers.image.title="tierguard" \
      org.opencontainers.image.description="Caps Kubernetes ServiceAccount privileges with PrivilegeTiers: admission webhook and operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"

# Numeric, so that the kubelet can verify runAsNonRoot without a passwd entry.
USER 65532:65532
# The webhook port the chart configures (--listen 0.0.0.0:9443); webhooks, probes and metrics.
EXPOSE 9443
ENTRYPOINT ["/usr/local/bin/tierguard"]
CMD ["run"]
