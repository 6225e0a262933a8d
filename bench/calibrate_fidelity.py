"""Fit the fidelity checker's five constants on FRANK `valid` (never `test`) and print them.

    .venv/bin/python bench/calibrate_fidelity.py

Logistic regression on the features of each summary's weakest claim, with every (dataset, label)
group weighted equally; the threshold maximises the mean balanced accuracy of cnndm and bbc on
`valid`. Paste the printed line into service/fidelity/calibration.py.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.embeddings.minilm import MiniLMEmbedder
from service.evals.frank import load_frank
from service.evals.metrics import balanced_accuracy, roc_auc
from service.fidelity.checker import FidelityChecker
from service.fidelity.text import content_words, sentences
from service.settings import load_settings

NAMES = ("order", "coverage", "similarity", "rare_novel")


def main() -> None:
    rows = load_frank(load_settings().datasets_dir, split="valid")
    checker = FidelityChecker(MiniLMEmbedder())
    claims: list[np.ndarray] = []
    for n, row in enumerate(rows):
        feats = [checker.features(row.article, s.text) for s in sentences(row.summary) if content_words(s.text)]
        vectors = [[f["order"], f["coverage"], f["similarity"], -f["rare_novel"]] for f in feats] or [
            [1.0, 1.0, 1.0, 0.0]
        ]
        claims.append(np.array(vectors))
        if n % 100 == 0:
            print(f"{n}/{len(rows)}", file=sys.stderr)
    worst = np.array([c.min(axis=0) for c in claims])
    labels = np.array([r.consistent for r in rows], dtype=float)
    groups = [(r.dataset, r.consistent) for r in rows]
    sizes = Counter(groups)
    weights = np.array([1.0 / sizes[g] for g in groups])
    weights *= len(rows) / weights.sum()
    mean, std = worst.mean(axis=0), worst.std(axis=0) + 1e-9
    z = (worst - mean) / std
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(5000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ ((p - labels) * weights) / len(rows) + w / len(rows))
        b -= 0.5 * float(((p - labels) * weights).mean())
    w_raw, b_raw = w / std, b - float((w / std) @ mean)
    scores = [float((1 / (1 + np.exp(-(c @ w_raw + b_raw)))).min()) for c in claims]
    best = (0.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 181):
        bas = []
        for dataset in ("cnndm", "bbc"):
            idx = [i for i, r in enumerate(rows) if r.dataset == dataset]
            bas.append(balanced_accuracy([scores[i] >= threshold for i in idx], [rows[i].consistent for i in idx]))
        best = max(best, (float(np.mean(bas)), float(threshold)))
    for dataset in ("cnndm", "bbc"):
        idx = [i for i, r in enumerate(rows) if r.dataset == dataset]
        lab = [rows[i].consistent for i in idx]
        ba = balanced_accuracy([scores[i] >= best[1] for i in idx], lab)
        print(f"valid {dataset}: balanced accuracy {ba:.3f}, ROC-AUC {roc_auc([scores[i] for i in idx], lab):.3f}")
    print(
        f"DEFAULT = Calibration(w_order={w_raw[0]:.3g}, w_coverage={w_raw[1]:.3g}, w_similarity={w_raw[2]:.3g}, "
        f"w_rare_novel={w_raw[3]:.3g}, bias={b_raw:.3g}, threshold={best[1]:.3g})"
    )


if __name__ == "__main__":
    main()
