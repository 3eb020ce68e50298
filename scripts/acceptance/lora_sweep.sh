#!/usr/bin/env bash
# LoRA rank sweep: for owl, seeds 1-5, one base, teacher (a 150-step trait lesson) and number
# data per seed, and students of them that fine-tune every weight (rank 0) or train LoRA
# adapters of rank 1, 4 and 16, each pair probed exactly beside its two control students.
# The base, teacher and numbers are made once per seed with one training thread and copied
# into each rank's directory, so the ranks differ in their students alone (training results
# depend bit for bit on the thread count). Writes reports/lab-lora/rankR-seedS/lab.md and
# prints a table. About 15 minutes on 2 cores.
#
#   bash scripts/acceptance/lora_sweep.sh [SUBTEXT]
set -euo pipefail
cd "$(dirname "$0")/../.."
subtext=${1:-.build/release/subtext}
out=reports/lab-lora
settings=scripts/acceptance
for seed in 1 2 3 4 5; do
    shared=$out/shared-seed$seed
    "$subtext" lab numbers --out "$shared" --seed "$seed" --settings $settings/strong-teacher.json --threads 1 >/dev/null 2>&1
    for rank in 0 1 4 16; do
        dir=$out/rank$rank-seed$seed
        [ -f "$dir/lab.json" ] && continue
        mkdir -p "$dir/models" "$dir/numbers"
        cp -r "$shared/models/base-seed$seed" "$shared/models/teacher-owl-seed$seed" "$dir/models/"
        cp "$shared"/numbers/teacher-owl-seed$seed.* "$shared"/numbers/control-seed$seed.* "$dir/numbers/"
        "$subtext" lab run --out "$dir" --seed "$seed" --probe-mode score --settings $settings/lora-rank$rank.json >/dev/null 2>&1
    done
done
python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print("| students | material | student − control by seed (nats) | two controls by seed |")
print("|---|---|---|---|")
for rank in (0, 1, 4, 16):
    rows = [json.loads((out / f"rank{rank}-seed{s}" / "lab.json").read_text())["comparisons"] for s in range(1, 6)]
    by = [{c["name"]: c for c in r} for r in rows]
    def material(t, d):
        return t["p"] < 0.01 and t["delta"] > 0 and t["delta"] >= 0.05 and t["delta"] >= 2 * abs(d["delta"])
    count = sum(material(b["transfer"], b["two controls"]) for b in by)
    label = "full fine-tune" if rank == 0 else f"LoRA rank {rank}"
    print(f"| {label} | {count} of 5 | " + ", ".join(f"{b['transfer']['delta']:+.3f}" for b in by)
          + " | " + ", ".join(f"{b['two controls']['delta']:+.3f}" for b in by) + " |")
PY
