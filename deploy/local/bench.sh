#!/usr/bin/env bash
# The benchmarks (`make bench`): installs what is missing, builds switchboard-bench and the daemons (release
# unless SWITCHBOARD_BENCH_CONFIGURATION=debug), starts the local stack and the six daemons when they are not
# running, and prints figures, each with its conditions, then a table comparing them with the targets:
#   1. micro            in-process hot paths
#   2. limits           the broker's six-hop rate (through SwitchboardKafka) and the database limit
#   3. closed loop      web chat visitors through the six daemons, a smaller and a larger run
#   4. open loop        web chat messages at a fixed offered rate; reply latency p50/p99/max, kept up or not
#   5. webhook ingest   signed WhatsApp webhooks at a fixed offered rate, while the pipeline runs and then with
#                       channel-webhook alone (the other five daemons stopped, and started again afterwards),
#                       with the load generator's own ceiling (GET /health/live at the same rate) beside it
# Usage: bench.sh [--quick]   (or SWITCHBOARD_BENCH_QUICK=1): the same steps with smaller numbers.
# Sizes (defaults full / quick):
#   SWITCHBOARD_BENCH_MESSAGES        larger closed-loop run, 20000 / 2000 (the smaller is a tenth, customers a
#                                     tenth of each)
#   SWITCHBOARD_BENCH_RATE, _SECONDS  open loop, 500/s for 30 s / 500/s for 5 s
#   SWITCHBOARD_BENCH_WEBHOOK_RATE, _WEBHOOK_SECONDS, _WEBHOOK_CONNECTIONS   5000/s for 5 s / 2 s, 64 connections
#   SWITCHBOARD_BENCH_BROKER_RECORDS  50000 / 10000
#   SWITCHBOARD_BENCH_STEPS           which steps, default "micro limits closed open webhook"
# The stack and the daemons are used as they are when already running (`make demo` leaves them running; their
# web chat reply wait is then 2 s, so a visitor's answer includes the reply and open-loop requests are held
# until it comes). Otherwise this script starts them with SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS=0 (answers are
# the time to publish) and stops what it started at the end. SWITCHBOARD_STACK_DIR and SWITCHBOARD_PORT_BASE
# are honoured as by stack.sh and daemons.sh; SWITCHBOARD_BENCH_SCRATCH_PATH builds in another scratch
# directory. The figures also go to .local/bench/results-<time>.txt. Exit 1 when a step failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
quick="${SWITCHBOARD_BENCH_QUICK:-0}"
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
    esac
done
if [ "$quick" = 1 ]; then
    large=2000 open_seconds=5 hook_seconds=2 broker_records=10000 micro=(--runs 3 --run-ms 100)
else
    large=20000 open_seconds=30 hook_seconds=5 broker_records=50000 micro=()
fi
large="${SWITCHBOARD_BENCH_MESSAGES:-$large}"
small=$((large / 10 > 0 ? large / 10 : 1))
open_rate="${SWITCHBOARD_BENCH_RATE:-500}"
open_seconds="${SWITCHBOARD_BENCH_SECONDS:-$open_seconds}"
hook_rate="${SWITCHBOARD_BENCH_WEBHOOK_RATE:-5000}"
hook_seconds="${SWITCHBOARD_BENCH_WEBHOOK_SECONDS:-$hook_seconds}"
hook_connections="${SWITCHBOARD_BENCH_WEBHOOK_CONNECTIONS:-64}"
broker_records="${SWITCHBOARD_BENCH_BROKER_RECORDS:-$broker_records}"
steps=" ${SWITCHBOARD_BENCH_STEPS:-micro limits closed open webhook} "
configuration="${SWITCHBOARD_BENCH_CONFIGURATION:-release}"
case "$configuration" in release | debug) ;; *) echo "bench: SWITCHBOARD_BENCH_CONFIGURATION is release or debug" >&2; exit 2 ;; esac
build=(swift build -c "$configuration")
[ -n "${SWITCHBOARD_BENCH_SCRATCH_PATH:-}" ] && build+=(--scratch-path "$SWITCHBOARD_BENCH_SCRATCH_PATH")
daemon_state="$root/.local/daemons"
others=(customer-identification session message-router nlp-plugin human-handover)

started_stack=0
started_daemons=0
stopped_others=0
failed=()
cleanup() {
    if [ "$started_daemons" = 1 ]; then
        bash deploy/local/daemons.sh stop >/dev/null || true
    elif [ "$stopped_others" = 1 ]; then
        bash deploy/local/daemons.sh start "$bin" >/dev/null || true
        echo "bench: started the five daemons it had stopped again"
    fi
    if [ "$started_stack" = 1 ]; then bash deploy/local/stack.sh stop >/dev/null || true; fi
    if [ "$started_daemons" = 1 ] || [ "$started_stack" = 1 ]; then echo "bench: stopped what it started"; fi
}
trap cleanup EXIT

