#!/usr/bin/env bash
# The demo command (`make demo`): installs what is missing, builds, starts the local broker and database
# (left running afterwards; `make stack-down` stops them) and runs a real round trip through both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash deploy/local/setup.sh
echo "demo: building"
swift build --product switchboard 2>&1 | tail -n 1
eval "$(bash deploy/local/stack.sh start)"
echo "demo: broker $SWITCHBOARD_KAFKA_BROKERS, database $SWITCHBOARD_MONGO_URI"
"$(swift build --show-bin-path)/switchboard" check
