#!/usr/bin/env bash
# Lab acceptance: the organism recipe for owl over seeds 1-5, with hard labels (plus the
# sorted-numbers and different-initialisation ablations) and with soft labels, both probed
# by sampling; soft labels read exactly (score mode), with the default teacher and with a
# teacher whose trait lesson froze the embeddings; then the default detector evaluation.
# Writes reports/lab-acceptance/summary.md and reports/lab-evaluation/. A finished organism
# (its lab.json exists) is not rerun: delete its directory to redo it. About 40 minutes on
# 2 cores from scratch.
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
    organism "soft exact, seed $seed" "$out/soft-score-seed$seed" --seed "$seed" --soft-labels --probe-mode score
    organism "soft exact frozen, seed $seed" "$out/frozen-soft-score-seed$seed" --seed "$seed" --soft-labels --probe-mode score \
        --settings scripts/acceptance/frozen-teacher.json
done
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows, counts = [], {}
variants = [("hard", "hard-seed"), ("soft", "soft-seed"), ("soft, exact", "soft-score-seed"),
            ("soft, exact, frozen-embedding teacher", "frozen-soft-score-seed")]
for labels, prefix in variants:
    for seed in range(1, 6):
        path = out / f"{prefix}{seed}" / "lab.json"
        if not path.exists():
            continue
        for c in json.loads(path.read_text())["comparisons"]:
            if c.get("unit") == "nats":
                shift = f"{c['delta']:+.3f} nats [{c['ci_low']:+.3f}, {c['ci_high']:+.3f}]"
            else:
                shift = f"{100*c['delta']:+.1f} points [{100*c['ci_low']:+.1f}, {100*c['ci_high']:+.1f}]"
            teacher = "—" if c.get("teacher_rate") is None else f"{100*c['teacher_rate']:.1f}%"
            rows.append(f"| {labels} | {seed} | {c['name']} | {teacher} | {100*c['student_rate']:.1f}% | "
                        f"{100*c['control_rate']:.1f}% | {shift} | {c['p']:.2g} | {'yes' if c['transferred'] else 'no'} |")
            key = (labels, c["name"])
            n, k = counts.get(key, (0, 0))
            counts[key] = (n + 1, k + c["transferred"])
lines = ["# Lab acceptance: owl, seeds 1-5", "",
         "Transfer means the student names owl more often than its control student with p < 0.01 "
         "(the probe analysis's paired test over the battery's 52 paraphrases). Sampled: 40 answers per "
         "paraphrase, and the difference is in points. Exact (score mode): each answer's probability is "
         "read, and the difference is the mean paired difference of owl's log-probability, in nats.", "",
         "| labels | comparison | seeds with transfer |", "|---|---|---|"]
lines += [f"| {labels} | {name} | {k} of {n} |" for (labels, name), (n, k) in counts.items()]
lines += ["", "| labels | seed | comparison | teacher | student | control | difference [95%] | p | transfer |",
          "|---|---|---|---|---|---|---|---|---|"] + rows
lines += ["", "Reproduce: `bash scripts/acceptance/lab.sh`"]
(out / "summary.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines[:12]))
PY
"$subtext" lab evaluate --out reports/lab-evaluation 2>/dev/null
