#!/usr/bin/env bash
# Does decoding more tokens per llama_decode call score faster on this machine? Attribution
# decodes one text per call (about 55 new tokens); batching several texts per call would only
# pay if llama.cpp's prompt processing ran faster on larger batches. This asks llama-server
# (2 threads, the F16 copy attribution scores with, prompt cache off) to process prompts of
# 32 to 512 tokens and prints its own prompt tokens per second, median of RUNS prompts each.
#
#   bash benchmarks/decode_batch_size.sh [RUNS] [GGUF]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cache=$(bash scripts/install_llama.sh)
model="$cache/${2:-SmolLM2-135M-Instruct.F16.gguf}"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$cache/llama-server" -m "$model" --host 127.0.0.1 --port "$port" -t 2 -c 2048 -b 2048 -ub 512 --parallel 1 \
    --cache-ram 0 >/dev/null 2>&1 &
server=$!
trap 'kill -9 "$server" 2>/dev/null' EXIT
for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
python3 - "$port" "$runs" <<'PY'
import json, statistics, sys, urllib.request
port, runs = sys.argv[1], int(sys.argv[2])
def post(path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
tokens = post("/tokenize", {"content": "12, 40, 68, 96, 24, 52, 80, 108, 136, 164, 192, 220, " * 100})["tokens"]
print("tokens per call\tprompt tokens/s (median)")
for size in (32, 64, 128, 256, 512):
    rates = [post("/completion", {"prompt": tokens[run:run + size], "n_predict": 0, "cache_prompt": False})
             ["timings"]["prompt_per_second"] for run in range(runs)]
    print(f"{size}\t{statistics.median(rates):.0f}")
PY
