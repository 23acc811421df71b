#!/usr/bin/env bash
# The benchmarks (`make bench`): installs what is missing, builds (release unless
# SWITCHBOARD_BENCH_CONFIGURATION=debug), runs `switchboard-bench micro`, then `switchboard-bench pipeline`
# against the local stack and the six daemons, and prints the figures.
#   bench.sh [pipeline options, e.g. --messages 1000 --concurrency 32]
# The stack and the daemons are used as they are when already running (`make demo` leaves them running;
# their web chat reply wait is then 2 s, so acks include the reply). Otherwise this script starts them with
# SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS=0 (acks are the time to publish) and stops what it started at the end.
# SWITCHBOARD_STACK_DIR and SWITCHBOARD_PORT_BASE are honoured as by stack.sh and daemons.sh;
# SWITCHBOARD_BENCH_SCRATCH_PATH builds in another scratch directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
configuration="${SWITCHBOARD_BENCH_CONFIGURATION:-release}"
case "$configuration" in release | debug) ;; *) echo "bench: SWITCHBOARD_BENCH_CONFIGURATION is release or debug" >&2; exit 2 ;; esac
build=(swift build -c "$configuration")
[ -n "${SWITCHBOARD_BENCH_SCRATCH_PATH:-}" ] && build+=(--scratch-path "$SWITCHBOARD_BENCH_SCRATCH_PATH")

started_stack=0
started_daemons=0
cleanup() {
    if [ "$started_daemons" = 1 ]; then bash deploy/local/daemons.sh stop >/dev/null || true; fi
    if [ "$started_stack" = 1 ]; then bash deploy/local/stack.sh stop >/dev/null || true; fi
    if [ "$started_daemons" = 1 ] || [ "$started_stack" = 1 ]; then echo "bench: stopped what it started"; fi
}
trap cleanup EXIT

bash deploy/local/setup.sh
echo "bench: building ($configuration; a first release build takes many minutes)"
"${build[@]}" 2>&1 | tail -n 1
bin="$("${build[@]}" --show-bin-path)"

echo
echo "== micro ($configuration build, $(nproc) cores, $(date -u +%Y-%m-%d))"
"$bin/switchboard-bench" micro

echo
if ! bash deploy/local/stack.sh status >/dev/null 2>&1; then
    started_stack=1
    bash deploy/local/stack.sh start >/dev/null
fi
eval "$(bash deploy/local/stack.sh env)"
if ! bash deploy/local/daemons.sh status >/dev/null 2>&1; then
    started_daemons=1
    SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS="${SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS:-0}" \
        bash deploy/local/daemons.sh start "$bin" >/dev/null
else
    echo "bench: using the running daemons (their reply wait applies to the ack latency)"
fi
eval "$(bash deploy/local/daemons.sh env)"

echo "== pipeline ($configuration build, broker $SWITCHBOARD_KAFKA_BROKERS, database $SWITCHBOARD_MONGO_URI)"
"$bin/switchboard-bench" pipeline "$@"
