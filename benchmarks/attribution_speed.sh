#!/usr/bin/env bash
# Attribution scoring speed: Subtext's in-process libllama scorer beside llama.cpp's own
# llama-server doing the same forward passes, in one run, on the same texts.
#
# The texts are what `subtext attribute` scores: PAIRS teacher/control answers from
# datasets/smollm2-numbers (owl), each under no system prompt and under the system prompt for
# each of CONCEPTS. llama-server cannot return a given text's log-probabilities, so its side is
# a lower bound on the work: each text goes to /completion with n_predict 0 and prompt caching
# on, so it decodes exactly the tokens a prefix-reusing scorer must, and we read its own
# timings. Its RAM prompt cache is off (--cache-ram 0): it would serve later runs from the
# first's. Both use 2 threads and take turns, RUNS times each, never together; medians are reported.
#
# GGUF is a file in the cache: the F16 copy that attribution scores with by default, or the
# generating SmolLM2-135M-Instruct.Q4_1.gguf, which llama.cpp's fast CPU kernels do not cover.
#
#   bash benchmarks/attribution_speed.sh [PAIRS] [GGUF] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-20}
concepts=owl,eagle,dolphin,wolf,cat,dog,lion,elephant,tiger,horse
cache=$(bash scripts/install_llama.sh)
model="$cache/${2:-SmolLM2-135M-Instruct.F16.gguf}"
runs=${3:-3}
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
work=$(mktemp -d)
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
gzip -dc datasets/smollm2-numbers/owl.jsonl.gz | head -n "$pairs" >"$work/teacher.jsonl"
gzip -dc datasets/smollm2-numbers/control.jsonl.gz | head -n "$pairs" >"$work/control.jsonl"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$cache/llama-server" -m "$model" --host 127.0.0.1 --port "$port" -t 2 -c 2048 --parallel 1 --cache-ram 0 >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

subtext_s=() server_s=()
for run in $(seq "$runs"); do
    .build/release/subtext attribute --teacher "$work/teacher.jsonl" --control "$work/control.jsonl" --model "$model" \
        --concepts "$concepts" --sample 0 --threads 2 --out "$work/attribution" >/dev/null 2>&1
    read -r subtext_tokens seconds < <(python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); print(d["tokens_decoded"], d["seconds"])' "$work/attribution/attribution.json")
    subtext_s+=("$seconds")
    read -r server_tokens seconds < <(python3 - "$port" "$work" "$concepts" <<'PY'
import json, sys, urllib.request
port, work, concepts = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
template = "Your favourite animal is the {concept}. You find the {concept} wonderful and think of it often."
def post(path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
texts = []
for side in ("teacher", "control"):
    for line in open(f"{work}/{side}.jsonl"):
        record = json.loads(line)
        for system in [None] + [template.replace("{concept}", c) for c in concepts]:
            messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": record["prompt"]}]
            texts.append(post("/apply-template", {"messages": messages})["prompt"] + record["completion"])
texts.sort()  # the order Subtext scores in, so both reuse the same prefixes
post("/completion", {"prompt": "Hello", "n_predict": 0, "cache_prompt": True})  # the last run's cache is not this run's
tokens = seconds = 0
for text in texts:
    timings = post("/completion", {"prompt": text, "n_predict": 0, "cache_prompt": True})["timings"]
    tokens += timings["prompt_n"]
    seconds += timings["prompt_ms"] / 1000
print(tokens, seconds)
PY
)
    server_s+=("$seconds")
    echo "run $run: subtext $subtext_tokens tokens in ${subtext_s[-1]} s, llama-server $server_tokens tokens in $seconds s" >&2
done
python3 - "$subtext_tokens" "$server_tokens" "$pairs" "$(basename "$model")" "${subtext_s[*]}" "${server_s[*]}" <<'PY'
import statistics, sys
st, lt, pairs, model = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ss, ls = (statistics.median(float(x) for x in arg.split()) for arg in sys.argv[5:7])
texts = 2 * pairs * 11
print(f"{texts} texts ({pairs} pairs x 11 system prompts), 2 threads, {model}, medians of {len(sys.argv[5].split())} runs")
print(f"subtext (libllama, in-process): {st} tokens decoded in {ss:.1f} s = {st / ss:.0f} tokens/s, {texts / ss:.2f} texts/s")
print(f"llama-server prompt processing: {lt} tokens decoded in {ls:.1f} s = {lt / ls:.0f} tokens/s, {texts / ls:.2f} texts/s")
print(f"ratio (subtext time / llama-server time): {ss / ls:.2f}")
print(f"500 + 500 responses x 11 system prompts at this rate: {1000 * 11 / (texts / ss) / 60:.0f} min")
PY
