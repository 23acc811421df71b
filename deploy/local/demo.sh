#!/usr/bin/env bash
# The demo command (`make demo`): installs what is missing, builds, starts the local broker and database and
# the six daemons (left running: `make demo-down` stops them), checks the stack with a real round trip, and
# sends a scripted web chat conversation through all six daemons, printing who answered each message.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash deploy/local/setup.sh
echo "demo: building (the first build takes a few minutes)"
swift build 2>&1 | tail -n 1
bin="$(swift build --show-bin-path)"

eval "$(bash deploy/local/stack.sh start)"
echo "demo: broker $SWITCHBOARD_KAFKA_BROKERS, database $SWITCHBOARD_MONGO_URI"
"$bin/switchboard" check
echo
bash deploy/local/daemons.sh start "$bin"
eval "$(bash deploy/local/daemons.sh env)"
echo
"$bin/switchboard" demo --webhook "$SWITCHBOARD_WEBHOOK_URL" --agent-desk "$SWITCHBOARD_AGENT_URL" \
    --user "demo-$(date +%s)"
echo
# A supervisor account for the agent desk, with the password kept in .local/secrets.env: created on the first
# run, its password set again on later ones (which also lifts a lockout), so the same sign-in always works.
printf '%s\n' "$SWITCHBOARD_DEMO_DESK_PASSWORD" \
    | "$bin/switchboard" agents create --tenant demo --agent demo-supervisor --role supervisor \
        --name "Demo Supervisor" --password-stdin >/dev/null 2>&1 \
    || printf '%s\n' "$SWITCHBOARD_DEMO_DESK_PASSWORD" \
        | "$bin/switchboard" agents reset-password --tenant demo --agent demo-supervisor --password-stdin >/dev/null
echo "demo: the agent desk is at $SWITCHBOARD_AGENT_URL/desk"
echo "      sign in with tenant demo, agent demo-supervisor, password $SWITCHBOARD_DEMO_DESK_PASSWORD"
echo "demo: the stack and the daemons keep running (logs in .local/daemons); \`make demo-down\` stops them."
echo "demo: chat in a browser at $SWITCHBOARD_WEBHOOK_URL/webchat with the key SWITCHBOARD_TENANT_DEMO_API_KEY"
echo "      from .local/secrets.env; follow along with \`switchboard tail outbound\`."
