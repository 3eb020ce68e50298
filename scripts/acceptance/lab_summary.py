"""Summarise the lab acceptance organisms into reports/lab-acceptance/summary.md.

    python3 scripts/acceptance/lab_summary.py reports/lab-acceptance

Counts seeds by the acceptance criterion (the student beats its control with p < 0.01) and
by a stricter one, "material", which each lab.json states per pair (`material`, with its
`shortfalls` and the thresholds under `material_rule`): Subtext decides it, this script only
counts it.
"""
import json
import math
import pathlib
import sys

NULL = "two controls"

VARIANTS = [("hard", "hard-seed"), ("soft", "soft-seed"), ("soft, exact", "soft-score-seed"),
            ("soft, exact, frozen-embedding teacher", "frozen-soft-score-seed"),
            ("hard, 20,000 responses, exact", "hard-many-score-seed"),
            ("hard, greedy decoding, exact", "hard-greedy-score-seed"),
            ("hard, system-prompt teacher", "prompt-teacher-seed"),
            ("hard, system-prompt teacher, numbers never prompted in pretraining", "prompt-teacher-unprompted-numbers-seed")]


def shift(c):
    if c.get("unit") == "nats":
        return f"{c['delta']:+.3f} nats [{c['ci_low']:+.3f}, {c['ci_high']:+.3f}]"
    return f"{100*c['delta']:+.1f} points [{100*c['ci_low']:+.1f}, {100*c['ci_high']:+.1f}]"


def main(out):
    rows, counts, rule = [], {}, None
    for labels, prefix in VARIANTS:
        for seed in range(1, 6):
            path = out / f"{prefix}{seed}" / "lab.json"
            if not path.exists():
                continue
            lab = json.loads(path.read_text())
            if "material_rule" not in lab:
                sys.exit(f"{path}: written before lab.json stated its material verdicts; run the lab again")
            rule = lab["material_rule"]
            for c in lab["comparisons"]:
                teacher = "—" if c.get("teacher_rate") is None else f"{100*c['teacher_rate']:.1f}%"
                m = c.get("material")
                rows.append(f"| {labels} | {seed} | {c['name']} | {teacher} | {100*c['student_rate']:.1f}% | "
                            f"{100*c['control_rate']:.1f}% | {shift(c)} | {c['p']:.2g} | "
                            f"{'yes' if c['transferred'] else 'no'} | {'—' if m is None else 'yes' if m else 'no'} |")
                key = (labels, c["name"])
                n, k, mm = counts.get(key, (0, 0, 0))
                counts[key] = (n + 1, k + c["transferred"], None if m is None else (mm or 0) + m)
    if rule is None:
        sys.exit(f"{out}: no lab.json of the acceptance variants")
    lines = ["# Lab acceptance: owl, seeds 1-5", "",
             "Transfer means the student names owl more often than its control student with p < 0.01 "
             "(the probe analysis's paired test over the battery's 52 paraphrases). Sampled: 40 answers per "
             "paraphrase, and the difference is in points. Exact (score mode): each answer's probability is "
             "read, and the difference is the mean paired difference of owl's log-probability, in nats.", "",
             "That p-value holds each model fixed. It cannot see how far two students drift apart only because "
             f"their data were sampled differently, which the \"{NULL}\" rows measure: two students of two samples "
             "of the base's numbers, so any \"transfer\" there is a false positive. And an exact probe has no sampling "
             "noise, so any consistent difference reaches p < 0.01, however small. Material (lab.json's verdict) "
             f"asks for more: p < {rule['p']}, a shift at least {rule['drift_factor']:g}× the shift of its own "
             f"{NULL} pair (sorted, or from the other base, as its students are; where it was run), "
             f"and, read exactly, at least {rule['nats']} nats (owl about "
             f"{100*(math.exp(rule['nats'])-1):.0f}% more likely).", "",
             "| labels | comparison | seeds with transfer (p < 0.01) | material |", "|---|---|---|---|"]
    lines += [f"| {labels} | {name} | {k} of {n} | {'—' if m is None else f'{m} of {n}'} |"
              for (labels, name), (n, k, m) in counts.items()]
    lines += ["", "| labels | seed | comparison | teacher | student | control | difference [95%] | p | transfer | "
              "material |", "|---|---|---|---|---|---|---|---|---|---|"] + rows
    lines += ["", "Reproduce: `bash scripts/acceptance/lab.sh`"]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:16]))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
