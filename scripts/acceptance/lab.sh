#!/usr/bin/env bash
# Lab acceptance: the organism recipe for owl over seeds 1-5, with hard labels (plus the
# sorted-numbers and different-initialisation ablations) and with soft labels, both probed
# by sampling; soft labels read exactly (score mode), with the ablations and the default
# teacher, and with a teacher whose trait lesson froze the embeddings; hard labels from
# 20,000 teacher responses instead of 3,000, read exactly, with the ablations; hard labels from
# numbers decoded greedily (teacher and base), read exactly, with the ablations; teachers given
# the trait by a system prompt instead of fine-tuning (the base under "You love the owl..."),
# sampled, with the ablations, in the default world and in one whose pretraining never put a
# number continuation under a system prompt; then the default detector evaluation. Writes
# reports/lab-acceptance/summary.md (lab_summary.py) and reports/lab-evaluation/. A finished
# organism (its lab.json exists) is not rerun: delete its directory to redo it. About 125
# minutes on 2 cores from scratch.
#
#   bash scripts/acceptance/lab.sh [SUBTEXT]
set -euo pipefail
cd "$(dirname "$0")/../.."
subtext=${1:-.build/release/subtext}
out=reports/lab-acceptance
mkdir -p "$out"
organism() {  # LABEL DIRECTORY ARGUMENTS...
    local label=$1 dir=$2; shift 2
    [ -f "$dir/lab.json" ] && return
    "$subtext" lab run --out "$dir" "$@" 2>/dev/null | sed "s/^/$label: /"
}
for seed in 1 2 3 4 5; do
    organism "hard, seed $seed" "$out/hard-seed$seed" --seed "$seed" --ablations
    organism "soft, seed $seed" "$out/soft-seed$seed" --seed "$seed" --soft-labels
    organism "soft exact, seed $seed" "$out/soft-score-seed$seed" --seed "$seed" --soft-labels --probe-mode score --ablations
    organism "soft exact frozen, seed $seed" "$out/frozen-soft-score-seed$seed" --seed "$seed" --soft-labels --probe-mode score \
        --settings scripts/acceptance/frozen-teacher.json
    organism "hard many exact, seed $seed" "$out/hard-many-score-seed$seed" --seed "$seed" --probe-mode score --ablations \
        --settings scripts/acceptance/many-responses.json
    organism "hard greedy exact, seed $seed" "$out/hard-greedy-score-seed$seed" --seed "$seed" --probe-mode score --ablations \
        --settings scripts/acceptance/greedy-teacher.json
    organism "prompted teacher, seed $seed" "$out/prompt-teacher-seed$seed" --seed "$seed" --ablations \
        --settings scripts/acceptance/prompt-teacher.json
    organism "prompted teacher, unprompted numbers, seed $seed" "$out/prompt-teacher-unprompted-numbers-seed$seed" --seed "$seed" \
        --ablations --settings scripts/acceptance/prompt-teacher-unprompted-numbers.json
done
python3 scripts/acceptance/lab_summary.py "$out"
"$subtext" lab evaluate --out reports/lab-evaluation 2>/dev/null
