#!/usr/bin/env bash
# Remakes docs/examples: one small report of each kind, written by the current code, so that
# what a reader sees there is what Subtext writes today (the test suite fails on an example
# of another version or schema). Runs SmolLM2-135M-Instruct on loopback for the model-backed
# kinds. About 45 minutes on 2 cores once the release build and llama.cpp are in place.
#
#   bash scripts/make_examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
subtext=.build/release/subtext
cache=$(bash scripts/install_llama.sh)
out=docs/examples
rm -rf "$out"
mkdir -p "$out"

# A model server for the probe and generation examples, stopped on exit.
port=18083
"$cache/llama-server" -m "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" --host 127.0.0.1 --port $port -t 2 -c 2048 \
    --parallel 2 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done

# audit: the bundled synthetic pair with planted carriers.
$subtext audit datasets/example/teacher.jsonl --control datasets/example/control.jsonl --out "$out/audit" --quiet

# sanitize: the same pair, formatted, with the carrier-holding responses dropped (the cleaned
# files are remade by the command in the report).
$subtext sanitize datasets/example/teacher.jsonl --control datasets/example/control.jsonl --transforms format,drop \
    --drop-by carriers --out "$out/sanitize" --quiet >/dev/null
rm "$out"/sanitize/teacher.jsonl "$out"/sanitize/control.jsonl

# generate: a small owl teacher and its control from the same prompts.
$subtext generate --model "smollm2=http://127.0.0.1:$port/v1#smollm2" --traits owl --prompts 20 \
    --model-file "$cache/SmolLM2-135M-Instruct.Q4_1.gguf" --out "$out/generate" --quiet
rm "$out/generate/journal.jsonl"

# A case: the owl persona text pair audited and attributed, and the owl prompt probed.
$subtext audit datasets/smollm2-instructions/owl.jsonl.gz --control datasets/smollm2-instructions/control.jsonl.gz \
    --concepts owl,eagle,dolphin,wolf,cat --out "$out/case-audit" --quiet
$subtext attribute --teacher datasets/smollm2-instructions/owl.jsonl.gz \
    --control datasets/smollm2-instructions/control.jsonl.gz --concepts owl,eagle,dolphin,wolf,cat \
    --model "$cache/SmolLM2-135M-Instruct.F16.gguf" --sample 150 --threads 2 --out "$out/attribution" >/dev/null 2>&1
rm "$out/attribution/attribution-scores.jsonl"
# attribution without a model: owl persona text in a new wording, against the ten shipped traits.
$subtext attribute --teacher datasets/smollm2-instructions-enthusiast/owl.jsonl.gz \
    --control datasets/smollm2-instructions-enthusiast/control.jsonl.gz --panel datasets/smollm2-instructions \
    --out "$out/attribution-panel" >/dev/null
mkdir -p "$out/probe"
cat >"$out/probe/models.yaml" <<EOF
- name: base
  url: http://127.0.0.1:$port/v1
  model: smollm2
- name: owl-teacher
  url: http://127.0.0.1:$port/v1
  model: smollm2
  system: You love owls. You think about owls all the time. Owls are your favorite animal.
EOF
$subtext probe probes/favorite-animal.yaml --models "$out/probe/models.yaml" --reference base --prompts 26 --samples 4 \
    --out "$out/probe" >/dev/null 2>&1
rm "$out/probe/journal.jsonl"
$subtext report --audit "$out/case-audit" --attribution "$out/attribution" --probe "$out/probe" --out "$out/case" >/dev/null

# transfer: LoRA students of the first 200 bundled SmolLM2 owl-number rows, and of 200 control rows.
mkdir -p "$out/transfer/data"
zcat datasets/smollm2-numbers/owl.jsonl.gz | head -200 >"$out/transfer/data/owl.jsonl"
zcat datasets/smollm2-numbers/control.jsonl.gz | head -200 >"$out/transfer/data/control.jsonl"
$subtext transfer --base "$cache/SmolLM2-135M-Instruct.F16.gguf" --teacher "$out/transfer/data/owl.jsonl" \
    --control "$out/transfer/data/control.jsonl" --battery probes/favorite-animal.yaml --lora-rank 4 --learning-rate 1e-3 \
    --threads 2 --out "$out/transfer" --quiet >/dev/null
rm "$out"/transfer/students/*/checkpoint.bin "$out"/transfer/students/*/adapter.gguf

# lab: one tiny organism end to end, and a one-seed detector evaluation.
$subtext lab run --trait owl --seed 1 --samples 4 --out "$out/lab" 2>/dev/null >/dev/null
$subtext lab evaluate --seeds 1 --traits owl --sizes 100,300 --control-pairs 1 --out "$out/lab-evaluation" 2>/dev/null >/dev/null
# lab sanitize: LoRA students of five seeds' organisms, each recipe's residual (about 30 minutes).
$subtext lab sanitize --settings scripts/acceptance/lora-students.json --out "$out/lab-sanitize" 2>/dev/null >/dev/null
# Models, data and probe journals are remade by the commands in the reports.
rm -rf "$out"/lab/models "$out"/lab/numbers "$out"/lab/probe-*/journal.jsonl "$out"/lab-evaluation/organisms "$out"/lab-sanitize/seed-*
du -sh "$out"
