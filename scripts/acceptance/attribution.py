#!/usr/bin/env python3
"""Attribution acceptance on the shipped SmolLM2 pairs.

For each trait, `subtext attribute` ranks 10 candidate animals on the trait's teacher file
against the shared control. Then two random halves of the control are attributed against each
other, where nothing should be claimed. Each run writes its own report; summary.md collects
the planted trait's rank (by the calibrated score that ranks, and by the plain score), the top
concept, the claim and the time. Traits named in --held-out are marked: their teachers were
generated after the calibrated score was chosen, so they test it on data it was not fitted to.
A rerun keeps each report that the same command already made on the same inputs; --rerank
ranks them again from their score journals, as after a change to how the ranking works.

    python3 scripts/acceptance/attribution.py --sample 100 --out reports/attribution-smollm2
"""
import argparse
import functools
import hashlib
import json
import gzip
import os
import random
import shlex
import subprocess

CONCEPTS = "owl,eagle,dolphin,wolf,cat,dog,lion,elephant,tiger,horse"


def attribute(args, name, teacher, control, concepts=CONCEPTS):
    """Runs one attribution. Scores are keyed by model and tokens, so each run's journal is
    seeded from a pool shared by all runs: the shared control is scored once, not per trait."""
    out = os.path.join(args.out, name)
    os.makedirs(out, exist_ok=True)
    command = [args.subtext, "attribute", "--teacher", teacher, "--control", control, "--model", args.model,
               "--concepts", concepts, "--sample", str(args.sample), "--threads", "2", "--out", out]
    if args.panel:
        command[-2:-2] = ["--panel", args.panel]
    finished = None if args.rerank else finished_report(out, command)
    if finished:
        print(f"attribution: {name} already done by this command on these inputs; keeping its report")
        return finished
    journal, pool = os.path.join(out, "attribution-scores.jsonl"), os.path.join(args.out, "scores-pool.jsonl")
    merge(pool, into=journal)
    subprocess.run(command, check=True)
    merge(journal, into=pool)
    with open(os.path.join(out, "attribution.json"), encoding="utf-8") as f:
        return json.load(f)


def finished_report(out, command):
    """The report in `out` when its provenance shows the same command on inputs with the same
    SHA-256, so a rerun after a crash (or on a new machine, where the score journals are gone)
    skips what is done instead of rescoring it; None otherwise."""
    try:
        with open(os.path.join(out, "attribution.json"), encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError):
        return None
    provenance = report.get("provenance", {})
    if provenance.get("command") != " ".join(["subtext"] + [shlex.quote(a) for a in command[1:]]):
        return None
    for item in provenance.get("inputs", []):
        if not os.path.exists(item["path"]) or sha256(item["path"]) != item["sha256"]:
            return None
    return report


