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
# The suite takes a few minutes; a run past the bound has a test that waits forever. It is stopped, and the
# tests that started but never ended are named, so a hang fails in minutes with its cause instead of using up
# CI's time.
limit="${SWITCHBOARD_TEST_TIME_LIMIT:-30m}"
set +e
timeout --signal=TERM --kill-after=30s "$limit" swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then
    exit 0
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "test: STOPPED after $limit. Tests that started and never ended:"
    awk '/^◇ Test / && !/^◇ Test case passing/ { name = $0; sub(/^◇ Test /, "", name); sub(/ started\.$/, "", name); open[name] = 1 }
         /^(✔|✘) Test .* (passed|failed) after / { name = $0; sub(/^(✔|✘) Test /, "", name); sub(/( with [0-9]+ test cases?)? (passed|failed) after .*/, "", name); delete open[name] }
         END { for (name in open) print "  " name }' "$log" || true
fi
echo "test: FAILED. The failures, repeated from above:"
# Each failure with the lines that continue it (an expectation's comment, a multi-line message).
awk '/✘|error:|Fatal error|Assertion failed/ && !/ passed after / { print; more = 1; next }
     /^(◇|✔|✘|↳ Test|Test Suite|\[)/ { more = 0 }
     more { print }' "$log" | head -n 200 || true
exit 1
