"""The cascade's band for the ``article`` decision: which fast scores the judge reads under ``auto``.

Two rules, both on development data only (FRANK `valid`):

- ``point``: the band that judges the fewest claims while each dataset's balanced accuracy on `valid` stays
  within ``margin`` of judging every claim (per dataset, not on the mean: a mean can hide a loss on one style
  of text, e.g. the extractive CNN/DM summaries, behind a gain on the other);
- ``bootstrap``: the same, but the loss against judging every claim must stay within ``margin`` in at least
  ``confidence`` of ``resamples`` paired bootstrap resamples of `valid`'s articles (each dataset resampled
  by article, with replacement). The point rule fits the band to the one sample's noise: a band that is just
  within the margin on `valid` lies outside it on other summaries of the same kind. The bootstrap asks the
  band to hold on samples like `valid`, not only on `valid`.

Each claim's verdict judged and not judged is computed once, so a band costs a few array operations.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import numpy as np

from bench.judged_data import Claims, claim_decision
from service.fidelity.decision import KindDecision

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


@dataclasses.dataclass(frozen=True)
class ClaimTable:
    text: np.ndarray  # the text each claim belongs to
    fast: np.ndarray  # the fast calibration's score
    off: np.ndarray  # the fast verdict (supported)
    judged: np.ndarray  # the verdict once judged (the fast one where a kept rule rules the judge out)
    eligible: np.ndarray  # the judge may read it (no kept rule fails it)
    forced: np.ndarray  # read under ``auto`` whatever its fast score (a negation clash or reordered numbers)
    blocked: np.ndarray  # never read under ``auto`` (``failures_only`` and the fast checker passed it)


def claim_table(texts: Sequence[Claims], decision: KindDecision) -> ClaimTable:
    rows = []
    for i, text in enumerate(texts):
        for f in text:
            fast, off, _ = claim_decision(f, decision, "off")
            _, judged, eligible = claim_decision(f, decision, "always")
            # a fast score of -1 lies outside every band: unsure() then says yes only for a reason beyond the band
            forced = decision.unsure(-1.0, off, f.get("rule_negation", 0.0) > 0, f.get("rule_number_order", 0.0) > 0)
            blocked = decision.failures_only and off and not forced
            rows.append((i, fast, off, judged, eligible, forced, blocked))
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    return ClaimTable(*(np.asarray(c) for c in cols))


def supported(table: ClaimTable, n_texts: int, band: tuple[float, float] | None) -> tuple[np.ndarray, float]:
    """Per text, supported or not under ``auto`` with ``band`` (None: every claim judged); and the share of
    claims judged."""
    if band is None:
        sent = table.eligible
    else:
        inside = (table.fast >= band[0]) & (table.fast <= band[1])
        sent = table.eligible & ((inside & ~table.blocked) | table.forced)
    ok = np.where(sent, table.judged, table.off).astype(bool)
    out = np.ones(n_texts, dtype=bool)
    np.logical_and.at(out, table.text.astype(int), ok)
    return out, float(sent.mean()) if len(sent) else 0.0


def resample_weights(articles: Sequence[str], groups: Sequence[str], resamples: int, seed: int) -> np.ndarray:
    """(resamples × texts) how often each text is drawn: each dataset's articles drawn with replacement."""
    rng = np.random.default_rng(seed)
    weights = np.zeros((resamples, len(articles)))
    for g in sorted(set(groups)):
        names = sorted({a for a, x in zip(articles, groups, strict=True) if x == g})
        index = {a: k for k, a in enumerate(names)}
        counts = np.stack([np.bincount(rng.integers(0, len(names), len(names)), minlength=len(names))
                           for _ in range(resamples)])  # fmt: skip
        for t, (a, x) in enumerate(zip(articles, groups, strict=True)):
            if x == g:
                weights[:, t] = counts[:, index[a]]
    return weights


def balanced(weights: np.ndarray, predicted: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Balanced accuracy per resample over the texts in ``mask``."""
    w = weights * mask
    pos, neg = labels, ~labels
    recall_pos = (w @ (predicted & pos)) / np.maximum(w @ pos, 1e-9)
    recall_neg = (w @ (~predicted & neg)) / np.maximum(w @ neg, 1e-9)
    return (recall_pos + recall_neg) / 2


def choose_band(texts: Sequence[Claims], labels: Sequence[bool], groups: Sequence[str], articles: Sequence[str],
                decision: KindDecision, margin: float = 0.01, rule: str = "point", resamples: int = 200,
                confidence: float = 0.9, seed: int = 0) -> KindDecision:  # fmt: skip
    """The decision with the band that judges the fewest claims under ``rule`` (module docstring)."""
    table = claim_table(texts, decision)
    band = band_for(table, labels, groups, articles, margin, rule, resamples, confidence, seed)
    return dataclasses.replace(decision, band=band)


def band_for(table: ClaimTable, labels: Sequence[bool], groups: Sequence[str], articles: Sequence[str],
             margin: float, rule: str = "point", resamples: int = 200, confidence: float = 0.9, seed: int = 0
             ) -> tuple[float, float]:  # fmt: skip
    y = np.asarray(labels, dtype=bool)
    n = len(labels)
    weights = np.ones((1, n)) if rule == "point" else resample_weights(articles, groups, resamples, seed)
    masks = {g: np.asarray([x == g for x in groups]) for g in sorted(set(groups))}
    every, _ = supported(table, n, None)
    reference = {g: balanced(weights, every, y, m) for g, m in masks.items()}
    need = 1.0 if rule == "point" else confidence
    best, cost = (0.0, 1.0), (1.0, 1.0)  # (share of claims judged, width): the fewest, then the narrowest
    for low, high in itertools.combinations_with_replacement(GRID, 2):
        predicted, judged = supported(table, n, (float(low), float(high)))
        holds = all(
            np.mean(balanced(weights, predicted, y, m) >= reference[g] - margin - 1e-9) >= need
            for g, m in masks.items()
        )
        if holds and (judged, high - low) < cost:
            best, cost = (float(low), float(high)), (judged, high - low)
    return best


__all__ = ["ClaimTable", "band_for", "choose_band", "claim_table", "supported"]
