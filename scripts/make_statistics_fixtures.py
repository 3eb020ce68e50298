#!/usr/bin/env python3
"""Writes the scipy oracle values that SubtextStatisticsTests checks the Swift code against.

Run from the repository root:  python3 scripts/make_statistics_fixtures.py
Output: Tests/SubtextStatisticsTests/Fixtures/statistics.json

Where scipy has no function (Newcombe's interval, Fightin' Words), the value is computed
here from the published formula with numpy, independently of the Swift code.
"""
import itertools
import json
import os

import numpy as np
import scipy
from scipy import optimize, special, stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261121)
out = {"scipy_version": scipy.__version__}

# 2x2 tables: the reference table, small and sparse ones, and large ones.
tables = [[[120, 9880], [60, 11940]], [[3, 7], [9, 1]], [[0, 25], [4, 21]], [[1, 0], [0, 1]],
          [[37, 13], [25, 25]], [[5000, 45000], [4700, 45300]], [[2, 598], [11, 589]]]
for _ in range(12):
    tables.append(rng.integers(0, 60, size=(2, 2)).tolist())
out["two_by_two"] = []
for t in tables:
    a = np.array(t)
    row = {"table": t}
    if (a.sum(axis=0) > 0).all() and (a.sum(axis=1) > 0).all():
        g2, pg, _, _ = stats.chi2_contingency(a, correction=False, lambda_="log-likelihood")
        row.update(g2=g2, g2_p=pg)
    res = stats.fisher_exact(a)
    row.update(fisher_p=res.pvalue, odds_ratio=res.statistic if np.isfinite(res.statistic) else None)
    out["two_by_two"].append(row)

out["wilson"] = []
for k, n, conf in [(37, 50, 0.95), (0, 10, 0.95), (10, 10, 0.95), (13, 100, 0.95), (1, 3, 0.9), (500, 1234, 0.99)]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
    out["wilson"].append({"k": k, "n": n, "confidence": conf, "low": ci.low, "high": ci.high})


def newcombe(k1, n1, k2, n2, conf):
    """Newcombe (1998) method 10: the hybrid score interval, from scipy's Wilson intervals."""
    c1 = stats.binomtest(k1, n1).proportion_ci(confidence_level=conf, method="wilson")
    c2 = stats.binomtest(k2, n2).proportion_ci(confidence_level=conf, method="wilson")
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return d, d - np.sqrt((p1 - c1.low) ** 2 + (c2.high - p2) ** 2), d + np.sqrt((c1.high - p1) ** 2 + (p2 - c2.low) ** 2)


out["newcombe"] = []
for k1, n1, k2, n2 in [(37, 50, 25, 50), (13, 100, 0, 100), (0, 20, 0, 20), (45, 60, 50, 55), (7, 300, 19, 280)]:
    d, lo, hi = newcombe(k1, n1, k2, n2, 0.95)
    out["newcombe"].append({"k1": k1, "n1": n1, "k2": k2, "n2": n2, "delta": d, "low": lo, "high": hi})

out["jensen_shannon"] = []
for p, q in [([30, 10, 5, 5], [15, 20, 10, 5]), ([1, 0, 0], [0, 0, 1]), ([5, 5], [5, 5])] + [
        (rng.integers(0, 30, 8).tolist(), rng.integers(0, 30, 8).tolist()) for _ in range(4)]:
    out["jensen_shannon"].append({"p": p, "q": q, "distance": float(jensenshannon(p, q, base=2))})

out["benjamini_hochberg"] = []
for p in [[.01, .04, .03, .2, .001], rng.uniform(0, 0.1, 25).tolist(), [1.0, 1.0, 0.5], [0.0, 0.3]]:
    out["benjamini_hochberg"].append({"p": p, "q": stats.false_discovery_control(p, method="bh").tolist()})


def fightin_words(c1, c2, alpha):
    n1, n2, a0 = sum(c1), sum(c2), sum(alpha)
    z = []
    for y1, y2, a in zip(c1, c2, alpha):
        d = np.log((y1 + a) / (n1 + a0 - y1 - a)) - np.log((y2 + a) / (n2 + a0 - y2 - a))
        z.append(d / np.sqrt(1 / (y1 + a) + 1 / (y2 + a)))
    return z


