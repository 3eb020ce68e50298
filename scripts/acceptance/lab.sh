#!/usr/bin/env bash
# Lab acceptance: the organism recipe for owl over seeds 1-5, with hard labels (plus the
# sorted-numbers and different-initialisation ablations) and with soft labels, then the
# default detector evaluation. Writes reports/lab-acceptance/summary.md and
# reports/lab-evaluation/. About 30 minutes on 2 cores.
#
#   bash scripts/acceptance/lab.sh [SUBTEXT]
set -euo pipefail
cd "$(dirname "$0")/../.."
subtext=${1:-.build/release/subtext}
out=reports/lab-acceptance
mkdir -p "$out"
for seed in 1 2 3 4 5; do
    "$subtext" lab run --seed "$seed" --out "$out/hard-seed$seed" --ablations 2>/dev/null | sed "s/^/hard, seed $seed: /"
    "$subtext" lab run --seed "$seed" --out "$out/soft-seed$seed" --soft-labels 2>/dev/null | sed "s/^/soft, seed $seed: /"
done
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows, counts = [], {}
for labels in ("hard", "soft"):
    for seed in range(1, 6):
        path = out / f"{labels}-seed{seed}" / "lab.json"
        if not path.exists():
            continue
        for c in json.loads(path.read_text())["comparisons"]:
            rows.append(f"| {labels} | {seed} | {c['name']} | {100*c['student_rate']:.1f}% | {100*c['control_rate']:.1f}% | "
                        f"{100*c['delta']:+.1f} [{100*c['ci_low']:+.1f}, {100*c['ci_high']:+.1f}] | {c['p']:.2g} | {'yes' if c['transferred'] else 'no'} |")
            key = (labels, c["name"])
            n, k = counts.get(key, (0, 0))
            counts[key] = (n + 1, k + c["transferred"])
lines = ["# Lab acceptance: owl, seeds 1-5", "",
         "Transfer means the student names owl more often than its control student with p < 0.01 "
         "(the probe analysis's paired test over the battery's paraphrases, 40 samples each).", "",
         "| labels | comparison | seeds with transfer |", "|---|---|---|"]
lines += [f"| {labels} | {name} | {k} of {n} |" for (labels, name), (n, k) in counts.items()]
lines += ["", "| labels | seed | comparison | student | control | difference, points [95%] | p | transfer |",
          "|---|---|---|---|---|---|---|---|"] + rows
lines += ["", "Reproduce: `bash scripts/acceptance/lab.sh`"]
(out / "summary.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines[:12]))
PY
"$subtext" lab evaluate --out reports/lab-evaluation 2>/dev/null
