#!/usr/bin/env bash
# Quickstart, command 2: install what the tests need, then run the whole test suite.
# .ci/run calls this same script. The probe tests talk to a real llama-server with
# SmolLM2-135M-Instruct on loopback and the attribution tests load libllama, so llama.cpp is
# built once (twice about 13 minutes on 2 cores) and cached outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_llama.sh >/dev/null
swift build --build-tests
SUBTEXT_REQUIRE_LLAMA=1 swift test --skip-build