first = "the quick brown fox jumps over the lazy pig".split()
second = "the lazy purple pig jumps over the lazier donkey".split()
vocab = sorted(set(first) | set(second))
c1 = [first.count(w) for w in vocab]
c2 = [second.count(w) for w in vocab]
pooled = [a + b for a, b in zip(c1, c2)]
out["log_odds"] = [
    {"name": "uniform 0.05", "vocabulary": vocab, "first": c1, "second": c2, "prior": [0.05] * len(vocab),
     "z": fightin_words(c1, c2, [0.05] * len(vocab))},
    {"name": "informative, alpha = pooled counts", "vocabulary": vocab, "first": c1, "second": c2,
     "prior": [float(x) for x in pooled], "z": fightin_words(c1, c2, pooled)},
]

out["auroc"] = []
for n1, n2, shift, ties in [(30, 40, 0.5, False), (200, 180, 0.1, False), (25, 25, 0.0, True), (8, 5, 1.0, True)]:
    x = rng.normal(shift, 1, n1)
    y = rng.normal(0, 1, n2)
    if ties:
        x, y = np.round(x), np.round(y)
    res = stats.mannwhitneyu(x, y, alternative="greater")
    out["auroc"].append({"x": x.tolist(), "y": y.tolist(), "auroc": res.statistic / (n1 * n2)})

out["chi2_sf"] = [{"x": x, "df": df, "sf": stats.chi2.sf(x, df)}
                  for x, df in [(33.0905, 1), (3.84, 1), (0.1, 1), (10, 5), (200, 150), (1e-6, 3), (80, 20)]]
out["normal_quantile"] = [{"p": p, "z": stats.norm.ppf(p)} for p in [0.5, 0.975, 0.995, 0.8, 1e-9, 0.02425, 0.99]]

# The cross-fitted nearest-centroid test (CentroidTwoSampleTest), written from its
# definition: fold f's model is the teacher mean minus the control mean over the other folds;
# held-out scores are centred within each fold; T = sum_f (n_f/n) * own_f . model_f.
x = rng.normal(0, 1, (23, 4))
labels = np.array([i % 3 == 0 or i % 7 == 1 for i in range(23)])  # both sides in every fold
folds = [(0, 5), (5, 10), (10, 15), (15, 19), (19, 23)]
groups = [[True, True, True, True], [True, False, True, False]]


def side_mean(rows, side):
    chosen = [i for i in rows if labels[i] == side]
    return x[chosen].mean(axis=0)


centroid = {"x": x.tolist(), "labels": labels.tolist(), "folds": folds, "groups": groups, "scores": [], "t": []}
everything = range(23)
for mask in groups:
    m = np.array(mask, dtype=float)
    scores = np.zeros(23)
    t = 0.0
    for lo, hi in folds:
        inside = range(lo, hi)
        outside = [i for i in everything if not lo <= i < hi]
        model = (side_mean(outside, True) - side_mean(outside, False)) * m
        own = side_mean(inside, True) - side_mean(inside, False)
        block = x[lo:hi] @ model
        scores[lo:hi] = block - block.mean()
        t += (hi - lo) / 23 * own @ model
    centroid["scores"].append(scores.tolist())
    centroid["t"].append(t)
out["centroid_test"] = centroid

# Paired per-paraphrase differences: Wilcoxon signed-rank, zeros dropped, normal approximation
# with the tie correction and no continuity correction.
out["wilcoxon"] = []
# The Swift test is exact while n times the smaller tail's doubled rank sum stays under 1e8.
# scipy computes exact values without ties (method="exact") and, with ties, by enumerating
# all sign flips (a permutation test that is exact when it can enumerate, n <= 13 here).
# Past the budget (thousands of differences with p far from 0) both use the normal approximation.
exact_cases = [[0.1, -0.22, 0.3, 0.35, 0.5, 0.25, 0.2, 0.4, -0.15, 0.6], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10.5],
               rng.normal(0.2, 1, 30).tolist(), rng.normal(0.1, 1, 50).tolist()]
for d in exact_cases:
    out["wilcoxon"].append({"d": d, "p": stats.wilcoxon(d, zero_method="wilcox", method="exact").pvalue})
tied_cases = [[0.1, -0.2, 0.3, 0.3, 0.5, 0.0, 0.2, 0.4, -0.1, 0.6], [0.1, 0.1, 0.1, -0.1, 0.0, 0.0],
              rng.normal(0.3, 1, 13).round(1).tolist()]
for d in tied_cases:
    nonzero = [x for x in d if x != 0]
    res = stats.wilcoxon(nonzero, method=stats.PermutationMethod(n_resamples=np.inf))
    out["wilcoxon"].append({"d": d, "p": res.pvalue})
