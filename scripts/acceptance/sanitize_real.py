#!/usr/bin/env python3
"""How much of each teacher's channel `subtext sanitize` removes, on real teacher-versus-control pairs.

For each teacher file in FOLDER against the neutral file:
- each rewrite (format, sort, remap, and all three) on the whole pair: held-out AUROC at K = 16
  before and after (the control put through the same rewrites);
- drop, fitted on one half and audited on the other: both files are split into random halves
  A and B (seeded); `subtext sanitize A --transforms drop` fits a rule, and `subtext sanitize B
  --drop-rule A/drop-rule.json` applies it, so the audit of B reads data the rule never saw.
  Run for drop by classifier, by carriers, and after all three rewrites. The target: AUROC at
  K = 16 at most 0.60 while keeping at least 70% of B's teacher rows, 95% of them valid.
- what a drop with a perfect rule could reach on B: under a binormal model fitted to the audit's
  per-response AUROC (K = 1) of B before, the AUROC at K = 16 left after dropping the budget's
  share of the teacher's highest-scoring responses, and the largest share such a drop can keep
  while reaching 0.60 (see `perfect_drop`).

    python3 scripts/acceptance/sanitize_real.py ../shared/data/real/gpt41nano-animals/filtered \\
        --neutral neutral --out reports/sanitize-real
"""
import argparse
import json
import os
import random
import subprocess
import sys

from scipy.optimize import brentq
from scipy.stats import norm

REWRITES = ["format", "sort", "remap", "format,sort,remap"]
DROPS = [("drop", "classifier"), ("drop", "carriers"), ("format,sort,remap,drop", "classifier")]


def sanitize(args, teacher, control, transforms, out, extra=()):
    subprocess.run([args.subtext, "sanitize", teacher, "--control", control, "--transforms", transforms,
                    "--seed", str(args.seed), "--drop-budget", str(args.budget), "--out", out, "--quiet", *extra],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "sanitize.json"), encoding="utf-8") as f:
        return json.load(f)


def perfect_drop(auroc1, kept, k=16):
    """AUROC at K of a teacher cut by a perfect rule, under a binormal model.

    Per-response scores: control N(0, 1), teacher N(mu, 1) with mu = sqrt(2) * probit(auroc1),
    so that one response against one reads `auroc1`. Keeping the lowest-scoring share `kept` of
    the teacher truncates its normal at mu + probit(kept); the truncated mean m and variance v
    are closed-form, and a mean of K scores against a mean of K control scores reads
    Phi(m * sqrt(K) / sqrt(v + 1)). The model reproduces the audit's own K = 16 figures on these
    pairs from their K = 1 figures to within about 0.05.
    """
    mu = 2 ** 0.5 * norm.ppf(auroc1)
    alpha = norm.ppf(kept)
    hazard = norm.pdf(alpha) / kept
    mean = mu - hazard
    variance = 1 - alpha * hazard - hazard ** 2
    return norm.cdf(mean * k ** 0.5 / (variance + 1) ** 0.5)


def most_kept(auroc1, target=0.60):
    """The largest share of teacher rows a perfect drop can keep while reaching `target`."""
    if perfect_drop(auroc1, 0.999) <= target:
        return 0.999
    return brentq(lambda kept: perfect_drop(auroc1, kept) - target, 0.01, 0.999)


def halves(path, seed, work):
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    random.Random(f"{seed} {os.path.basename(path)}").shuffle(lines)
    half = len(lines) // 2
    name = os.path.basename(path)[:-len(".jsonl")]
    paths = []
    for label, part in (("A", lines[:half]), ("B", lines[half:])):
        paths.append(os.path.join(work, f"{name}-{label}.jsonl"))
        with open(paths[-1], "w", encoding="utf-8") as f:
            f.writelines(part)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--neutral", default="neutral")
    parser.add_argument("--budget", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--subtext", default=".build/release/subtext")
    args = parser.parse_args()
    neutral = os.path.join(args.folder, args.neutral + ".jsonl")
    names = sorted(f[:-len(".jsonl")] for f in os.listdir(args.folder) if f.endswith(".jsonl") and f != args.neutral + ".jsonl")
    work = os.path.join(args.out, "work")
    os.makedirs(work, exist_ok=True)
    neutral_a, neutral_b = halves(neutral, args.seed, work)
    rows = []
    for name in names:
        teacher = os.path.join(args.folder, name + ".jsonl")
        row = {"teacher": name}
        for transforms in REWRITES:
            result = sanitize(args, teacher, neutral, transforms, os.path.join(work, name, transforms.replace(",", "+")))
            row["before"] = result["before"]["auroc"]["16"]
            row[transforms] = {"auroc16": result["after"]["auroc"]["16"], "valid_share": result["valid_share"]}
        teacher_a, teacher_b = halves(teacher, args.seed, work)
        for transforms, by in DROPS:
            label = f"{transforms} by {by}"
            fitted = os.path.join(work, name, label.replace(",", "+").replace(" ", "-") + "-A")
            sanitize(args, teacher_a, neutral_a, transforms, fitted, ["--drop-by", by])
            result = sanitize(args, teacher_b, neutral_b, transforms, fitted[:-2] + "-B",
                              ["--drop-rule", os.path.join(fitted, "drop-rule.json")])
            row["before_B"] = result["before"]["auroc"]["16"]
            row["before_B_k1"] = result["before"]["auroc"]["1"]
            row[label] = {"auroc16": result["after"]["auroc"]["16"], "kept": result["rows_out"] / result["rows_in"],
                          "valid_share": result["valid_share"], "rows_in": result["rows_in"], "rows_out": result["rows_out"]}
        row["perfect_drop"] = perfect_drop(row["before_B_k1"], 1 - args.budget)
        row["perfect_most_kept"] = most_kept(row["before_B_k1"])
        rows.append(row)
        print(f"{name}: before {row['before']:.3f}, " + ", ".join(
            f"{t} {row[t]['auroc16']:.3f}" for t in REWRITES + [f"{t} by {b}" for t, b in DROPS]), file=sys.stderr)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"budget": args.budget, "seed": args.seed, "rows": rows}, f, indent=2)
    write_table(args, rows)


