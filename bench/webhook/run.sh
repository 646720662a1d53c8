#!/usr/bin/env bash
# Webhook throughput/latency benchmark (not a test): drives `tierguard webhook` over HTTPS
# keep-alive with a ~6 KB pod AdmissionReview, server pinned to CPU 0, wrk pinned to CPU 1.
#
#   bench/webhook/run.sh                       # transport + codec, allow-all reviewer
#   bench/webhook/run.sh --state examples/...  # with the policy reviewer and that state
#
# Options: --duration 20s  --connections 16  --review FILE  --route /validate/pods
#          --log-level info  --no-build
#          --priority   run server and wrk each in its own session (scheduler autogroup) at
#                       nice -19, the autogroup too (needs root), so that other processes on a
#                       shared machine rarely preempt them mid-measurement. (SCHED_RR is no
#                       better: RT throttling stalls both for 50 ms of every second.)
# Prints requests/s, p50/p99 latency and server CPU-microseconds per review. Needs wrk,
# taskset, openssl and curl (scripts/install-deps.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration=20s
connections=16
review="$root/tests/data/admission/pod-create.json"
route=/validate/pods
log_level=info
build=1
priority=0
state=()
while (($#)); do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --review) review="$2"; shift 2 ;;
    --route) route="$2"; shift 2 ;;
    --log-level) log_level="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --priority) priority=1; shift ;;
    --state) shift; while (($#)) && [[ "$1" != --* ]]; do state+=("$1"); shift; done ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ((build)); then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target tierguard >/dev/null
fi
bin="$root/build/release/src/cli/tierguard"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Not necessarily our child (setsid may fork): poll until it has drained and exited.
    for _ in $(seq 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null

port=$((20000 + RANDOM % 20000))
if ((${#state[@]})); then
  reviewer_args=(--state "${state[@]}")
  mode="policy reviewer, state: ${state[*]}"
else
  reviewer_args=(--reviewer allow-all)
  mode="allow-all reviewer (transport + codec only)"
fi
# Runs a command, writing its PID to $PIDFILE when set; with --priority in a new session whose
# autogroup (the unit the scheduler shares CPU between when autogroups are on) and process get
# nice -19. (setsid may fork, so $! is not the command's PID: hence the PID file.)
prioritised() {
  local setup='[[ -n "${PIDFILE:-}" ]] && echo $$ >"$PIDFILE"; '
  if ((priority)); then
    setsid bash -c "$setup"'echo -19 >"/proc/$$/autogroup" 2>/dev/null || true; exec nice -n -19 "$@"' _ "$@"
  else
    bash -c "$setup"'exec "$@"' _ "$@"
  fi
}
PIDFILE="$work/server.pid" prioritised taskset -c 0 "$bin" webhook --listen "127.0.0.1:$port" --tls-cert "$work/tls.crt" \
  --tls-key "$work/tls.key" --threads 1 --log-level "$log_level" "${reviewer_args[@]}" \
  >/dev/null 2>"$work/server.log" </dev/null &
for _ in $(seq 50); do [[ -s "$work/server.pid" ]] && break; sleep 0.1; done
server_pid="$(cat "$work/server.pid")"

for _ in $(seq 100); do
  if curl -sf --cacert "$work/tls.crt" "https://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done

# The review must be answered 200 before we measure anything.
curl -sf --cacert "$work/tls.crt" -H 'Content-Type: application/json' \
  --data-binary @"$review" "https://127.0.0.1:$port$route" >"$work/answer.json"

export TIERGUARD_BENCH_REVIEW="$review"
lua="$root/bench/webhook/post_review.lua"
url="https://127.0.0.1:$port$route"
prioritised taskset -c 1 wrk -t1 -c"$connections" -d3s -s "$lua" "$url" >/dev/null  # warm-up

ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
prioritised taskset -c 1 wrk -t1 -c"$connections" -d"$duration" --latency -s "$lua" "$url" >"$work/wrk.txt"
after=$(ticks)

requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
bad=$(awk '/non-200 replies/ {print $3}' "$work/wrk.txt")
cpu_us=$(awk -v t="$((after - before))" -v hz="$hz" -v n="$requests" \
  'BEGIN { printf "%.1f", t / hz * 1e6 / n }')

cat "$work/wrk.txt"
echo
echo "== tierguard webhook benchmark: $mode"
echo "review:        $(basename "$review") ($(wc -c <"$review") bytes) -> $route"
echo "answer:        $(head -c 200 "$work/answer.json")"
echo "load:          wrk, 1 thread, $connections keep-alive connections, $duration, CPU 1"
echo "server:        1 thread, CPU 0, --log-level $log_level$( ((priority)) && echo ', own autogroups at nice -19 (server and wrk)')"
echo "requests/s:    $rps"
echo "latency p50:   $p50"
echo "latency p99:   $p99"
echo "CPU µs/review: $cpu_us (server user+sys time / requests)"
echo "non-200:       $bad"
[[ "$bad" == 0 ]]
