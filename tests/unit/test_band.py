"""The cascade's band (bench/band.py): which fast scores the judge must read, by a point margin on the fitting
sample or by the same margin held in most bootstrap resamples of it."""

import numpy as np

from bench.band import ClaimTable, band_for, supported


def table(fast: list[float], off: list[bool], judged: list[bool]) -> ClaimTable:
    n = len(fast)
    return ClaimTable(
        text=np.arange(n),
        fast=np.asarray(fast),
        off=np.asarray(off),
        judged=np.asarray(judged),
        eligible=np.ones(n, dtype=bool),
        forced=np.zeros(n, dtype=bool),
        blocked=np.zeros(n, dtype=bool),
    )


def scene() -> tuple[ClaimTable, list[bool]]:
    """20 one-claim texts, the judge right on all of them; the fast verdict wrong on two faithful texts with
    fast scores 0.45 and 0.35 (everything else far from the middle)."""
    labels = [True] * 10 + [False] * 10
    fast = [0.9] * 8 + [0.45, 0.35] + [0.1] * 10
    off = [True] * 8 + [False, False] + [False] * 10
    return table(fast, off, labels), labels


def test_supported_uses_the_judged_verdict_inside_the_band_only() -> None:
    claims, _ = scene()
    inside, share = supported(claims, 20, (0.4, 0.5))
    assert inside[8] and not inside[9]  # 0.45 judged (right), 0.35 outside the band keeps its fast "no"
    assert share == 1 / 20
    every, every_share = supported(claims, 20, None)
    assert every[8] and every[9] and every_share == 1.0


def test_point_band_with_no_margin_covers_every_score_the_fast_verdict_gets_wrong() -> None:
    claims, labels = scene()
    assert band_for(claims, labels, ["g"] * 20, [str(i) for i in range(20)], margin=0.0) == (0.35, 0.45)


def test_bootstrap_keeps_a_claim_the_point_margin_lets_go() -> None:
    """Leaving one of the two texts to the fast checker costs 0.05 balanced accuracy on the sample, inside a
    0.06 margin; in a resample that draws that text twice it costs about 0.1, so the bootstrap band keeps both."""
    claims, labels = scene()
    groups, articles = ["g"] * 20, [str(i) for i in range(20)]
    point = band_for(claims, labels, groups, articles, margin=0.06)
    assert supported(claims, 20, point)[1] == 1 / 20
    low, high = band_for(claims, labels, groups, articles, margin=0.06, rule="bootstrap")
    assert (low, high) == (0.35, 0.45)
