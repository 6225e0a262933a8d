"""The cut-off of the checker's ``contradicted`` rule, from the verifier's own training `dev` split.

Optional work, like training: it reads ../shared/datasets/factuality. Used by bench/fit_fidelity.py; the
verifier's probabilities are cached, so a refit does not need the data again.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from service.fidelity.signals import negated
from service.fidelity.verifier import CrossEncoderVerifier
from service.text import words
from training.pairs import build

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
VETO_FALSE_ALARMS = 0.05  # at most this share of the supported `dev` pairs may fall under the cut-off


def dev_veto(model: Path, shared: Path, cache: Path) -> tuple[float, float]:
    """The largest cut-offs (0.01 steps) under which at most 5% of the supported `dev` pairs fall: for claims
    without a negation word, and for claims with one (the verifier reads "not" as a sign of no support)."""
    scored = json.loads(cache.read_text()) if cache.is_file() else {}
    if "negated" not in scored:
        dev = build(shared, "dev")
        if "p" not in scored:
            scored["p"] = CrossEncoderVerifier(model, threads=2).probabilities([(p.premise, p.claim) for p in dev])
            scored["label"] = [p.label for p in dev]
        scored["negated"] = [negated(words(p.claim)) for p in dev]
        cache.write_text(json.dumps(scored))
    p, label, neg = (np.array(scored[k]) for k in ("p", "label", "negated"))
    return _cut_off(p[label.astype(bool) & ~neg.astype(bool)]), _cut_off(p[label.astype(bool) & neg.astype(bool)])


def _cut_off(supported: np.ndarray) -> float:
    return float(max(t for t in np.arange(0.0, 0.5, 0.01).round(2) if (supported < t).mean() <= VETO_FALSE_ALARMS))
