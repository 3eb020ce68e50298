#!/usr/bin/env python3
"""Attribution acceptance on the shipped SmolLM2 pairs.

For each trait, `subtext attribute` ranks 10 candidate animals (the five planted traits and
five others) on the trait's teacher file against the shared control. Then two random halves
of the control are attributed against each other, where nothing should be claimed. Each run
writes its own report; summary.md collects the planted trait's rank, the top concept, the
claim and the time.

    python3 scripts/acceptance/attribution.py --sample 100 --out reports/attribution-smollm2
"""
import argparse
import json
import os
import random
import subprocess
import tempfile

CONCEPTS = "owl,eagle,dolphin,wolf,cat,dog,lion,elephant,tiger,horse"


def attribute(args, name, teacher, control):
    out = os.path.join(args.out, name)
    subprocess.run([args.subtext, "attribute", "--teacher", teacher, "--control", control, "--model", args.model,
                    "--concepts", CONCEPTS, "--sample", str(args.sample), "--threads", "2", "--out", out], check=True)
    with open(os.path.join(out, "attribution.json"), encoding="utf-8") as f:
        return json.load(f)


def row(name, planted, result):
    concepts = [s["concept"] for s in result["scores"]]
    rank = concepts.index(planted) + 1 if planted in concepts else "-"
    top = result["scores"][0]
    return (f"| {name} | {rank} | {top['concept']} {top['score']:+.3f} [{top['ci_low']:+.3f}, {top['ci_high']:+.3f}] | "
            f"{result.get('claimed') or 'none'} | {result['teacher_responses']} + {result['control_responses']} | "
            f"{result['seconds']:.0f} s |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="datasets/smollm2-numbers")
    parser.add_argument("--traits", default="owl,eagle,dolphin,wolf,cat")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--model", default=os.path.expanduser("~/.cache/subtext/SmolLM2-135M-Instruct.F16.gguf"),
                        help="the GGUF that scores (default: the F16 copy of the generating Q4_1 model, 1.9x faster)")
    parser.add_argument("--subtext", default=".build/release/subtext")
    parser.add_argument("--no-halves", dest="halves", action="store_false",
                        help="skip the control-halves run")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    control = os.path.join(args.data, "control.jsonl")
    rows = []
    for trait in [t for t in args.traits.split(",") if t]:
        rows.append(row(trait, trait, attribute(args, trait, os.path.join(args.data, f"{trait}.jsonl"), control)))
        write_summary(args, rows)
    if args.halves:
        with open(control, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        random.Random(1).shuffle(lines)
        with tempfile.TemporaryDirectory() as work:
            halves = [os.path.join(work, "half-a.jsonl"), os.path.join(work, "half-b.jsonl")]
            for path, part in zip(halves, (lines[: len(lines) // 2], lines[len(lines) // 2:])):
                with open(path, "w", encoding="utf-8") as f:
                    f.writelines(part)
            rows.append(row("control half A vs half B", None, attribute(args, "control-halves", *halves)))
        write_summary(args, rows)


def write_summary(args, rows):
    """Rewritten after every run, so a stopped run keeps what it finished."""
    text = (f"# Attribution acceptance: SmolLM2-135M-Instruct pairs in {args.data}\n\n"
            f"Candidates ({len(CONCEPTS.split(','))}): {CONCEPTS}. {args.sample} responses sampled per side "
            "(the same prompts on both sides where the files pair up). Scored with "
            f"`{os.path.basename(args.model)}`.\n\n"
            "| teacher | planted trait's rank | top concept, score [95% CI] | claimed | responses | time |\n"
            "|---|---:|---|---|---|---:|\n" + "\n".join(rows) + "\n\n"
            "## Reproduce\n\n```sh\npython3 scripts/acceptance/attribution.py --data " + args.data + " --model " + args.model.replace(os.path.expanduser("~"), "~") + " --sample "
            f"{args.sample} --traits {args.traits}{'' if args.halves else ' --no-halves'} --out {args.out}\n```\n")
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
