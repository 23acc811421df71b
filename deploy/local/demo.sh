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
echo "demo: the stack and the daemons keep running (logs in .local/daemons); \`make demo-down\` stops them."
echo "demo: chat in a browser at $SWITCHBOARD_WEBHOOK_URL/webchat with the key SWITCHBOARD_TENANT_DEMO_API_KEY"
echo "      from .local/secrets.env; follow along with \`switchboard tail outbound\`."
