"""The checker's tuned constants: six numbers (plus RARE_ZIPF), fitted on FRANK's `valid` split only.

Refit with `.venv/bin/python bench/calibrate_fidelity.py` (logistic regression on the worst claim of
each summary, each (dataset, label) group weighted equally; threshold = best mean balanced accuracy
over the two datasets on `valid`). The test split is never used for fitting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Score = sigmoid(w_order·order + w_coverage·coverage + w_similarity·similarity − w_rare_novel·rare + bias).

    order: share of the claim's content words found, in order, in one source sentence (token LCS).
    coverage: share found in any order within three adjacent source sentences.
    similarity: best cosine between the claim and a source sentence (bundled MiniLM).
    rare: count of the claim's rare words and numbers that appear nowhere in the source.
    A claim scoring below ``threshold`` is unsupported.
    """

    w_order: float
    w_coverage: float
    w_similarity: float
    w_rare_novel: float
    bias: float
    threshold: float


DEFAULT = Calibration(w_order=1.34, w_coverage=1.23, w_similarity=1.66, w_rare_novel=0.178, bias=-2.74, threshold=0.575)
RARE_ZIPF = 3.5  # a word rarer than this (wordfreq Zipf scale) counts as a name-like word
