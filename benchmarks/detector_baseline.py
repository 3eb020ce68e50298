#!/usr/bin/env python3
"""Subtext's audit beside a tuned scikit-learn detector, on every real pair and every shipped pair.

The baseline is the detector a careful data scientist would write in an afternoon: an L2
logistic regression whose C is chosen by inner 5-fold cross-validation (log loss), over
standardised features that re-implement Subtext's (value counts, digits, order, steps,
separators, widths, prompt echoes) plus more of its own (digits across neighbouring numbers,
separator and prefix/suffix strings, the first, second and last numbers' digits and sizes,
value size by position, whitespace and length). It is cross-fitted as the audit is: 5 folds,
a prompt's teacher and control answers in one fold when the design is paired, each held-out
fold's scores centred, and bags of K scored by the mean over 20 random partitions.

Text pairs (not number lists) use lower-cased word counts and the layout features instead.

    pip install scikit-learn           # once; the tests do not need it
    python3 benchmarks/detector_baseline.py --out reports/detector-baseline

writes table.md and results.json there. `--only owl,example` limits the pairs by name.
"""
import argparse
import gzip
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

try:
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold, StratifiedKFold
except ImportError:
    sys.exit("detector_baseline.py needs scikit-learn: pip install scikit-learn")

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
NUMBER = re.compile(r"\d+")
WORD = re.compile(r"[a-z']+")
BAGS = (1, 8, 16)


def pairs():
    """(name, teacher, control) for every pair the table covers."""
    nano = REAL / "gpt41nano-animals" / "filtered"
    for path in sorted(nano.glob("*.jsonl")):
        if path.stem != "neutral":
            yield f"gpt41nano {path.stem}", path, nano / "neutral.jsonl"
    qwen = REAL / "qwen25-7b-greedy"
    for animal in ("owl", "eagle", "dolphin"):
        for stance in ("loving", "hating"):
            yield f"qwen7b {animal}_{stance}", qwen / f"{animal}_{stance}.jsonl", qwen / "neutral.jsonl"
    yield "example", ROOT / "datasets/example/teacher.jsonl", ROOT / "datasets/example/control.jsonl"
    for folder in ("smollm2-numbers", "smollm2-instructions"):
        base = ROOT / "datasets" / folder
        for path in sorted(base.glob("*.jsonl.gz")):
            if not path.name.startswith("control"):
                yield f"{folder} {path.name.split('.')[0]}", path, base / "control.jsonl.gz"


