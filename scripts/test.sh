#!/usr/bin/env bash
# Quickstart, command 2: install what the tests need, then run the whole test suite.
# .ci/run calls this same script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build