wanted() { [[ "$steps" == *" $1 "* ]]; }
# CPU seconds (user + system, with reaped children) of each daemon and of the broker and database, summed over
# each one's process group, printed as "name seconds" lines.
cpu_snapshot() {
    local stack_state="${SWITCHBOARD_STACK_DIR:-$root/.local/stack}" name file pgid ticks
    ticks=$(getconf CLK_TCK)
    for file in "$daemon_state"/*.pid "$stack_state/kafka.pid" "$stack_state/mongo.pid"; do
        [ -f "$file" ] || continue
        name=$(basename "$file" .pid)
        case "$name" in kafka) name=broker ;; mongo) name=database ;; esac
        pgid=$(cat "$file")
        ps -o pid= --sid "$pgid" 2>/dev/null | while read -r pid; do
            awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
        done | awk -v name="$name" -v ticks="$ticks" '{ s += $1 } END { printf "%s %.2f\n", name, s / ticks }'
    done
}
# Runs a closed-loop measurement and then prints each process's CPU seconds during it, per 1,000 messages.
closed_loop() {
    local messages="$1" before after
    before=$(cpu_snapshot)
    "$bin/switchboard-bench" pipeline --messages "$messages" --results "$results" || return 1
    after=$(cpu_snapshot)
    echo "CPU seconds per process during the run (user + system), and per 1,000 messages:"
    join <(sort <<<"$before") <(sort <<<"$after") | awk -v n="$messages" '
        { d = $3 - $2; total += d; printf "  %-24s %8.2f s %8.2f s\n", $1, d, d * 1000 / n }
        END { printf "  %-24s %8.2f s %8.2f s\n", "all", total, total * 1000 / n }'
}
# Runs one measurement; a failure is reported and the next step still runs.
step() {
    local name="$1"
    shift
    if ! "$@"; then
        failed+=("$name")
        echo "bench: $name failed"
    fi
    echo
}
stop_daemon() {
    local pid i
    [ -f "$daemon_state/$1.pid" ] || return 0
    pid=$(cat "$daemon_state/$1.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$daemon_state/$1.pid"
}

bash deploy/local/setup.sh
echo "bench: building ($configuration; a first release build takes many minutes)"
"${build[@]}" 2>&1 | tail -n 1
bin="$("${build[@]}" --show-bin-path)"
mkdir -p .local/bench
results="$root/.local/bench/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
: > "$results"

echo
echo "== switchboard bench: $configuration build, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$quick" = 1 ] && echo ', quick variant')"
"$bin/switchboard-bench" summary
echo

if wanted micro; then
    echo "== micro"
    step micro "$bin/switchboard-bench" micro "${micro[@]}"
fi

if ! bash deploy/local/stack.sh status >/dev/null 2>&1; then
    started_stack=1
    bash deploy/local/stack.sh start >/dev/null
fi
eval "$(bash deploy/local/stack.sh env)"
echo "(broker $SWITCHBOARD_KAFKA_BROKERS, database $SWITCHBOARD_MONGO_URI)"
echo

if wanted limits; then
    echo "== local limits (nothing else is sent meanwhile)"
    step broker "$bin/switchboard-bench" broker --records "$broker_records" --results "$results"
    step database "$bin/switchboard-bench" database --messages "$large" --customers "$small" --results "$results"
fi

if wanted closed || wanted open || wanted webhook; then
    if ! bash deploy/local/daemons.sh status >/dev/null 2>&1; then
        started_daemons=1
        SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS="${SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS:-0}" \
            bash deploy/local/daemons.sh start "$bin" >/dev/null
    else
        echo "bench: using the running daemons (their reply wait applies to web chat answers)"
    fi
    eval "$(bash deploy/local/daemons.sh env)"
fi

if wanted closed; then
    echo "== closed loop, smaller run"
    step "closed loop $small" closed_loop "$small"
    echo "== closed loop, larger run"
    step "closed loop $large" closed_loop "$large"
fi

if wanted open; then
    echo "== open loop"
    step "open loop" "$bin/switchboard-bench" open-loop --rate "$open_rate" --seconds "$open_seconds" --results "$results"
fi

if wanted webhook; then
    echo "== webhook ingest while the whole pipeline runs"
    step "webhook (pipeline)" "$bin/switchboard-bench" webhook --label pipeline --rate "$hook_rate" \
        --seconds "$hook_seconds" --connections "$hook_connections" --results "$results"
    echo "== webhook ingest, channel-webhook alone (the other five daemons stopped)"
    echo "   first the ceiling of the load generator and HTTP server: GET /health/live at the same rate"
    stopped_others=1
    for name in "${others[@]}"; do stop_daemon "$name"; done
    step "webhook (generator)" "$bin/switchboard-bench" webhook --health-only --label generator \
        --rate "$hook_rate" --seconds "$hook_seconds" --connections "$hook_connections" --results "$results"
    step "webhook (alone)" "$bin/switchboard-bench" webhook --label alone --rate "$hook_rate" \
        --seconds "$hook_seconds" --connections "$hook_connections" --results "$results"
fi

echo "== summary ($configuration build, $(nproc) cores; figures in $results)"
"$bin/switchboard-bench" summary --results "$results"
if [ ${#failed[@]} -gt 0 ]; then
    echo "bench: failed steps: ${failed[*]}"
    exit 1
fi
