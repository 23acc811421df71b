#!/usr/bin/env bash
# Starts and stops the six Switchboard daemons on the local stack (deploy/local/stack.sh must be running).
#   daemons.sh start [bin-dir] | stop | status | env
# Logs (JSON lines) and pids in .local/daemons. Tenant secrets in .local/secrets.env, generated on first use
# (never committed). Ports: channel-webhook 8080, customer-identification 8081, session 8082,
# message-router 8083, nlp-plugin 8084, human-handover 8085 (SWITCHBOARD_PORT_BASE moves them all).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$root/.local/daemons"
secrets="$root/.local/secrets.env"
base="${SWITCHBOARD_PORT_BASE:-8080}"
names=(channel-webhook customer-identification session message-router nlp-plugin human-handover)

die() { echo "daemons: $*" >&2; exit 1; }
alive() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

ensure_secrets() {
    mkdir -p "$root/.local"
    umask 077
    touch "$secrets"
    # The demo tenant's keys, and the webhook secrets `switchboard send` signs channel webhooks with. No
    # vendor sending credentials: replies to those channels are marked failed and dead-lettered.
    local name
    for name in API_KEY AGENT_KEY WHATSAPP_APP_SECRET MESSENGER_APP_SECRET TELEGRAM_SECRET_TOKEN TWILIO_AUTH_TOKEN; do
        grep -q "SWITCHBOARD_TENANT_DEMO_$name=" "$secrets" \
            || echo "export SWITCHBOARD_TENANT_DEMO_$name=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" >> "$secrets"
    done
    # The password of the demo's desk account (`make demo` creates it): kept, so it stays the same run after run.
    grep -q "SWITCHBOARD_DEMO_DESK_PASSWORD=" "$secrets" \
        || echo "export SWITCHBOARD_DEMO_DESK_PASSWORD=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')" >> "$secrets"
    # The key that signs web chat visitor tokens: kept with the secrets, so tokens outlive a restart.
    grep -q "SWITCHBOARD_WEBCHAT_TOKEN_SECRET=" "$secrets" \
        || echo "export SWITCHBOARD_WEBCHAT_TOKEN_SECRET=$(head -c 36 /dev/urandom | base64 | tr '+/' '-_')" >> "$secrets"
}

print_env() {
    ensure_secrets
    cat "$secrets"
    echo "export SWITCHBOARD_WEBHOOK_URL=http://127.0.0.1:$base"
    echo "export SWITCHBOARD_TWILIO_PUBLIC_BASE_URL=http://127.0.0.1:$base"
    echo "export SWITCHBOARD_AGENT_URL=http://127.0.0.1:$((base + 5))"
}

start() {
    local bin="${1:-$(cd "$root" && swift build --show-bin-path)}"
    ensure_secrets
    eval "$(bash "$root/deploy/local/stack.sh" env)"
    # shellcheck disable=SC1090
    source "$secrets"
    export SWITCHBOARD_TENANTS_FILE="${SWITCHBOARD_TENANTS_FILE:-$root/deploy/tenants.yaml}"
    export SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS="${SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS:-6000}"
    export SWITCHBOARD_WEBCHAT_DEMO_PAGE="${SWITCHBOARD_WEBCHAT_DEMO_PAGE:-true}"
    # Every local client (the demo, the benchmarks, the fault suite) comes from 127.0.0.1: no per-address limit.
    export SWITCHBOARD_WEBCHAT_RATE_PER_ADDRESS="${SWITCHBOARD_WEBCHAT_RATE_PER_ADDRESS:-0}"
    # channel-webhook's broker-outage spool, kept with the daemons' state.
    export SWITCHBOARD_SPOOL_DIR="${SWITCHBOARD_SPOOL_DIR:-$state/spool}"
    export SWITCHBOARD_TWILIO_PUBLIC_BASE_URL="${SWITCHBOARD_TWILIO_PUBLIC_BASE_URL:-http://127.0.0.1:$base}"
    mkdir -p "$state"
    local index=0 name
    for name in "${names[@]}"; do
        if alive "$name"; then index=$((index + 1)); continue; fi
        [ -x "$bin/$name" ] || die "no $bin/$name: build first (swift build)"
        SWITCHBOARD_HTTP_PORT=$((base + index)) setsid "$bin/$name" >>"$state/$name.log" 2>&1 < /dev/null &
        echo $! > "$state/$name.pid"
        index=$((index + 1))
    done
    index=0
    for name in "${names[@]}"; do
        local port=$((base + index)) i
        for i in $(seq 1 600); do
            alive "$name" || { tail -n 5 "$state/$name.log" >&2; die "$name exited (log: $state/$name.log)"; }
            if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
            [ "$i" = 600 ] && die "$name not ready on port $port within 60 s (log: $state/$name.log)"
            sleep 0.1
        done
        echo "daemons: $name ready on 127.0.0.1:$port"
        index=$((index + 1))
    done
}

stop() {
    local name pid i
    for name in "${names[@]}"; do
        if alive "$name"; then
            pid=$(cat "$state/$name.pid")
            kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            echo "daemons: stopped $name"
        fi
        rm -f "$state/$name.pid"
    done
}

status() {
    local name rc=0
    for name in "${names[@]}"; do
        if alive "$name"; then echo "$name: running (pid $(cat "$state/$name.pid"))"; else echo "$name: stopped"; rc=1; fi
    done
    return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    start) start "$@" ;;
    stop) stop ;;
    status) status ;;
    env) print_env ;;
    *) echo "usage: $0 start [bin-dir] | stop | status | env" >&2; exit 2 ;;
esac
