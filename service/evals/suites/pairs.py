"""fidelity-pairs: hand-written (source passage, claim, label) cases over the seed and OneStopEnglish articles.

Paraphrase, passive/active, synonyms and reordering must pass; swapped roles, changed numbers and dates,
negation, an added cause or claim and a wrong attribution must not. The passages are exact article spans.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from service.evals.metrics import balanced_accuracy
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.fidelity.checker import FidelityChecker


class PairsSuite:
    name = "fidelity-pairs"
    description = "Hand-written paraphrases and near-miss errors (role swap, number, date, negation, attribution)"

    def __init__(self, checker: FidelityChecker, dataset: Path) -> None:
        self._checker = checker
        self._dataset = dataset

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        rows = [json.loads(line) for line in self._dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = rows[:limit] if limit else rows
        started = time.perf_counter()
        cases: list[CaseResult] = []
        by_kind: dict[str, list[bool]] = defaultdict(list)
        for n, row in enumerate(rows):
            report = self._checker.check(row["source"], row["claim"])
            right = report.supported == row["supported"]
            by_kind[row["kind"]].append(right)
            worst = min(report.claims, key=lambda c: c.score, default=None)
            cases.append(
                CaseResult(
                    row["id"],
                    right,
                    {
                        "kind": row["kind"],
                        "expected": "supported" if row["supported"] else "unsupported",
                        "checker": "supported" if report.supported else "unsupported",
                        "score": round(report.score, 3),
                        "text": row["claim"],
                        "source": row["source"],
                        "reason": worst.reason if worst else "",
                    },
                    [w for c in report.unsupported for w in c.unsupported_words],
                )
            )
            progress(n + 1, len(rows))
        seconds = time.perf_counter() - started
        labels = [bool(r["supported"]) for r in rows]
        predicted = [c.passed == label for c, label in zip(cases, labels, strict=True)]
        metrics = {
            "cases": float(len(rows)),
            "pair_accuracy": sum(c.passed for c in cases) / max(1, len(rows)),
            "balanced_accuracy": balanced_accuracy(predicted, labels),
            "seconds_per_case": seconds / max(1, len(rows)),
        }
        metrics |= {f"accuracy_{kind}": sum(v) / len(v) for kind, v in sorted(by_kind.items())}
        return SuiteResult(self.name, self.description, metrics, cases, seconds)
