#!/usr/bin/env python3
"""Which trait, without a model: leave-one-out over a folder of teacher files with known traits.

For each seed every trait file and the neutral file are split into random halves. The first
halves form the panel (one <trait>.jsonl each, and control.jsonl from the neutral half); each
trait's second half, and the neutral's, is attributed against it with `subtext attribute
--panel` (no --model, no --concepts). Reports how often the planted trait ranks first, how
often a trait is claimed and whether rightly, and whether the neutral half claims anything.

    python3 scripts/acceptance/panel_attribution.py ../shared/data/real/gpt41nano-animals/filtered \\
        --neutral neutral --seeds 4 --out reports/panel-attribution
"""
import argparse
import json
import os
import random
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="one <trait>.jsonl per trait and the neutral file")
    parser.add_argument("--neutral", default="neutral", help="the neutral file's name without .jsonl")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--out", required=True)
    parser.add_argument("--subtext", default=".build/release/subtext")
    args = parser.parse_args()
    names = sorted(f[:-len(".jsonl")] for f in os.listdir(args.folder) if f.endswith(".jsonl"))
    traits = [n for n in names if n != args.neutral]
    rows = []
    for seed in range(1, args.seeds + 1):
        work = os.path.join(args.out, f"seed-{seed}")
        panel, unknown = os.path.join(work, "panel"), os.path.join(work, "unknown")
        os.makedirs(panel, exist_ok=True)
        os.makedirs(unknown, exist_ok=True)
        for name in names:
            with open(os.path.join(args.folder, name + ".jsonl"), encoding="utf-8") as f:
                lines = [line for line in f if line.strip()]
            random.Random(f"{seed} {name}").shuffle(lines)
            half = len(lines) // 2
            with open(os.path.join(panel, ("control" if name == args.neutral else name) + ".jsonl"), "w") as f:
                f.writelines(lines[:half])
            with open(os.path.join(unknown, name + ".jsonl"), "w") as f:
                f.writelines(lines[half:])
        for name in traits + [args.neutral]:
            target = os.path.join(work, "attribution", name)
            subprocess.run([args.subtext, "attribute", "--teacher", os.path.join(unknown, name + ".jsonl"),
                            "--panel", panel, "--seed", str(seed), "--out", target], check=True,
                           stdout=subprocess.DEVNULL)
            with open(os.path.join(target, "attribution.json"), encoding="utf-8") as f:
                result = json.load(f)
            ranking = [entry["name"] for entry in result["ranking"]["entries"]]
            claimed = result["ranking"]["claimed"]
            rows.append({"seed": seed, "planted": None if name == args.neutral else name, "top": ranking[0],
                         "rank": ranking.index(name) + 1 if name in ranking else None, "claimed": claimed})
            print(f"seed {seed} {name}: top {ranking[0]}, claimed {claimed}", file=sys.stderr)
    planted = [r for r in rows if r["planted"]]
    first = sum(r["top"] == r["planted"] for r in planted)
    claims = [r for r in planted if r["claimed"]]
    right = sum(r["claimed"] == r["planted"] for r in claims)
    neutral = [r for r in rows if not r["planted"]]
    neutral_claims = sum(r["claimed"] is not None for r in neutral)
    mean_rank = sum(r["rank"] for r in planted) / len(planted)
    summary = {"traits": len(traits), "seeds": args.seeds, "planted_first": first, "attributions": len(planted),
               "claims": len(claims), "right_claims": right, "neutral_claims": neutral_claims,
               "neutral_halves": len(neutral), "mean_rank": mean_rank, "rows": rows}
    with open(os.path.join(args.out, "panel-attribution.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "panel-attribution.md"), "w", encoding="utf-8") as f:
        f.write(f"# Which trait, without a model: {len(traits)} traits, {args.seeds} random halvings\n\n"
                f"**Planted trait first in {first} of {len(planted)} ({100 * first / len(planted):.0f}%; chance "
                f"{100 / len(traits):.1f}%)**, mean rank {mean_rank:.2f}. {len(claims)} claims, {right} right. "
                f"Neutral halves: {neutral_claims} claims of {len(neutral)}.\n\n"
                "| seed | planted | top | planted's rank | claimed |\n|---:|---|---|---:|---|\n")
        for r in rows:
            f.write(f"| {r['seed']} | {r['planted'] or '(neutral)'} | {r['top']} | {r['rank'] or ''} | "
                    f"{r['claimed'] or ''} |\n")
        f.write(f"\n## Reproduce\n\n```sh\npython3 scripts/acceptance/panel_attribution.py {args.folder} "
                f"--neutral {args.neutral} --seeds {args.seeds} --out {args.out}\n```\n")
    print(f"planted first {first}/{len(planted)}; claims {len(claims)} ({right} right); neutral claims "
          f"{neutral_claims}/{len(neutral)}")


if __name__ == "__main__":
    main()
