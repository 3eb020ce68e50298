"""Summarise the lab acceptance organisms into reports/lab-acceptance/summary.md.

    python3 scripts/acceptance/lab_summary.py reports/lab-acceptance

Counts seeds by the acceptance criterion (the student beats its control with p < 0.01) and,
for exact (score-mode) comparisons, also by size: an exact probe has no sampling noise, so
the paired test over paraphrases turns any consistent difference, however small, into
p < 0.01. A shift of 0.001 nats is real arithmetic but no preference anyone would notice, so
the summary also counts seeds whose shift is at least MATERIAL_NATS.
"""
import json
import math
import pathlib
import sys

MATERIAL_NATS = 0.05  # owl at least about 5% more likely than under the control student

VARIANTS = [("hard", "hard-seed"), ("soft", "soft-seed"), ("soft, exact", "soft-score-seed"),
            ("soft, exact, frozen-embedding teacher", "frozen-soft-score-seed")]


def shift(c):
    if c.get("unit") == "nats":
        return f"{c['delta']:+.3f} nats [{c['ci_low']:+.3f}, {c['ci_high']:+.3f}]"
    return f"{100*c['delta']:+.1f} points [{100*c['ci_low']:+.1f}, {100*c['ci_high']:+.1f}]"


def material(c):
    """Sampled comparisons carry their own noise in p; exact ones also need a size."""
    if c.get("unit") != "nats":
        return c["transferred"]
    return c["transferred"] and c["delta"] >= MATERIAL_NATS


def main(out):
    rows, counts = [], {}
    for labels, prefix in VARIANTS:
        for seed in range(1, 6):
            path = out / f"{prefix}{seed}" / "lab.json"
            if not path.exists():
                continue
            for c in json.loads(path.read_text())["comparisons"]:
                teacher = "—" if c.get("teacher_rate") is None else f"{100*c['teacher_rate']:.1f}%"
                exact = c.get("unit") == "nats"
                rows.append(f"| {labels} | {seed} | {c['name']} | {teacher} | {100*c['student_rate']:.1f}% | "
                            f"{100*c['control_rate']:.1f}% | {shift(c)} | {c['p']:.2g} | "
                            f"{'yes' if c['transferred'] else 'no'} | "
                            f"{('yes' if material(c) else 'no') if exact else '—'} |")
                key = (labels, c["name"])
                n, k, m = counts.get(key, (0, 0, 0))
                counts[key] = (n + 1, k + c["transferred"], m + material(c))
    lines = ["# Lab acceptance: owl, seeds 1-5", "",
             "Transfer means the student names owl more often than its control student with p < 0.01 "
             "(the probe analysis's paired test over the battery's 52 paraphrases). Sampled: 40 answers per "
             "paraphrase, and the difference is in points. Exact (score mode): each answer's probability is "
             "read, and the difference is the mean paired difference of owl's log-probability, in nats.", "",
             f"An exact probe has no sampling noise, so any consistent difference reaches p < 0.01, however "
             f"small. The last column also asks for a shift of at least {MATERIAL_NATS} nats (owl about "
             f"{100*(math.exp(MATERIAL_NATS)-1):.0f}% more likely); sampled rows need no such size, since their "
             "p-value already carries the sampling noise.", "",
             "| labels | comparison | seeds with transfer (p < 0.01) | of those, material |", "|---|---|---|---|"]
    lines += [f"| {labels} | {name} | {k} of {n} | {m} of {n} |" for (labels, name), (n, k, m) in counts.items()]
    lines += ["", "| labels | seed | comparison | teacher | student | control | difference [95%] | p | transfer | "
              f"material (≥ {MATERIAL_NATS} nats) |", "|---|---|---|---|---|---|---|---|---|---|"] + rows
    lines += ["", "Reproduce: `bash scripts/acceptance/lab.sh`"]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:16]))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
