#!/usr/bin/env python3
"""What `subtext sanitize --transforms divergence` leaves of the bundled SmolLM2 owl teacher's channel.

The owl numbers and the control in datasets/smollm2-numbers were written by SmolLM2-135M-Instruct
(Q4_1) with and without an owl-loving system prompt; divergence reads them through the F16 copy
of that model. For each recipe, the held-out AUROC at K = 16 before and after (the control put
through the same transforms). The first run reads every response through the model (about 20
minutes on 2 cores) and its journal is copied into the other recipes' directories, so they
read nothing again.

A control for the claim that the divergent tokens are the ones that matter: as many tokens on
each side as divergence changed, drawn at random (seeded) from the number tokens whose model
choice differs from what was written, changed to that choice (read from the divergence-tokens.jsonl
that the divergence run writes). If
divergence does no better than that, changing tokens at all is what lowers the audit.

    python3 scripts/acceptance/divergence_smollm2.py --model ~/.cache/subtext/SmolLM2-135M-Instruct.F16.gguf \\
        --out reports/sanitize-divergence
"""
import argparse
import gzip
import json
import os
import random
import shutil
import subprocess

RECIPES = ["divergence", "divergence,sort", "divergence,format,sort,remap", "sort", "format,sort,remap"]


def sanitize(args, transforms, out):
    command = [args.subtext, "sanitize", args.teacher, "--control", args.control, "--transforms", transforms,
               "--permutations", str(args.permutations), "--out", out, "--quiet"]
    if "divergence" in transforms:
        command += ["--model", args.model, "--threads", str(args.threads)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "sanitize.json"), encoding="utf-8") as f:
        return json.load(f)


def records(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def random_tokens(args, tokens_path, changed, out):
    """Changes as many tokens on each side as divergence did (`changed`), drawn at random from the
    number tokens whose model choice differs from what was written, to that choice."""
    candidates = {}
    with open(tokens_path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            candidates[(entry["side"], entry["row"])] = entry.get("candidates")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(args.seed)
    paths = []
    for side, path in (("teacher", args.teacher), ("control", args.control)):
        rows = records(path)
        field = "completion" if "completion" in rows[0] else "response"
        slots = []
        for index, row in enumerate(rows):
            text = row[field].encode("utf-8")
            for candidate in candidates[(side, index + 1)] or []:
                start, replacement = candidate["offset"], bytes(candidate["replacement"])
                if text[start:start + len(replacement)] != replacement:
                    slots.append((index, start, replacement))
        for index, start, replacement in sorted(rng.sample(slots, changed[side]), key=lambda slot: -slot[1]):
            text = rows[index][field].encode("utf-8")
            rows[index][field] = (text[:start] + replacement + text[start + len(replacement):]).decode("utf-8")
        paths.append(os.path.join(out, f"{side}.jsonl"))
        with open(paths[-1], "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row) + "\n" for row in rows)
    subprocess.run([args.subtext, "audit", paths[0], "--control", paths[1], "--permutations", str(args.permutations),
                    "--out", os.path.join(out, "audit"), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "audit", "audit.json"), encoding="utf-8") as f:
        return json.load(f)


def audit_cell(audit):
    low, high = audit["auroc_ci"]["16"]
    return f"{audit['auroc']['16']:.3f} [{low:.3f}, {high:.3f}], p = {audit['p_value']:.2g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--teacher", default="datasets/smollm2-numbers/owl.jsonl.gz")
    parser.add_argument("--control", default="datasets/smollm2-numbers/control.jsonl.gz")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--permutations", type=int, default=9999)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subtext", default=".build/release/subtext")
    args = parser.parse_args()
    journal = os.path.join(args.out, "divergence", "divergence-journal.jsonl")
    rows = []
    for recipe in RECIPES:
        out = os.path.join(args.out, recipe.replace(",", "+"))
        if "divergence" in recipe and recipe != "divergence":
            os.makedirs(out, exist_ok=True)
            shutil.copy(journal, out)
        result = sanitize(args, recipe, out)
        changed = result["teacher"].get("tokens_changed")
        before = result["before"]
        rows.append((recipe, audit_cell(result["after"]),
                     f"{changed} of {result['divergence']['tokens_scored']['teacher']}" if changed is not None else "—"))
        print(f"{recipe}: after {rows[-1][1]}, tokens changed {rows[-1][2]}", flush=True)
        if recipe == "divergence":
            divergence_changed = {side: result[side]["tokens_changed"] for side in ("teacher", "control")}
    tokens = os.path.join(args.out, "divergence", "divergence-tokens.jsonl")
    audit = random_tokens(args, tokens, divergence_changed, os.path.join(args.out, "random-tokens"))
    rows.append(("as many random number tokens (control)", audit_cell(audit), f"{divergence_changed['teacher']}"))
    print(f"random tokens: after {rows[-1][1]}", flush=True)
    lines = ["# Divergence tokens on the SmolLM2 owl teacher: held-out AUROC at K = 16", "",
             f"Before any transform: {audit_cell(before)}.", "",
             "| recipe | after: AUROC at K = 16 [95% CI], p | teacher tokens changed |", "|---|---|---:|"]
    lines += [f"| {recipe} | {after} | {changed} |" for recipe, after, changed in rows]
    lines += ["", "Reproduce:", "", "```sh", "python3 scripts/acceptance/divergence_smollm2.py --model "
              f"{os.path.basename(args.model)} --out {os.path.normpath(args.out)}", "```", ""]
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
