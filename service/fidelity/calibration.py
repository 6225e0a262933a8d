"""The checker's tuned constants: five numbers, fitted on FRANK's `valid` split only.

Refit with `.venv/bin/python bench/calibrate_fidelity.py` (logistic regression on the worst claim of
each summary, each (dataset, label) group weighted equally; threshold = best mean balanced accuracy
over the two datasets on `valid`). The test split is never used for fitting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    w_order: (
        float  # weight of ordered support: share of the claim's content words found, in order, in one source sentence
    )
    w_similarity: float  # weight of the best cosine similarity between the claim and a source sentence
    w_rare_novel: float  # penalty per rare word or number of the claim that appears nowhere in the source
    bias: float
    threshold: float  # a claim scoring below this is unsupported


DEFAULT = Calibration(w_order=2.04, w_similarity=1.74, w_rare_novel=0.224, bias=-2.25, threshold=0.585)
RARE_ZIPF = 3.5  # a word rarer than this (wordfreq Zipf scale) counts as a name-like word
