"""fidelity-frank (human labels) and fidelity-synthetic (planted errors): the checker against truth."""

from __future__ import annotations

import json
import time
from pathlib import Path

from service.evals.corpus import eval_drafts
from service.evals.frank import FrankRow, article_sample, fixed_sample, load_frank_file
from service.evals.metrics import balanced_accuracy, roc_auc, roc_curve
from service.evals.plots import roc_plot
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.fidelity.calibration import RARE_ZIPF
from service.fidelity.checker import FidelityChecker
from service.ingest.articles import build_article
from service.text import is_number, stem, words, zipf


class FrankSuite:
    name = "fidelity-frank"
    description = "FRANK test split: human factuality labels on CNN/DM and BBC XSum summaries"

    def __init__(self, checker: FidelityChecker, frank_file: Path, articles: int | None = None) -> None:
        self._checker = checker
        self._frank_file = frank_file
        self._articles = articles  # every summary of this many articles per dataset (a judged run's sample)

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        rows = load_frank_file(self._frank_file, split="test")
        rows = article_sample(rows, self._articles, limit) if self._articles else fixed_sample(rows, limit)
        started = time.perf_counter()
        scores: list[float] = []
        predicted: list[bool] = []
        cases: list[CaseResult] = []
        claims = judged = contrasted = 0
        for n, row in enumerate(rows):
            report = self._checker.check(row.article, row.summary)
            scores.append(report.score)
            predicted.append(report.supported)
            claims += len(report.claims)
            judged += report.judged
            contrasted += report.contrasted
            worst = min(report.claims, key=lambda c: c.score, default=None)
            cases.append(
                CaseResult(
                    row.id,
                    predicted[-1] == row.consistent,
                    {
                        "dataset": row.dataset,
                        "human": "consistent" if row.consistent else "inconsistent",
                        "checker": "supported" if predicted[-1] else "unsupported",
                        "score": round(scores[-1], 3),
                        "judged": f"{report.judged}/{len(report.claims)}",
                        "text": row.summary,
                        "reason": worst.reason if worst else "",
                    },
                    [w for c in report.unsupported for w in c.unsupported_words],
                )
            )
            progress(n + 1, len(rows))
        seconds = time.perf_counter() - started
        metrics: dict[str, float] = {
            "cases": float(len(rows)),
            "seconds_per_case": seconds / max(1, len(rows)),
            "judged_share": judged / max(1, claims),  # claims the language model read
            "contrasted_share": contrasted / max(1, claims),  # of them, read beside a twin (names exchanged)
        }
        curves = {}
        for dataset in ("cnndm", "bbc"):
            idx = [i for i, r in enumerate(rows) if r.dataset == dataset]
            labels = [rows[i].consistent for i in idx]
            metrics[f"balanced_accuracy_{dataset}"] = balanced_accuracy([predicted[i] for i in idx], labels)
            metrics[f"roc_auc_{dataset}"] = roc_auc([scores[i] for i in idx], labels)
            metrics[f"baseline_always_consistent_{dataset}"] = balanced_accuracy([True] * len(idx), labels)
            metrics[f"baseline_entity_overlap_{dataset}"] = balanced_accuracy(
                [entity_overlap(rows[i]) for i in idx], labels
            )
            curves[dataset] = roc_curve([scores[i] for i in idx], labels)
        plots = {"ROC curves (FRANK test)": roc_plot(curves)}
        return SuiteResult(self.name, self.description, metrics, cases, seconds, plots=plots)


def entity_overlap(row: FrankRow) -> bool:
    """The naive baseline: consistent iff every number and rare word of the summary is in the article."""
    article = {stem(w) for w in words(row.article)}
    return all(stem(w) in article for w in words(row.summary) if is_number(w) or zipf(w) < RARE_ZIPF)


class SyntheticSuite:
    name = "fidelity-synthetic"
    description = "Faithful texts and texts with one planted error, over the seed and OneStopEnglish articles"

    def __init__(self, checker: FidelityChecker, dataset: Path, datasets_dir: Path) -> None:
        self._checker = checker
        self._dataset = dataset
        self._datasets_dir = datasets_dir

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        rows = [json.loads(line) for line in self._dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = rows[:limit] if limit else rows
        drafts = eval_drafts(sorted({r["article"] for r in rows}), self._datasets_dir)
        started = time.perf_counter()
        cases: list[CaseResult] = []
        caught = passed_faithful = named = 0
        for n, row in enumerate(rows):
            source = build_article(drafts[row["article"]], 10**7).text
            faithful = self._checker.check(source, row["faithful"], kind="rewrite")
            corrupted = self._checker.check(source, row["corrupted"], kind="rewrite")
            flagged = [w for c in corrupted.unsupported for w in c.unsupported_words]
            caught += not corrupted.supported
            passed_faithful += faithful.supported
            named += row["planted"] in flagged
            worst = min(corrupted.claims, key=lambda c: c.score, default=None)
            cases.append(
                CaseResult(
                    row["id"],
                    faithful.supported and not corrupted.supported,
                    {
                        "error": row["error"],
                        "faithful": "passed" if faithful.supported else f"false alarm ({faithful.score:.2f})",
                        "corrupted": "caught" if not corrupted.supported else f"missed ({corrupted.score:.2f})",
                        "text": row["corrupted"],
                        "reason": worst.reason if worst else "",
                    },
                    flagged,
                )
            )
            progress(n + 1, len(rows))
        total = max(1, len(rows))
        metrics = {
            "cases": float(len(rows)),
            "pair_accuracy": sum(c.passed for c in cases) / total,
            "detection_rate": caught / total,
            "false_alarm_rate": 1 - passed_faithful / total,
            "planted_word_named": named / total,
            "seconds_per_case": (time.perf_counter() - started) / total,
        }
        return SuiteResult(self.name, self.description, metrics, cases, time.perf_counter() - started)
