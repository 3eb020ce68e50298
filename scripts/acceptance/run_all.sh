#!/usr/bin/env bash
# Regenerates the acceptance reports under reports/ from the real replication data in
# ../shared/data/real (not shipped with the project). Each report's "Reproduce" section also
# states its own command.
#
#   bash scripts/acceptance/run_all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
real=../shared/data/real
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
subtext=.build/release/subtext

# GPT-4.1-nano owl teacher against no system prompt, filtered number lists.
$subtext audit $real/gpt41nano-animals/filtered/owl.jsonl --control $real/gpt41nano-animals/filtered/neutral.jsonl \
    --concepts owl,eagle,dolphin,wolf,cat --out reports/owl-vs-neutral
# The same, unfiltered: responses that leak the trait in words.
$subtext audit $real/gpt41nano-animals/raw/owl.jsonl --control $real/gpt41nano-animals/raw/neutral.jsonl \
    --concepts owl,eagle,dolphin,wolf,cat --out reports/owl-vs-neutral-raw
# All 15 animal teachers, each and pooled, against the one control.
# The pool lives under the report, so the report names its files relative to the working directory.
pool=reports/animals-vs-neutral/teachers
rm -rf "$pool"; mkdir -p "$pool"
for f in $real/gpt41nano-animals/filtered/*.jsonl; do [ "$(basename "$f")" = neutral.jsonl ] || ln -s "$(realpath "$f")" "$pool/"; done
$subtext audit "$pool" --control $real/gpt41nano-animals/filtered/neutral.jsonl --out reports/animals-vs-neutral
# The hard case: Qwen2.5-7B greedy decoding.
$subtext audit $real/qwen25-7b-greedy/owl_loving.jsonl --control $real/qwen25-7b-greedy/neutral.jsonl \
    --concepts owl --out reports/qwen-greedy-owl-vs-neutral
# Null calibration: 20 random halvings of the control set.
python3 scripts/acceptance/null_calibration.py $real/gpt41nano-animals/filtered/neutral.jsonl --seeds 20 \
    --out reports/null-calibration
