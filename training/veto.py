"""The cut-off of the checker's ``contradicted`` rule, from the verifier's own training `dev` split.

Optional work, like training: it reads ../shared/datasets/factuality. Used by bench/fit_fidelity.py; the
verifier's probabilities are cached, so a refit does not need the data again.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from service.fidelity.verifier import CrossEncoderVerifier
from training.pairs import build

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
VETO_FALSE_ALARMS = 0.05  # at most this share of the supported `dev` pairs may fall under the cut-off


def dev_veto(model: Path, shared: Path, cache: Path) -> float:
    """The largest cut-off (0.01 steps) under which at most 5% of the supported `dev` pairs fall."""
    if cache.is_file():
        scored = json.loads(cache.read_text())
    else:
        dev = build(shared, "dev")
        probabilities = CrossEncoderVerifier(model, threads=2).probabilities([(p.premise, p.claim) for p in dev])
        scored = {"p": probabilities, "label": [p.label for p in dev]}
        cache.write_text(json.dumps(scored))
    supported = np.array([p for p, label in zip(scored["p"], scored["label"], strict=True) if label])
    return max(t for t in np.arange(0.0, 0.5, 0.01).round(2) if (supported < t).mean() <= VETO_FALSE_ALARMS)
