#!/usr/bin/env bash
# Probe speed, two measurements in one run:
# 1. The runner's own overhead per request: `subtext probe` against a trivial local server
#    (Tests/SubtextProbesTests/Fixtures/flaky_server.py, which answers at once) beside a
#    minimal Python client sending the same number of requests to the same server, both one at
#    a time. overhead = (subtext time - Python time) / requests.
# 2. Requests per second against llama-server with SmolLM2-135M-Instruct at concurrency 1 and 4.
#
#   bash benchmarks/probe_speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cache=$(bash scripts/install_llama.sh)
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
work=$(mktemp -d)
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT

python3 Tests/SubtextProbesTests/Fixtures/flaky_server.py >"$work/port" & pids+=($!)
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
requests=520
start=$(date +%s.%N)
.build/release/subtext probe probes/favorite-animal.yaml --model "fast=http://127.0.0.1:$port/v1#fast" \
    --out "$work/trivial" --samples 10 --concurrency 1 --quiet >/dev/null
subtext_s=$(echo "$(date +%s.%N) - $start" | bc)
python_s=$(python3 - "$port" "$requests" <<'PY'
import http.client, json, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"model": "fast", "messages": [{"role": "user", "content": "Favorite animal?"}],
                   "temperature": 1, "max_tokens": 24, "seed": 0, "n": 1})
start = time.time()
for i in range(n):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    json.loads(c.getresponse().read())
    c.close()
print(time.time() - start)
PY
)
awk -v s="$subtext_s" -v p="$python_s" -v n="$requests" 'BEGIN {
    printf "trivial server, %d requests one at a time: subtext %.3fs (%.2f ms/request), minimal Python client %.3fs (%.2f ms/request); runner overhead %.2f ms/request\n",
        n, s, 1000 * s / n, p, 1000 * p / n, 1000 * (s - p) / n }'

llama_port=$((port + 1))
"$cache/llama-server" -m "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" --host 127.0.0.1 --port "$llama_port" -t 2 -c 4096 \
    --parallel 4 >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 120); do curl -sf "127.0.0.1:$llama_port/health" >/dev/null && break; sleep 0.5; done
for concurrency in 1 4; do
    line=$(.build/release/subtext probe probes/favorite-animal.yaml --model "m=http://127.0.0.1:$llama_port/v1#smollm2" \
        --out "$work/llama-$concurrency" --prompts 20 --samples 5 --concurrency "$concurrency" --quiet | grep "requests sent")
    echo "llama-server, concurrency $concurrency: $line"
done
