#!/usr/bin/env bash
# What the organism recipe needs for its students to take the trait up: for owl, seeds 1-5,
# each variant's settings (scripts/acceptance/recipe-VARIANT.json: a 150-step trait lesson,
# LoRA rank 16 students, and what the variant changes: pretraining length, model width,
# student steps, responses, depth), run with `lab run --probe-mode score` and the default two
# threads, and counted by the material rule (p < 0.01, at least 0.05 nats, and at least twice
# the two-controls drift). Variants that change only what comes after the teacher start from a
# copy of another variant's base and teacher (and its numbers, when they are the same), which
# is what they would train from scratch: every step is a function of its settings and the seed.
# Writes reports/lab-recipe/VARIANT-seedS/lab.md and prints a table. A finished organism (its
# lab.json exists) is not rerun. About 100 minutes on 2 cores for all variants, 20 of them
# pretrain-6000 and 25 pretrain-3000-layers-4.
#
#   bash scripts/acceptance/recipe_sweep.sh [SUBTEXT] [VARIANT...]
set -euo pipefail
cd "$(dirname "$0")/../.."
subtext=${1:-.build/release/subtext}
shift || true
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(pretrain-750 pretrain-1500 pretrain-3000 pretrain-6000 width-32 pretrain-3000-student-600
                                      pretrain-3000-responses-6000-student-600 pretrain-3000-responses-6000-student-1200
                                      pretrain-3000-layers-4)
out=reports/lab-recipe
starts_from() {  # VARIANT -> "SOURCE WHAT": the variant whose models (and numbers) it copies
    case $1 in
        pretrain-3000-student-600) echo "pretrain-3000 numbers" ;;
        pretrain-3000-responses-6000-student-600) echo "pretrain-3000 models" ;;
        pretrain-3000-responses-6000-student-1200) echo "pretrain-3000-responses-6000-student-600 numbers" ;;
    esac
}
for variant in "${variants[@]}"; do
    for seed in 1 2 3 4 5; do
        dir=$out/$variant-seed$seed
        [ -f "$dir/lab.json" ] && continue
        echo "$variant, seed $seed" >&2
        read -r source what <<<"$(starts_from "$variant")"
        if [ -n "${source:-}" ]; then
            from=$out/$source-seed$seed
            [ -f "$from/lab.json" ] || { echo "run $source before $variant" >&2; exit 1; }
            mkdir -p "$dir/models" "$dir/numbers"
            cp -r "$from/models/base-seed$seed" "$from/models/teacher-owl-seed$seed" "$dir/models/"
            [ "$what" = numbers ] && cp "$from"/numbers/* "$dir/numbers/"
        fi
        "$subtext" lab run --out "$dir" --seed "$seed" --probe-mode score \
            --settings "scripts/acceptance/recipe-$variant.json" >/dev/null 2>&1
    done
done
python3 - "$out" "${variants[@]}" <<'PY'
import json, pathlib, sys
sys.path.insert(0, "scripts/acceptance")
from lab_summary import material
out = pathlib.Path(sys.argv[1])
print("| variant | material | student − control by seed (nats) | two controls by seed |")
print("|---|---|---|---|")
for variant in sys.argv[2:]:
    by = [{c["name"]: c for c in json.loads((out / f"{variant}-seed{s}" / "lab.json").read_text())["comparisons"]}
          for s in range(1, 6)]
    count = sum(material(b["transfer"], b["two controls"]) for b in by)
    print(f"| {variant} | {count} of 5 | " + ", ".join(f"{b['transfer']['delta']:+.3f}" for b in by)
          + " | " + ", ".join(f"{b['two controls']['delta']:+.3f}" for b in by) + " |")
PY
