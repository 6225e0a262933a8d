"""Checkpoint selection on FRANK ``valid`` as newsdesk uses the verifier (never ``test``).

The factuality ``dev`` split rose while FRANK did not move, so a run can also judge its checkpoints the way
the product does: each summary sentence against the source windows the checker's cheap signals pick, the
best window per sentence, a summary's score its weakest sentence's, ROC-AUC per dataset. The (window,
sentence) pairs do not depend on the model, so they are collected once, with the shipped checker itself,
and only re-scored at each evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.evals.frank import FrankRow, fixed_sample, load_frank
from service.evals.metrics import roc_auc

PROJECT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class FrankPairs:
    rows: list[FrankRow]
    pairs: list[tuple[str, str]]
    owners: list[tuple[int, int]]  # (row, claim) of each pair

    def auc(self, probabilities: list[float]) -> dict[str, float]:
        best: dict[tuple[int, int], float] = {}
        for owner, p in zip(self.owners, probabilities, strict=True):
            best[owner] = max(p, best.get(owner, 0.0))
        worst = [1.0] * len(self.rows)
        for (row, _), p in best.items():
            worst[row] = min(worst[row], p)
        out = {}
        for dataset in ("cnndm", "bbc"):
            idx = [i for i, r in enumerate(self.rows) if r.dataset == dataset]
            out[f"frank_{dataset}"] = roc_auc([worst[i] for i in idx], [self.rows[i].consistent for i in idx])
        out["frank_mean"] = (out["frank_cnndm"] + out["frank_bbc"]) / 2
        return out


class _Recorder:
    """Stands in for the verifier to see which pairs the checker would send it."""

    model_id = "recorder"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.seen += pairs
        return [0.5] * len(pairs)


def collect(limit: int | None, cache: Path, split: str = "valid") -> FrankPairs:
    rows = fixed_sample(load_frank(PROJECT / "evals" / "datasets", split), limit)
    if cache.is_file():
        saved = json.loads(cache.read_text())
        return FrankPairs(rows, [tuple(p) for p in saved["pairs"]], [tuple(o) for o in saved["owners"]])  # type: ignore[misc]
    from service.embeddings.minilm import MiniLMEmbedder
    from service.fidelity.calibration import Calibration
    from service.fidelity.checker import FidelityChecker

    recorder = _Recorder()
    checker = FidelityChecker(MiniLMEmbedder(), recorder, Calibration({"verifier": 1.0}, 0.0, 0.5))
    pairs: list[tuple[str, str]] = []
    owners: list[tuple[int, int]] = []
    for n, row in enumerate(rows):
        recorder.seen = []
        checker.check(row.article, row.summary)
        claims: dict[str, int] = {}
        for premise, claim in recorder.seen:  # a pair's claim names its owner
            pairs.append((premise, claim))
            owners.append((n, claims.setdefault(claim, len(claims))))
    cache.write_text(json.dumps({"pairs": pairs, "owners": owners}))
    return FrankPairs(rows, pairs, owners)


def evaluate(frank: FrankPairs, score: Callable[[list[tuple[str, str]]], list[float]]) -> dict[str, float]:
    return frank.auc(score(frank.pairs))


def main() -> None:
    """Verifier-alone ROC-AUC of torch checkpoints on a FRANK split, as the checker uses the verifier:

    .venv-train/bin/python -m training.frank_select data/verifier-shipped data/run/best --split test
    """
    import argparse

    import torch
    from transformers import BertForSequenceClassification, BertTokenizerFast

    from training.train import score_pairs

    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoints", type=Path, nargs="+")
    ap.add_argument("--split", default="valid", choices=["valid", "test"])
    ap.add_argument("--limit", type=int, default=0, help="its fixed sample of this many summaries (0: all)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    cache = PROJECT / "data" / f"frank-{args.split}-{args.limit or 'all'}-pairs.json"
    frank = collect(args.limit or None, cache, args.split)
    for checkpoint in args.checkpoints:
        model = BertForSequenceClassification.from_pretrained(checkpoint, num_labels=1)
        tokenizer = BertTokenizerFast.from_pretrained(checkpoint)
        scores = frank.auc(score_pairs(model, tokenizer, frank.pairs, 256))
        print(checkpoint, args.split, len(frank.rows), {k: round(v, 3) for k, v in scores.items()}, flush=True)


if __name__ == "__main__":
    main()
