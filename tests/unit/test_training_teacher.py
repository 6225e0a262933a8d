"""Distillation targets (training/teacher.py): the judge's P(yes) calibrated on gold labels, blended with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.pairs import Pair
from training.teacher import fit_logistic, pair_key, teacher_targets


def _pairs_and_labels(tmp_path: Path) -> tuple[list[Pair], Path]:
    pairs = [Pair(f"premise {i}", f"claim {i}", i % 2, "cliff") for i in range(40)]
    judge = [0.9 if p.label else 0.6 for p in pairs]  # a narrow band, ranked right
    judge[1], judge[2] = 0.62, 0.88  # one supported pair it doubts, one unsupported pair it believes
    path = tmp_path / "labels.jsonl"
    rows = [{"key": pair_key(p.premise, p.claim), "source": p.source, "label": p.label, "judge": j}
            for p, j in zip(pairs, judge, strict=True)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows[:-4]))  # the last four were never judged
    return pairs, path


def test_the_logistic_fit_separates_a_ranked_signal() -> None:
    a, b = fit_logistic([-1.0, -0.5, 0.5, 1.0] * 5, [0, 0, 1, 1] * 5, steps=2000)
    assert a > 1 and abs(b) < 0.1


def test_targets_blend_gold_with_the_calibrated_judge(tmp_path: Path) -> None:
    pairs, path = _pairs_and_labels(tmp_path)
    targets, summary = teacher_targets(pairs, path, weight=0.5)
    assert len(targets) == 36 and pairs[-1] not in targets
    assert "36 labelled pairs" in summary and "summaries 36 pairs AUC" in summary
    sure_yes, doubted, believed = targets[pairs[3]], targets[pairs[1]], targets[pairs[2]]
    assert 0.5 < doubted < sure_yes <= 1.0  # supported, but the judge's doubt softens the target
    assert 0.0 <= believed < 0.5  # unsupported stays below one half
    plain, _ = teacher_targets(pairs, path, weight=0.0)
    assert plain[pairs[1]] == pytest.approx(1.0) and plain[pairs[2]] == pytest.approx(0.0)


def test_labels_that_match_no_training_pair_are_an_error(tmp_path: Path) -> None:
    _, path = _pairs_and_labels(tmp_path)
    with pytest.raises(SystemExit, match="no pair"):
        teacher_targets([Pair("other", "text", 1, "cliff")], path, weight=0.5)