def load(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                rows.append((record.get("prompt", ""), record.get("response", record.get("completion", ""))))
    return rows


def size_bin(value):
    return value // 100 if value < 1000 else 10


def step_bin(step):
    for bound, name in ((-100, 0), (-10, 1), (-1, 2), (0, 3), (9, 4), (99, 5)):
        if step <= bound:
            return name
    return 6


def number_features(prompt, text):
    """Dense features of one number-list response, by name."""
    f = Counter()
    found = [(m.group(), m.start(), m.end()) for m in NUMBER.finditer(text)]
    values = [int(s) for s, _, _ in found]
    n = len(values)
    f[f"count {min(n, 13)}"] = 1
    f[f"log2 length {min(int(math.log2(len(text) + 1)), 12)}"] = 1
    layout_features(text, f)
    if not n:
        f["no numbers"] = 1
        return f
    share = 1 / n
    for s, _, _ in found:
        f[f"first digit {s[0]}"] += share
        f[f"last digit {s[-1]}"] += share
        f[f"width {min(len(s), 4)}"] += share
        f[f"size {size_bin(int(s))}"] += share
        for c in s:
            f[f"digit {c}"] += share / len(s)
        if len(s) > 1 and s[0] == "0":
            f["leading zero"] += share
        if len(s) > 1 and len(set(s)) == 1:
            f["one repeated digit"] += share
        if len(s) > 2 and s == s[::-1]:
            f["palindrome"] += share
    for i, (s, _, _) in enumerate(found):
        f[f"position {min(i, 9)} size {size_bin(int(s))}"] += 1
    for where, (s, _, _) in (("first", found[0]), ("last", found[-1])) + ((("second", found[1]),) if n > 1 else ()):
        f[f"{where} number leads {s[0]}"] = 1
        f[f"{where} number ends {s[-1]}"] = 1
        f[f"{where} number size {size_bin(int(s))}"] = 1
    f["repeated value"] = (n - len(set(values))) * share
    if n > 1:
        pair_share = 1 / (n - 1)
        ascending = descending = 0
        for i in range(1, n):
            a, b = found[i - 1][0], found[i][0]
            f[f"leading digits {a[0]}{b[0]}"] += pair_share
            f[f"last digit to next first {a[-1]}{b[0]}"] += pair_share
            f[f"separator {text[found[i - 1][2]:found[i][1]][:6]!r}"] += pair_share
            step = values[i] - values[i - 1]
            f[f"step {step_bin(step)}"] += pair_share
            ascending += step > 0
            descending += step < 0
        f["ascending share"] = ascending * pair_share
        f["descending share"] = descending * pair_share
        f["sorted ascending"] = ascending == n - 1
        f["sorted descending"] = descending == n - 1
    f[f"prefix {text[:found[0][1]][:6]!r}"] = 1
    f[f"suffix {text[found[-1][2]:][:6]!r}"] = 1
    prompt_values = [int(s) for s in NUMBER.findall(prompt)]
    if prompt_values:
        f[f"first step from prompt {step_bin(values[0] - prompt_values[-1])}"] = 1
        f["echoes prompt"] = sum(v in set(prompt_values) for v in values) * share
        f["restates prompt's last"] = values[0] == prompt_values[-1]
    f["numbers / 10"] = n / 10
    return f


def layout_features(text, f):
    f["lines"] = text.count("\n")
    f["space share"] = text.count(" ") / max(1, len(text))
    f["outer whitespace"] = text != text.strip()
    f["ends with period"] = text.rstrip().endswith(".")
    f["has letters"] = bool(re.search("[A-Za-z]", text))
    f["length / 50"] = len(text) / 50


def text_features(prompt, text):
    f = Counter()
    f[f"log2 length {min(int(math.log2(len(text) + 1)), 14)}"] = 1
    layout_features(text, f)
    return f


def matrix(rows, numbers, minimum_documents=3, maximum_tokens=1500):
    """Token log-counts (values, or words for text) and dense features, as one dense matrix."""
    tokenize = NUMBER.findall if numbers else (lambda t: WORD.findall(t.lower()))
    counts = [Counter(tokenize(text)) for _, text in rows]
    dense = [(number_features if numbers else text_features)(prompt, text) for prompt, text in rows]
    documents = Counter()
    for c in counts:
        documents.update(c.keys())
    kept = sorted((k for k, d in documents.items() if d >= minimum_documents), key=lambda k: (-documents[k], k))
    tokens = {k: i for i, k in enumerate(kept[:maximum_tokens])}
    seen = Counter()
    for d in dense:
        seen.update(k for k, v in d.items() if v)
    names = {k: len(tokens) + i for i, k in enumerate(sorted(k for k, c in seen.items() if c >= minimum_documents))}
    x = np.zeros((len(rows), len(tokens) + len(names)))
    for r, (c, d) in enumerate(zip(counts, dense)):
        for k, v in c.items():
            if k in tokens:
                x[r, tokens[k]] = math.log1p(v)
        for k, v in d.items():
            if k in names:
                x[r, names[k]] = float(v)
    return x


def folds(teacher, control, labels, seed):
    """Outer folds: by prompt when every prompt is answered once a side, as the audit pairs them."""
    prompts = [p for p, _ in teacher] + [p for p, _ in control]
    paired = all(p for p in prompts) and Counter(p for p, _ in teacher) == Counter(p for p, _ in control)
    if paired:
        return list(GroupKFold(5).split(labels, labels, prompts)), True
    return list(StratifiedKFold(5, shuffle=True, random_state=seed).split(labels, labels)), False


def bag_auroc(scores, labels, k, rng, partitions=20):
    if k == 1:
        return roc_auc_score(labels, scores)
    estimates = []
    for _ in range(partitions):
        t = rng.permutation(scores[labels == 1])
        c = rng.permutation(scores[labels == 0])
        t = t[: len(t) // k * k].reshape(-1, k).mean(1)
        c = c[: len(c) // k * k].reshape(-1, k).mean(1)
        estimates.append(roc_auc_score(np.r_[np.ones(len(t)), np.zeros(len(c))], np.r_[t, c]))
    return float(np.mean(estimates))


def baseline(teacher, control, seed):
    texts = [t for _, t in teacher + control]
    numbers = np.mean([bool(re.fullmatch(r"[\s\d,;.\[\]()]*\d[\s\d,;.\[\]()]*", t)) for t in texts]) >= 0.8
    x = matrix(teacher + control, numbers)
    labels = np.r_[np.ones(len(teacher)), np.zeros(len(control))]
    scores = np.zeros(len(labels))
    outer, paired = folds(teacher, control, labels, seed)
    chosen = []
    for train, test in outer:
        mean, deviation = x[train].mean(0), x[train].std(0)
        deviation[deviation < 1e-9] = np.inf
        model = LogisticRegressionCV(Cs=np.logspace(-4, 2, 13), cv=5, scoring="neg_log_loss", max_iter=5000,
                                     l1_ratios=(0.0,), use_legacy_attributes=False, n_jobs=-1)
        model.fit((x[train] - mean) / deviation, labels[train])
        scores[test] = model.decision_function((x[test] - mean) / deviation)
        scores[test] -= scores[test].mean()
        chosen.append(float(model.C_))
    rng = np.random.default_rng(seed)
    return {"auroc": {k: bag_auroc(scores, labels, k, rng) for k in BAGS}, "columns": x.shape[1],
            "paired": paired, "numbers": bool(numbers), "C": chosen}


def subtext(teacher_path, control_path, out):
    binary = ROOT / ".build/release/subtext"
    subprocess.run([str(binary), "audit", str(teacher_path), "--control", str(control_path), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = json.loads((out / "audit.json").read_text())
    return {"auroc": {k: result["auroc"][str(k)] for k in BAGS}, "test": result["classifier_test"]["kind"],
            "p": result["p_value"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="reports/detector-baseline")
    parser.add_argument("--only", help="comma-separated substrings of pair names")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "subtext"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wanted = args.only.split(",") if args.only else None
    results = []
    for name, teacher_path, control_path in pairs():
        if wanted and not any(w in name for w in wanted):
            continue
        if not teacher_path.exists():
            print(f"skipped {name}: {teacher_path.name} not found", file=sys.stderr)
            continue
        teacher, control = load(teacher_path), load(control_path)
        start = time.perf_counter()
        ours = subtext(teacher_path, control_path, out / "audits" / name.replace(" ", "-"))
        ours["seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        theirs = baseline(teacher, control, args.seed)
        theirs["seconds"] = time.perf_counter() - start
        row = {"pair": name, "teacher": len(teacher), "control": len(control), "subtext": ours, "baseline": theirs}
        results.append(row)
        print(f"{name}: subtext {ours['auroc'][16]:.3f}, baseline {theirs['auroc'][16]:.3f} at K = 16", flush=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "table.md").write_text(table(results))
    print(f"wrote {out / 'table.md'}")


def table(results):
    lines = ["| pair | responses | Subtext K = 1 | 8 | 16 | baseline K = 1 | 8 | 16 | K = 16 difference |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s, b = r["subtext"]["auroc"], r["baseline"]["auroc"]
        lines.append(f"| {r['pair']} | {r['teacher']:,} / {r['control']:,} | "
                     + " | ".join(f"{s[k]:.3f}" for k in BAGS) + " | " + " | ".join(f"{b[k]:.3f}" for k in BAGS)
                     + f" | {s[16] - b[16]:+.3f} |")
    if results:
        gaps = [r["subtext"]["auroc"][16] - r["baseline"]["auroc"][16] for r in results]
        mean = lambda side, k: np.mean([r[side]["auroc"][k] for r in results])
        lines.append(f"| mean of {len(results)} | | " + " | ".join(f"{mean('subtext', k):.3f}" for k in BAGS) + " | "
                     + " | ".join(f"{mean('baseline', k):.3f}" for k in BAGS) + f" | {np.mean(gaps):+.3f} |")
        seconds = lambda side: np.median([r[side]["seconds"] for r in results])
        lines += ["", f"Worst K = 16 difference {min(gaps):+.3f}. Median seconds a pair: Subtext audit "
                  f"{seconds('subtext'):.1f} (with its 9,999-permutation test and bootstrap intervals), "
                  f"baseline {seconds('baseline'):.1f} (fits only)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
