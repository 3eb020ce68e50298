#!/usr/bin/env python3
"""Null calibration: audit two random halves of one control set against each other.

For each seed the control file is shuffled with that seed and cut in two; `subtext audit`
compares the halves. Nothing is tuned on this: the split is random by seed. A calibrated
detector gives p < 0.05 in about 5% of splits and a mean AUROC near 0.5.

    python3 scripts/acceptance/null_calibration.py CONTROL.jsonl --seeds 20 --out reports/null-calibration

With --generate N instead of a file, the control is N responses that `subtext example` writes
under --out (200000 gives halves of 100,000 a side, audited with the held-out test).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("control", nargs="?")
    parser.add_argument("--generate", type=int, help="generate a control of this many responses instead")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--out", required=True)
    parser.add_argument("--subtext", default=".build/release/subtext")
    parser.add_argument("--permutations", type=int, default=9999)
    args = parser.parse_args()
    if (args.control is None) == (args.generate is None):
        parser.error("give a control file or --generate N")
    if args.generate:
        pair = os.path.join(args.out, "generated")
        subprocess.run([args.subtext, "example", "--out", pair, "--responses", str(args.generate), "--seed", "11"],
                       check=True, stdout=subprocess.DEVNULL)
        args.control = os.path.join(pair, "control.jsonl")

    with open(args.control, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    os.makedirs(args.out, exist_ok=True)
    rows = []
    # The halves live under --out, so each audit names them relative to the working directory.
    work = os.path.join(args.out, "halves")
    os.makedirs(work, exist_ok=True)
    for seed in range(1, args.seeds + 1):
        shuffled = lines[:]
        random.Random(seed).shuffle(shuffled)
        half = len(shuffled) // 2
        a, b = os.path.join(work, "a.jsonl"), os.path.join(work, "b.jsonl")
        with open(a, "w", encoding="utf-8") as f:
            f.writelines(shuffled[:half])
        with open(b, "w", encoding="utf-8") as f:
            f.writelines(shuffled[half:])
        target = os.path.join(work, f"audit-{seed}")
        subprocess.run([args.subtext, "audit", a, "--control", b, "--out", target, "--quiet",
                        "--seed", str(seed), "--permutations", str(args.permutations)],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(target, "audit.json"), encoding="utf-8") as f:
            audit = json.load(f)
        rows.append({"seed": seed, "p": audit["p_value"], "verdict": audit["verdict"],
                     "classifier_p": audit["classifier_p"], "test": audit["classifier_test"]["kind"],
                     "auroc_1": audit["auroc"]["1"], "auroc_16": audit["auroc"]["16"],
                     "format_p": audit["format"]["p_value"], "carriers_significant": audit["carriers_significant"]})
        print(f"seed {seed}: p = {audit['p_value']:.4f}, AUROC K=1 {audit['auroc']['1']:.3f}, "
              f"K=16 {audit['auroc']['16']:.3f}", file=sys.stderr)

    rejected = sum(r["p"] < 0.05 for r in rows)
    mean16 = statistics.mean(r["auroc_16"] for r in rows)
    summary = {"control": args.control, "seeds": args.seeds, "halves": [half, len(lines) - half],
               "p_below_0_05": rejected, "signal_verdicts": sum(r["verdict"] == "signal" for r in rows),
               "mean_auroc_16": mean16, "mean_auroc_1": statistics.mean(r["auroc_1"] for r in rows),
               "splits": rows}
    with open(os.path.join(args.out, "null-calibration.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "null-calibration.md"), "w", encoding="utf-8") as f:
        f.write(f"# Null calibration: two halves of one control set\n\n")
        f.write(f"**p < 0.05 in {rejected} of {args.seeds} splits** (target: at most 3); "
                f"**mean AUROC at K = 16: {mean16:.3f}** (target: 0.5 ± 0.03); "
                f"{summary['signal_verdicts']} splits gave a `signal` verdict at α = 0.01.\n\n")
        f.write("| seed | p | AUROC K = 1 | AUROC K = 16 | format p | carriers with q < 0.05 |\n|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['seed']} | {r['p']:.4f} | {r['auroc_1']:.3f} | {r['auroc_16']:.3f} | {r['format_p']:.4f} | "
                    f"{r['carriers_significant']} |\n")
        source = f"--generate {args.generate}" if args.generate else args.control
        f.write(f"\n## Reproduce\n\n```sh\npython3 scripts/acceptance/null_calibration.py {source} "
                f"--seeds {args.seeds} --out {args.out}\n```\n\nControl: {len(lines)} records, halves of "
                f"{half} and {len(lines) - half}; classifier test: {rows[0]['test']}.\n")
    print(f"p < 0.05 in {rejected}/{args.seeds}; mean AUROC K=16 {mean16:.3f}")


if __name__ == "__main__":
    main()
