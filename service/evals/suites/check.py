"""A user's `check` suite: their (source, text) pairs, optionally labelled, through the fidelity checker.

The dataset is the JSONL of `newsdesk check --batch` (docs/evals.md); a line may add `"supported": true|false`
(the expected verdict), and then the suite also reports accuracy against those labels.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from service.evals.batch import check_batch, read_pairs, summarise
from service.evals.metrics import balanced_accuracy
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.fidelity.checker import FidelityChecker


class CheckSuite:
    name = "check"
    description = "Your texts checked against their sources"

    def __init__(self, checker: FidelityChecker, dataset: Path, article_text: Callable[[str], str]) -> None:
        self._checker = checker
        self._dataset = dataset
        self._article_text = article_text

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        lines = [line for line in read_pairs(self._dataset) if line.strip()]
        lines = lines[:limit] if limit else lines
        started = time.perf_counter()
        results = list(check_batch(lines, self._dataset.parent, self._checker, self._article_text, progress))
        labels = [_label(line) for line in lines]
        cases = [_case(r, label) for r, label in zip(results, labels, strict=True)]
        summary = summarise(results)
        checked = max(1, summary.supported + summary.unsupported)
        metrics = {
            "cases": float(len(lines)),
            "errors": float(summary.errors),
            "supported_rate": summary.supported / checked,
            "unsupported_rate": summary.unsupported / checked,
            "unsupported_claim_rate": summary.unsupported_claims / max(1, summary.claims),
            "seconds_per_case": (time.perf_counter() - started) / max(1, len(lines)),
        }
        judged = [(r["supported"], label) for r, label in zip(results, labels, strict=True)
                  if label is not None and "error" not in r]  # fmt: skip
        if judged:
            metrics["accuracy"] = sum(p == y for p, y in judged) / len(judged)
            metrics["balanced_accuracy"] = balanced_accuracy([p for p, _ in judged], [y for _, y in judged])
        return SuiteResult(self.name, self.description, metrics, cases, time.perf_counter() - started)


def _label(line: str) -> bool | None:
    try:
        value = json.loads(line).get("supported")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, bool) else None


def _case(result: dict[str, object], label: bool | None) -> CaseResult:
    if "error" in result:
        return CaseResult(str(result["id"]), False, {"error": result["error"]})
    supported = bool(result["supported"])
    claims = result["claims"]
    assert isinstance(claims, list)
    worst = min(claims, key=lambda c: c["score"], default=None)
    fields = {
        "checker": "supported" if supported else "unsupported",
        "expected": "—" if label is None else ("supported" if label else "unsupported"),
        "text": " ".join(c["text"] for c in claims),
        "reason": worst["reason"] if worst else "",
    }
    passed = supported if label is None else supported == label
    words = [w for c in claims if not c["supported"] for w in c["unsupported_words"]]
    return CaseResult(str(result["id"]), passed, fields, words)