for d in [rng.normal(0.05, 0.2, 60).tolist(), rng.normal(0.1, 1, 80).tolist()]:
    out["wilcoxon"].append({"d": d, "p": stats.wilcoxon(d, zero_method="wilcox", method="exact").pvalue})
wilcoxon_rng = np.random.default_rng(20261201)
d = wilcoxon_rng.normal(0.3, 1, 300).tolist()
out["wilcoxon"].append({"d": d, "p": stats.wilcoxon(d, zero_method="wilcox", method="exact").pvalue})
d = wilcoxon_rng.normal(0.0, 1, 3000).round(6).tolist()
res = stats.wilcoxon(d, zero_method="wilcox", correction=False, method="approx")
out["wilcoxon"].append({"d": d, "p": res.pvalue})

# G² on a 2 x k table of answer counts (two models by categories).
out["g2_table"] = []
for table in [[[13, 40, 30, 17], [0, 52, 33, 15]], [[5, 5, 90], [9, 1, 90]]]:
    g2, p, dof, _ = stats.chi2_contingency(np.array(table), correction=False, lambda_="log-likelihood")
    out["g2_table"].append({"table": table, "g2": g2, "p": p, "dof": int(dof)})

# Leave-one-out least-squares lines (LeaveOneOutLine): each y minus the fit at its x of
# scipy's linregress through the other points. Attribution ranks candidates by it.
line_rng = np.random.default_rng(7)
out["leave_one_out_line"] = []
for x in [line_rng.normal(-1.5, 0.2, 10), line_rng.normal(0, 1, 5)]:
    y = 0.6 * x + line_rng.normal(1, 0.05, len(x))
    y[2] += 0.4
    residuals = []
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        fit = stats.linregress(x[keep], y[keep])
        residuals.append(y[i] - (fit.intercept + fit.slope * x[i]))
    out["leave_one_out_line"].append({"x": x.tolist(), "y": y.tolist(), "residuals": residuals})

# Mann-Whitney and DeLong on binned scores (ScoreSketch): scipy's asymptotic one-sided test
# with tie and continuity corrections, and DeLong's standard error from the full n1 x n2
# kernel matrix (the definition, not the placement shortcut the Swift code uses).
sketch_rng = np.random.default_rng(20261130)
out["sketch_comparison"] = []
for n1, n2, shift, scale, negative in [(40, 35, 0.4, 10, False), (300, 280, 0.1, 3, True),
                                        (25, 30, 0.0, 2, True), (6, 9, 1.5, 20, False), (500, 500, 0.05, 40, True)]:
    x = np.round(sketch_rng.normal(shift, 1, n1) * scale)
    y = np.round(sketch_rng.normal(0, 1, n2) * scale)
    if not negative:
        x, y = np.abs(x) + 1, np.abs(y) + 1
    res = stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic", use_continuity=True)
    kernel = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    auroc = kernel.mean()
    v10, v01 = kernel.mean(axis=1), kernel.mean(axis=0)
    se = np.sqrt(v10.var(ddof=1) / n1 + v01.var(ddof=1) / n2)
    out["sketch_comparison"].append({"x": x.tolist(), "y": y.tolist(), "auroc": res.statistic / (n1 * n2),
                                     "kernel_auroc": auroc, "p": res.pvalue, "delong_se": se})

# Operating points of the binormal model: a bag of K has mean score ~ N(mu, sigma^2 / K) on
# each side; the threshold passes a share f of control bags. scipy's normal quantile and
# survival function give TPR, and precision follows at base rate pi.
out["operating_points"] = []
for mu1, s1, mu0, s0, k, f, pi in [(0.3, 1.0, 0.0, 1.0, 1, 0.01, 0.01), (0.3, 1.2, -0.1, 0.9, 16, 0.05, 0.01),
                                   (0.05, 2.0, 0.0, 2.5, 8, 0.01, 0.1), (1.5, 0.5, 0.0, 0.5, 4, 0.05, 0.5)]:
    threshold = stats.norm.ppf(1 - f, loc=mu0, scale=s0 / np.sqrt(k))
    tpr = stats.norm.sf(threshold, loc=mu1, scale=s1 / np.sqrt(k))
    out["operating_points"].append({"teacher_mean": mu1, "teacher_sd": s1, "control_mean": mu0, "control_sd": s0,
                                    "k": k, "fpr": f, "base_rate": pi, "tpr": tpr,
                                    "precision": pi * tpr / (pi * tpr + (1 - pi) * f)})

