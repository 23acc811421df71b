#!/usr/bin/env bash
# The soundness step: formatting (swift format lint against .swift-format) and a build of the project's own
# targets with warnings as errors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash deploy/local/setup.sh >/dev/null

echo "soundness: swift format lint"
swift format lint --strict --recursive --parallel Package.swift Sources Tests

echo "soundness: build with warnings as errors"
SWITCHBOARD_WARNINGS_AS_ERRORS=1 swift build --build-tests
echo "soundness: ok"