def fmt(value):
    return "—" if value is None else f"{value:.3f}"


def write_table(args, rows):
    drops = [f"{t} by {b}" for t, b in DROPS]
    meets = lambda cell: cell["auroc16"] is not None and cell["auroc16"] <= 0.60 and cell["kept"] >= 0.70 and cell["valid_share"] >= 0.95
    lines = [f"# Sanitizing real teacher data: held-out AUROC at K = 16 before and after", "",
             f"Teachers in `{os.path.basename(os.path.normpath(args.folder))}` against `{args.neutral}`. Rewrites on the whole pair; "
             f"drop (budget {args.budget:.0%} of teacher rows) fitted on half A and audited on half B. "
             "A cell for drop reads AUROC (share of B's teacher rows kept). Target for drop: AUROC ≤ 0.60, ≥ 70% kept, ≥ 95% valid.", "",
             "| teacher | before | " + " | ".join(REWRITES) + " | before (half B) | " + " | ".join(drops)
             + f" | drop {args.budget:.0%} by a perfect rule (model) | most a perfect drop keeps at 0.60 (model) |",
             "|---|---:|" + "---:|" * len(REWRITES) + "---:|" + "---:|" * len(drops) + "---:|---:|"]
    for row in rows:
        cells = [fmt(row["before"])] + [fmt(row[t]["auroc16"]) for t in REWRITES] + [fmt(row["before_B"])]
        cells += [f"{fmt(row[d]['auroc16'])} ({row[d]['kept']:.0%}){' ✓' if meets(row[d]) else ''}" for d in drops]
        cells += [fmt(row["perfect_drop"]), f"{row['perfect_most_kept']:.0%}"]
        lines.append(f"| {row['teacher']} | " + " | ".join(cells) + " |")
    mean = lambda values: sum(values) / len(values)
    lines.append("| mean | " + " | ".join([fmt(mean([r["before"] for r in rows]))] + [fmt(mean([r[t]["auroc16"] for r in rows])) for t in REWRITES]
                                          + [fmt(mean([r["before_B"] for r in rows]))]
                                          + [fmt(mean([r[d]["auroc16"] for r in rows])) for d in drops]
                                          + [fmt(mean([r["perfect_drop"] for r in rows])), "—"]) + " |")
    model_gap = max(abs(perfect_drop(r["before_B_k1"], 0.999999) - r["before_B"]) for r in rows)
    valid = min(r[t]["valid_share"] for r in rows for t in REWRITES + drops)
    lines += ["", f"The least valid sanitized teacher: {valid:.1%} of its responses pass the generation filter.",
              "", "Pairs meeting the drop target: " + ", ".join(f"{d}: {sum(meets(r[d]) for r in rows)} of {len(rows)}" for d in drops) + ".",
              "", "The model columns: per-response scores taken as binormal with the separation of B's AUROC at K = 1 before; a "
              "perfect rule drops the teacher's highest-scoring responses. The same model, with nothing dropped, puts each pair's "
              f"AUROC at K = 16 before within {model_gap:.3f} of the audit's. Pairs a perfect drop of {args.budget:.0%} brings to "
              f"0.60 or below: {sum(r['perfect_drop'] <= 0.60 for r in rows)} of {len(rows)}.",
              "", "Reproduce:", "", "```sh", f"python3 scripts/acceptance/sanitize_real.py {os.path.normpath(args.folder)} "
              f"--neutral {args.neutral} --budget {args.budget} --seed {args.seed} --out {os.path.normpath(args.out)}", "```", ""]
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
