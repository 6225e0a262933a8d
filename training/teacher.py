"""Soft training targets from the language-model judge (distillation): its P(yes), calibrated on the same pairs'
gold labels, blended with the gold label.

The judge's raw P(yes) sits in a narrow band (docs/fidelity.md), so it is first mapped through a one-feature
logistic fit of the gold labels on its logit; a pair's target is then ``(1 - weight) * gold + weight *
calibrated``. Where the judge is sure and agrees, the target stays near the gold label; where it doubts a gold
label, the target softens, and where it ranks two pairs of one label apart, so does the target.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from service.evals.metrics import roc_auc
from service.fidelity.claim_judge import logit
from training.pairs import Pair


def pair_key(premise: str, claim: str) -> str:
    return hashlib.sha1(f"{premise}\0{claim}".encode()).hexdigest()[:16]


def read_labels(path: Path) -> dict[str, dict[str, object]]:
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {str(r["key"]): r for r in rows}


def fit_logistic(x: list[float], y: list[int], steps: int = 500, rate: float = 0.5) -> tuple[float, float]:
    """(a, b) of P(y=1) = sigmoid(a * x + b), by gradient descent on the mean log-loss."""
    a, b = 1.0, 0.0
    n = len(x)
    for _ in range(steps):
        ga = gb = 0.0
        for xi, yi in zip(x, y, strict=True):
            err = 1 / (1 + math.exp(-(a * xi + b))) - yi
            ga += err * xi
            gb += err
        a, b = a - rate * ga / n, b - rate * gb / n
    return a, b


def teacher_targets(pairs: list[Pair], labels: Path, weight: float) -> tuple[dict[Pair, float], str]:
    """The blended target of every pair the judge labelled, and a line saying how good a teacher it is."""
    judged = read_labels(labels)
    found = [(p, judged[k]) for p in pairs if (k := pair_key(p.premise, p.claim)) in judged]
    if not found:
        raise SystemExit(f"no pair of the training set is labelled in {labels}")
    x = [logit(float(str(r["judge"]))) for _, r in found]
    y = [p.label for p, _ in found]
    a, b = fit_logistic(x, y)
    targets = {
        p: (1 - weight) * p.label + weight / (1 + math.exp(-(a * xi + b))) for (p, _), xi in zip(found, x, strict=True)
    }
    groups = {"summaries": [i for i, (p, _) in enumerate(found) if not p.source.startswith("ose-")]}
    groups["onestopenglish"] = [i for i, (p, _) in enumerate(found) if p.source.startswith("ose-")]
    aucs = ", ".join(
        f"{name} {len(idx)} pairs AUC {roc_auc([x[i] for i in idx], [y[i] == 1 for i in idx]):.3f}"
        for name, idx in groups.items()
        if idx
    )
    return targets, f"{len(found)} labelled pairs ({aucs}); calibration a={a:.3f} b={b:.3f}; weight {weight}"
