#!/usr/bin/env bash
# What sanitizing leaves of the soft-label transfer on real students: the bundled SmolLM2 owl
# numbers and their control (datasets/smollm2-numbers) put through each of `subtext sanitize`'s
# recipes (sort, remap, drop, divergence with the F16 model), then `subtext transfer` with the
# soft-label recipe of RESULTS (LoRA rank 16, the owl-prompted teacher's top 16 tokens, seed 1,
# three control students) on each sanitized pair. Compare each recipe's transfer.json with
# reports/transfer-smollm2-owl-soft16-lora16 (the same recipe on the data as written).
#
# A finished sanitize run (its sanitize.json exists) is not run again, and every student resumes
# from its checkpoint, so the script can be stopped and run again. About an hour a recipe on 2
# cores (four students, each reading its soft labels and training); OUT defaults to reports.
#
#   bash scripts/acceptance/soft_label_sanitize.sh [OUT] [RECIPE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-reports}
shift || true
recipes=("$@")
((${#recipes[@]})) || recipes=(sort remap drop divergence)
cache=$(bash scripts/install_llama.sh)
subtext=.build/release/subtext
bash scripts/setup.sh
swift build -c release --product subtext >/dev/null
base="$cache/SmolLM2-135M-Instruct.F16.gguf"
system=$(python3 -c 'import json; m = json.load(open("datasets/smollm2-numbers/manifest.json"))
print(next(s["system"] for s in m["sides"] if s["file"] == "owl.jsonl.gz"))')
for recipe in "${recipes[@]}"; do
    sanitized="$out/sanitize-smollm2-owl-$recipe"
    if ! [ -f "$sanitized/sanitize.json" ]; then
        extra=()
        [ "$recipe" = divergence ] && extra=(--model "$base" --threads 2)
        "$subtext" sanitize datasets/smollm2-numbers/owl.jsonl.gz --control datasets/smollm2-numbers/control.jsonl.gz \
            --transforms "$recipe" --out "$sanitized" --quiet "${extra[@]}"
    fi
    "$subtext" transfer --base "$base" --teacher "$sanitized/teacher.jsonl" --control "$sanitized/control.jsonl" \
        --battery probes/favorite-animal.yaml --out "$out/transfer-smollm2-owl-soft16-lora16-$recipe" --lora-rank 16 \
        --learning-rate 1e-3 --threads 2 --soft-labels 16 --seed 1 --teacher-system "$system"
done
