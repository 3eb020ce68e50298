#!/usr/bin/env bash
# Quickstart, command 2: install what the tests need, then run the whole test suite.
# .ci/run calls this same script. The probe, generation and attribution tests talk to a real
# llama-server with SmolLM2-135M-Instruct on loopback and load libllama, so llama.cpp is built
# once (twice about 13 minutes on 2 cores) and cached outside the repository;
# SUBTEXT_REQUIRE_LLAMA=1 makes a missing llama.cpp a failure rather than a skip. The sharded
# audit test starts a one-node Slurm cluster from Debian's slurm-wlm; SUBTEXT_REQUIRE_SLURM=1
# likewise makes its absence a failure.
#
# The tests build optimised, in their own scratch folder: the lab trains models in its own
# loops, which unoptimised run fifty times slower. -enable-testing keeps @testable imports
# working in that build, and the scratch folder keeps it apart from the quickstart's release
# build, whose flags differ. A target that imports a module it does not declare fails the
# build (the package turns on MemberImportVisibility too), so the module graph in the README's
# layout is the one the compiler checks.
set -euo pipefail
cd "$(dirname "$0")/.."
# The code is laid out by swift-format (the toolchain's `swift format`, configured in
# .swift-format); a file it would lay out otherwise fails here, named with its line, in seconds.
# `swift format -i -r Sources Tests Package.swift examples` lays it out.
swift format lint --strict -r Sources Tests Package.swift examples
bash scripts/setup.sh slurm-wlm
bash scripts/install_llama.sh >/dev/null
flags=(-c release -Xswiftc -enable-testing --scratch-path .build-tests)
swift build --build-tests --explicit-target-dependency-import-check error "${flags[@]}"
SUBTEXT_REQUIRE_LLAMA=1 SUBTEXT_REQUIRE_SLURM=1 swift test --skip-build "${flags[@]}"
# Every parser of outside bytes, fuzzed under AddressSanitizer for 2,000 inputs each from a fixed
# seed (a build of its own, about 8 minutes on 2 cores; then seconds a target); scripts/fuzz.sh
# SECONDS runs it for longer.
SUBTEXT_FUZZ_RUNS=2000 bash scripts/fuzz.sh 60
