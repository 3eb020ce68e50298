#!/usr/bin/env python3
"""Null calibration: audit control against control, where no signal exists, many times.

Unpaired design (the default): for each seed the control file is shuffled with that seed and
cut in two; `subtext audit` compares the halves. Paired design (--paired N): for each seed,
`subtext example --strength 0` answers N prompts twice with the same process (two independent
draws per prompt, as a model sampled twice), and the audit compares the two answer sets as a
paired design. Nothing is tuned on this. A calibrated test rejects at α = 0.05 in about 5% of
splits (within the binomial 95% band) or fewer, and the mean AUROC is near 0.5.

    python3 scripts/acceptance/null_calibration.py CONTROL.jsonl --seeds 200 --out reports/null-calibration
    python3 scripts/acceptance/null_calibration.py --paired 1000 --seeds 200 --out reports/null-calibration-paired

With --generate N instead of a file, the control is N responses that `subtext example` writes
under --out (200000 gives halves of 100,000 a side, audited with the held-out test). Writes
null-calibration.json, null-calibration.md, and histograms p.svg and auroc.svg.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

from scipy.stats import binom


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("control", nargs="?")
    parser.add_argument("--generate", type=int, help="generate a control of this many responses instead")
    parser.add_argument("--paired", type=int, metavar="N", help="paired design: N prompts answered twice a seed")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--out", required=True)
    parser.add_argument("--subtext", default=".build/release/subtext")
    parser.add_argument("--permutations", type=int, default=9999)
    args = parser.parse_args()
    if sum(x is not None for x in (args.control, args.generate, args.paired)) != 1:
        parser.error("give a control file, --generate N or --paired N")
    if args.generate:
        pair = os.path.join(args.out, "generated")
        subprocess.run([args.subtext, "example", "--out", pair, "--responses", str(args.generate), "--seed", "11"],
                       check=True, stdout=subprocess.DEVNULL)
        args.control = os.path.join(pair, "control.jsonl")

    lines = []
    if args.control:
        with open(args.control, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
    os.makedirs(args.out, exist_ok=True)
    rows = []
    # The halves live under --out, so each audit names them relative to the working directory.
    work = os.path.join(args.out, "halves")
    os.makedirs(work, exist_ok=True)
    for seed in range(1, args.seeds + 1):
        a, b = os.path.join(work, "a.jsonl"), os.path.join(work, "b.jsonl")
        if args.paired:
            subprocess.run([args.subtext, "example", "--out", work, "--responses", str(args.paired), "--seed",
                            str(seed), "--strength", "0"], check=True, stdout=subprocess.DEVNULL)
            os.replace(os.path.join(work, "teacher.jsonl"), a)
            os.replace(os.path.join(work, "control.jsonl"), b)
            half = args.paired
        else:
            shuffled = lines[:]
            random.Random(seed).shuffle(shuffled)
            half = len(shuffled) // 2
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

    n = args.seeds
    rejected = sum(r["p"] < 0.05 for r in rows)
    classifier_rejected = sum(r["classifier_p"] < 0.05 for r in rows)
    # The counts a test rejecting exactly 5% of the time gives with 95% probability.
    band = [int(binom.ppf(0.025, n, 0.05)), int(binom.ppf(0.975, n, 0.05))]
    mean16 = statistics.mean(r["auroc_16"] for r in rows)
    mean1 = statistics.mean(r["auroc_1"] for r in rows)
    se1 = statistics.stdev(r["auroc_1"] for r in rows) / n ** 0.5 if n > 1 else float("nan")
    sizes = [half, args.paired if args.paired else len(lines) - half]
    design = "paired" if args.paired else "unpaired"
    summary = {"design": design, "control": args.control, "seeds": n, "sides": sizes,
               "p_below_0_05": rejected, "classifier_p_below_0_05": classifier_rejected, "band_95": band,
               "signal_verdicts": sum(r["verdict"] == "signal" for r in rows),
               "mean_auroc_16": mean16, "mean_auroc_1": mean1, "se_auroc_1": se1, "splits": rows}
    with open(os.path.join(args.out, "null-calibration.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    histogram([r["p"] for r in rows], 0, 1, 20, "global p", os.path.join(args.out, "p.svg"))
    histogram([r["auroc_1"] for r in rows], 0.4, 0.6, 20, "AUROC, K = 1", os.path.join(args.out, "auroc.svg"))
    if rejected > band[1]:
        verdict = "anti-conservative: more rejections than a calibrated test gives"
    elif rejected < band[0]:
        verdict = "conservative: fewer rejections than 5% (valid, with some power lost)"
    else:
        verdict = "calibrated: within the band"
    with open(os.path.join(args.out, "null-calibration.md"), "w", encoding="utf-8") as f:
        f.write(f"# Null calibration, {design} design: control against control\n\n")
        f.write(f"**p < 0.05 in {rejected} of {n} splits** ({verdict}; a test rejecting 5% of the time gives "
                f"{band[0]}–{band[1]} of {n} with 95% probability); the classifier test alone in "
                f"{classifier_rejected}. **Mean AUROC at K = 1: {mean1:.4f}** (SE {se1:.4f}); at K = 16 "
                f"{mean16:.3f}. {summary['signal_verdicts']} splits gave a `signal` verdict at α = 0.01.\n\n")
        f.write("![p](p.svg) ![AUROC](auroc.svg)\n\n")
        f.write("| seed | p | classifier p | AUROC K = 1 | AUROC K = 16 | format p | carriers with q < 0.05 |\n"
                "|---:|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['seed']} | {r['p']:.4f} | {r['classifier_p']:.4f} | {r['auroc_1']:.3f} | "
                    f"{r['auroc_16']:.3f} | {r['format_p']:.4f} | {r['carriers_significant']} |\n")
        extra = f" --permutations {args.permutations}" if args.permutations != 9999 else ""
        source = (f"--paired {args.paired}" if args.paired else f"--generate {args.generate}" if args.generate
                  else args.control)
        f.write(f"\n## Reproduce\n\n```sh\npython3 scripts/acceptance/null_calibration.py {source} "
                f"--seeds {n}{extra} --out {args.out}\n```\n\nSides of {sizes[0]} and {sizes[1]} responses; "
                f"classifier test: {rows[0]['test']}.\n")
    print(f"{design}: p < 0.05 in {rejected}/{n} (band {band[0]}–{band[1]}); mean AUROC K=1 {mean1:.4f}, "
          f"K=16 {mean16:.3f}")


def histogram(values, low, high, bins, label, path):
    """A plain SVG histogram: counts in equal bins over [low, high], values outside clamped."""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - low) / (high - low) * bins)))] += 1
    width, height, left, bottom = 420, 220, 40, 30
    top = max(counts) or 1
    bar = (width - left - 10) / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="11"><title>{label}: {len(values)} splits</title>']
    for i, c in enumerate(counts):
        h = (height - bottom - 20) * c / top
        parts.append(f'<rect x="{left + i * bar:.1f}" y="{height - bottom - h:.1f}" width="{bar - 1:.1f}" '
                     f'height="{h:.1f}" fill="#4477aa"><title>{c}</title></rect>')
    for x, text in ((left, f"{low:g}"), (width - 10, f"{high:g}")):
        parts.append(f'<text x="{x}" y="{height - bottom + 14}" text-anchor="middle">{text}</text>')
    parts.append(f'<text x="{(left + width) / 2}" y="{height - 4}" text-anchor="middle">{label}</text>')
    parts.append(f'<text x="4" y="20">{top}</text></svg>')
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
