#!/usr/bin/env bash
# Quickstart, command 1: install what the system lacks, build, and audit the bundled example
# pair into reports/example-audit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product subtext
.build/release/subtext audit datasets/example/teacher.jsonl \
    --control datasets/example/control.jsonl --out reports/example-audit
