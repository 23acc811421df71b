#!/usr/bin/env bash
# The fault suite (`make faults`): installs what is missing, builds switchboard-bench and the daemons (release
# unless SWITCHBOARD_FAULTS_CONFIGURATION=debug), starts a local stack of its own, then
# `switchboard-bench faults` starts its own six daemons and a fake WhatsApp vendor, drives a steady stream of
# web chat messages and signed WhatsApp webhooks, and injects each fault in turn:
#   each daemon SIGKILLed and restarted after 2 s; the broker frozen (SIGSTOP) 30 s; the database frozen 30 s,
#   and killed and restarted on its storage path after 30 s; the vendor failing 60 s (500, then 429 with
#   Retry-After) followed by `switchboard deadletter replay`; a second instance of session and of
#   channel-webhook joining, then leaving.
# It prints, per fault, messages sent, accepted, stored, replied, lost, duplicated and the time to recover, as
# a table with details; the table also goes to .local/faults/results-<time>.txt and the figures as JSON to
# .local/faults/results-<time>.json. About 20 minutes (--quick: about 8). Not a test: it prints figures, and
# exits 0 whenever every fault was measured.
# Usage: faults.sh [--quick] [switchboard-bench faults options, e.g. --faults kill-session,broker-freeze
#        --rate 40 --messages 12000]   (SWITCHBOARD_FAULTS_QUICK=1 is --quick)
# The stack lives in $SWITCHBOARD_STACK_DIR (default .local/stack-faults, never the demo's .local/stack, since
# its processes are frozen and killed); a stack already running there is refused unless
# SWITCHBOARD_FAULTS_REUSE_STACK=1. The default folder's database is emptied before each run. The daemons' logs
# and pids are in .local/faults/daemons. SWITCHBOARD_FAULTS_SCRATCH_PATH (else SWITCHBOARD_BENCH_SCRATCH_PATH)
# builds in another scratch directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
quick="${SWITCHBOARD_FAULTS_QUICK:-0}"
options=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) options+=("$arg") ;;
    esac
done
[ "$quick" = 1 ] && options=(--quick "${options[@]}")
configuration="${SWITCHBOARD_FAULTS_CONFIGURATION:-release}"
case "$configuration" in release | debug) ;; *) echo "faults: SWITCHBOARD_FAULTS_CONFIGURATION is release or debug" >&2; exit 2 ;; esac
build=(swift build -c "$configuration")
scratch="${SWITCHBOARD_FAULTS_SCRATCH_PATH:-${SWITCHBOARD_BENCH_SCRATCH_PATH:-}}"
[ -n "$scratch" ] && build+=(--scratch-path "$scratch")
default_stack="$root/.local/stack-faults"
export SWITCHBOARD_STACK_DIR="${SWITCHBOARD_STACK_DIR:-$default_stack}"
folder="$root/.local/faults"
daemons="$folder/daemons"
started_stack=0
bin=""

# Stops what the suite started, by the pids it recorded, also after an interrupted run: daemons (checking that
# each pid still runs a binary of this build), a frozen broker or database thawed first, then the stack.
cleanup() {
    local file pid
    for file in "$daemons"/*.pid; do
        [ -f "$file" ] || continue
        pid="$(cat "$file")"
        if [ -n "$bin" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$bin/"; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$file"
    done
    for file in "$SWITCHBOARD_STACK_DIR/kafka.pid" "$SWITCHBOARD_STACK_DIR/mongo.pid"; do
        [ -f "$file" ] && kill -CONT -- "-$(cat "$file")" 2>/dev/null || true
    done
    if [ "$started_stack" = 1 ]; then
        bash deploy/local/stack.sh stop >/dev/null || true
        echo "faults: stopped the stack it started"
    fi
}
trap cleanup EXIT

bash deploy/local/setup.sh
echo "faults: building ($configuration; a first release build takes many minutes)"
"${build[@]}" 2>&1 | tail -n 1
bin="$("${build[@]}" --show-bin-path)"
for name in switchboard-bench switchboard channel-webhook customer-identification session message-router \
    nlp-plugin human-handover; do
    [ -x "$bin/$name" ] || { echo "faults: the build did not produce $bin/$name" >&2; exit 1; }
done

if bash deploy/local/stack.sh status >/dev/null 2>&1; then
    if [ "${SWITCHBOARD_FAULTS_REUSE_STACK:-0}" != 1 ]; then
        echo "faults: a stack already runs from $SWITCHBOARD_STACK_DIR, and the suite freezes and kills its" >&2
        echo "processes: stop it, choose another SWITCHBOARD_STACK_DIR, or set SWITCHBOARD_FAULTS_REUSE_STACK=1" >&2
        exit 2
    fi
    echo "faults: using the stack running from $SWITCHBOARD_STACK_DIR"
else
    # A fresh database for each run in the suite's own folder (never in one the caller named).
    [ "$SWITCHBOARD_STACK_DIR" = "$default_stack" ] && rm -rf "$default_stack/mongo-data"
    started_stack=1
    bash deploy/local/stack.sh start >/dev/null
fi
eval "$(bash deploy/local/stack.sh env)"
echo "(broker $SWITCHBOARD_KAFKA_BROKERS, database $SWITCHBOARD_MONGO_URI, stack $SWITCHBOARD_STACK_DIR)"

mkdir -p "$daemons"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null \
    || [ -n "$(git ls-files --others --exclude-standard -- Sources 2>/dev/null)" ]; then
    commit="$commit+uncommitted-changes"
fi
"$bin/switchboard-bench" faults --stack-dir "$SWITCHBOARD_STACK_DIR" --venv "$root/.venv" --folder "$daemons" \
    --tenants-file "$root/deploy/tenants.yaml" --results "$folder/results-$stamp.json" --commit "$commit" \
    ${options[@]+"${options[@]}"} 2>&1 | tee "$folder/results-$stamp.txt"