# The exact bootstrap of a ratio of means over a few seeds: every one of the n^n ordered
# resamples, by brute force (the Swift code enumerates multisets with multinomial weights
# instead), and numpy's inverted-CDF percentiles.
out["exact_bootstrap"] = []
boot_rng = np.random.default_rng(20261201)
for numerators, denominators in [([0.2, 0.05, 0.3, 0.1, 0.15], [0.5, 0.4, 0.6, 0.3, 0.45]),
                                 ([0.01, -0.02, 0.4], [0.3, 0.2, 0.5]),
                                 ([1.0, 2.0], [1.0, 1.0]),
                                 (boot_rng.normal(0.1, 0.1, 6).tolist(), boot_rng.normal(0.5, 0.1, 6).tolist()),
                                 ([0.1, 0.2, 0.1, 0.3], [0.4, -0.1, 0.3, 0.2])]:
    n = len(numerators)
    x, y = np.array(numerators), np.array(denominators)
    idx = np.array(list(itertools.product(range(n), repeat=n)))
    dens = y[idx].sum(axis=1)
    row = {"numerators": numerators, "denominators": denominators,
           "estimate": x.sum() / y.sum() if y.sum() > 0 else None}
    if (dens > 0).all():
        ratios = x[idx].sum(axis=1) / dens
        row.update(low=float(np.quantile(ratios, 0.025, method="inverted_cdf")),
                   high=float(np.quantile(ratios, 0.975, method="inverted_cdf")))
    else:
        row.update(low=None, high=None)
    out["exact_bootstrap"].append(row)

out["student_t"] = [{"t": t, "df": df, "sf": stats.t.sf(t, df), "ppf_p": p, "ppf": stats.t.ppf(p, df)}
                    for t, df, p in [(2.0, 3, 0.975), (-1.3, 7.5, 0.025), (0.0, 1, 0.5), (31.6, 2, 0.9995), (4.2, 40, 0.995),
                                     (1e-3, 120, 0.8), (9.9, 2.6, 0.99999), (-6.0, 4, 1e-6)]]
out["special"] = [{"x": x, "digamma": special.digamma(x), "trigamma": float(special.polygamma(1, x))}
                  for x in [0.05, 0.5, 1.0, 1.5, 3.7, 9.99, 10.0, 42.0, 1e4]]


def moderated(replicate, controls):
    """limma's squeezeVar (Smyth 2004) on equal residual df, written from the paper with scipy.special."""
    c = np.array(controls)
    n, g = c.shape
    d = n - 1
    s2 = c.var(axis=0, ddof=1)
    e = np.log(s2) - special.digamma(d / 2) + np.log(d / 2)
    emean = e.mean()
    evar = e.var(ddof=1) - float(special.polygamma(1, d / 2))
    if evar > 0:
        d0 = 2 * optimize.brentq(lambda x: float(special.polygamma(1, x)) - evar, 1e-8, 1e12, xtol=1e-14, rtol=1e-15)
        s02 = np.exp(emean + special.digamma(d0 / 2) - np.log(d0 / 2))
        post = (d0 * s02 + d * s2) / (d0 + d)
        df = min(d + d0, d * g)
    else:
        d0, s02 = None, np.exp(emean)
        post = np.full(g, s02)
        df = d * g
    se = np.sqrt(post * (1 + 1 / n))
    t = (np.array(replicate) - c.mean(axis=0)) / se
    return {"replicate": list(replicate), "controls": c.tolist(), "prior_df": None if d0 is None else float(d0), "prior_variance": float(s02), "df": float(df),
            "sd": np.sqrt(post).tolist(), "t": t.tolist(), "p": (2 * stats.t.sf(np.abs(t), df)).tolist()}


out["moderated_prediction"] = []
for n, g, spread in [(2, 20, 1.0), (3, 20, 3.0), (3, 20, 0.0), (5, 6, 2.0), (4, 50, 0.5)]:
    sigma = np.exp(rng.normal(0, spread, g) / 2)
    controls = rng.normal(0, 1, (n, g)) * sigma
    replicate = rng.normal(0, 1, g) * sigma + np.where(np.arange(g) == 0, 3 * sigma, 0)
    out["moderated_prediction"].append(moderated(replicate.tolist(), controls.tolist()))

path = os.path.join("Tests", "SubtextStatisticsTests", "Fixtures", "statistics.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