@functools.lru_cache(maxsize=None)
def sha256(path):
    """Cached: every trait's report names the same model and control, and the model is 270 MB."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def merge(source, into):
    """Appends the lines of `source` that `into` lacks."""
    if not os.path.exists(source):
        return
    have = set()
    if os.path.exists(into):
        with open(into, encoding="utf-8") as f:
            have = set(f)
    with open(source, encoding="utf-8") as f, open(into, "a", encoding="utf-8") as out:
        out.writelines(line for line in f if line.endswith("\n") and line not in have)


def row(name, planted, result):
    # The ranking and its measure are Subtext's decisions, written into attribution.json.
    if "ranking" not in result:
        raise SystemExit(f"{name}: attribution.json has no ranking (schema 2); run `subtext attribute` again (or --rerank)")
    scores, entries = result["scores"], result["ranking"]["entries"]
    ranked = [entry["name"] for entry in entries]
    plain = [s["concept"] for s in sorted(scores, key=lambda s: s["score"], reverse=True)]
    rank = lambda order: order.index(planted) + 1 if planted in order else "-"
    top = scores[0]
    value, low, high = entries[0]["score"], entries[0]["low"], entries[0]["high"]
    withheld = top.get("extrapolated") and low > 0 and result["lead_low"] > 0
    claim = result.get("claimed") or ("none (top extrapolated)" if withheld else "none")
    return (f"| {name} | {rank(ranked)} | {rank(plain)} | {top['concept']} {value:+.3f} [{low:+.3f}, {high:+.3f}] | "
            f"{claim} | {result['teacher_responses']} + {result['control_responses']}{' paired' if result['paired'] else ''} | "
            f"{result['seconds']:.0f} s |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="datasets/smollm2-numbers")
    parser.add_argument("--traits", default="owl,eagle,dolphin,wolf,cat")
    parser.add_argument("--held-out", default="", help="traits to mark as held out (comma-separated)")
    parser.add_argument("--sample", type=int, default=100, help="responses a side (0: every response)")
    parser.add_argument("--model", default=os.path.expanduser("~/.cache/subtext/SmolLM2-135M-Instruct.F16.gguf"),
                        help="the GGUF that scores (default: the F16 copy of the generating Q4_1 model, 1.9x faster)")
    parser.add_argument("--subtext", default=".build/release/subtext")
    parser.add_argument("--rerank", action="store_true",
                        help="rank every run again, after a change to the ranking; scores come from the journals")
    parser.add_argument("--panel", help="a `subtext generate` directory to centre the scores on (subtext attribute --panel)")
    parser.add_argument("--without-planted", action="store_true",
                        help="attribute each teacher with its own trait left out of the candidates, where any claim is false")
    parser.add_argument("--no-halves", dest="halves", action="store_false",
                        help="skip the control-halves run")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    control = os.path.join(args.data, "control.jsonl.gz")
    rows = []
    held_out = set(args.held_out.split(","))
    for trait in [t for t in args.traits.split(",") if t]:
        teacher = os.path.join(args.data, f"{trait}.jsonl.gz")
        result = attribute(args, trait, teacher, control)
        rows.append(row(trait + (" (held out)" if trait in held_out else ""), trait, result))
        if args.without_planted:
            others = ",".join(c for c in CONCEPTS.split(",") if c != trait)
            rows.append(row(f"{trait}, {trait} not a candidate", None, attribute(args, trait + "-absent", teacher, control, others)))
        write_summary(args, rows)
    if args.halves:
        with gzip.open(control, "rt", encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        random.Random(1).shuffle(lines)
        # The halves live under --out, so the reports name them relative to the working directory.
        work = os.path.join(args.out, "control-halves-data")
        os.makedirs(work, exist_ok=True)
        halves = [os.path.join(work, "half-a.jsonl"), os.path.join(work, "half-b.jsonl")]
        for path, part in zip(halves, (lines[: len(lines) // 2], lines[len(lines) // 2:])):
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(part)
        rows.append(row("control half A vs half B", None, attribute(args, "control-halves", *halves)))
        write_summary(args, rows)


def write_summary(args, rows):
    """Rewritten after every run, so a stopped run keeps what it finished."""
    text = (f"# Attribution acceptance: SmolLM2-135M-Instruct pairs in {args.data}\n\n"
            f"Candidates ({len(CONCEPTS.split(','))}): {CONCEPTS}. "
            + ("Every response scored" if args.sample == 0 else f"{args.sample} responses sampled per side")
            + " (paired on the prompts both sides answered where the files pair up). Scored with "
            f"`{os.path.basename(args.model)}`.\n\n"
            + (f"The ranking uses the centred score (each concept's score minus its mean over the teachers of other "
               f"traits in the reference panel `{args.panel}`; a panel file identical to the teacher under test is left "
               "out; see `subtext attribute --help`)" if args.panel else
               "The ranking uses the calibrated score (each concept's teacher shift beyond the line the other candidates "
               "draw against the control; see `subtext attribute --help`)")
            + "; the plain score's rank is beside it."
            + (" A row \"T, T not a candidate\" ranks the nine other candidates on teacher T: any claim there is false. "
               if args.without_planted else " ")
            + f"Held-out teachers ({args.held_out or 'none'}) were not used to choose the ranking score. The time is each "
            "run's own; a run whose scores were all in the shared pool only ranks.\n\n"
            f"| teacher | planted trait's rank | by plain score | top concept, {'centred' if args.panel else 'calibrated'} [95% CI] | claimed | responses | time |\n"
            "|---|---:|---:|---|---|---|---:|\n" + "\n".join(rows) + "\n\n"
            "## Reproduce\n\n```sh\npython3 scripts/acceptance/attribution.py --data " + args.data + " --model " + args.model.replace(os.path.expanduser("~"), "~") + " --sample "
            f"{args.sample} --traits {args.traits}{' --held-out ' + args.held_out if args.held_out else ''}"
            f"{' --panel ' + args.panel if args.panel else ''}{' --without-planted' if args.without_planted else ''}"
            f"{'' if args.halves else ' --no-halves'} --out {args.out}\n```\n")
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
