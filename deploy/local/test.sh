#!/usr/bin/env bash
# The test command (`make test`): installs what is missing, starts a private broker and database on free
# loopback ports, builds, runs the whole suite against them, and stops them again, whatever happens.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash deploy/local/setup.sh

export SWITCHBOARD_STACK_DIR="$root/.local/test-stack-$$"
cleanup() {
    bash deploy/local/stack.sh stop >/dev/null 2>&1 || true
    rm -rf "$SWITCHBOARD_STACK_DIR"
}
trap cleanup EXIT

echo "test: building"
swift build --build-tests

eval "$(bash deploy/local/stack.sh start)"
export SWITCHBOARD_TEST_KAFKA_BROKERS="$SWITCHBOARD_KAFKA_BROKERS"
export SWITCHBOARD_TEST_MONGO_URI="$SWITCHBOARD_MONGO_URI"
echo "test: broker $SWITCHBOARD_TEST_KAFKA_BROKERS, database $SWITCHBOARD_TEST_MONGO_URI"

# CI shows only the end of the output: on failure, repeat the failed tests' lines after the summary.
log="$SWITCHBOARD_STACK_DIR/swift-test.log"
if swift test --skip-build "$@" 2>&1 | tee "$log"; then
    exit 0
fi
echo "test: FAILED. The failures, repeated from above:"
# Each failure with the lines that continue it (an expectation's comment, a multi-line message).
awk '/✘|error:|Fatal error|Assertion failed/ && !/ passed after / { print; more = 1; next }
     /^(◇|✔|✘|↳ Test|Test Suite|\[)/ { more = 0 }
     more { print }' "$log" | head -n 200 || true
exit 1
