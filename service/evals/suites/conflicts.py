"""qa-conflicts: each case adds an updated copy of one article with one name, number or date changed to the
indexed originals; the question about that fact must come back with the disagreement flagged."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from service.evals.corpus import eval_drafts
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.evals.suites.qa import contains_any

EVAL_COLLECTION = "eval-qa-conflicts"


class ConflictSuite:
    name = "qa-conflicts"
    description = "Disagreeing sources: an article and its updated copy with one fact changed; conflict flagged"

    def __init__(self, make_desk: Callable[[], Any], dataset: Path, datasets_dir: Path) -> None:
        self._make_desk = make_desk
        self._dataset = dataset
        self._datasets_dir = datasets_dir

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        rows = [json.loads(line) for line in self._dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = rows[:limit] if limit else rows
        desk = self._make_desk()
        drafts = eval_drafts(sorted({r["article"] for r in rows}), self._datasets_dir, self._dataset.parent)
        for draft in drafts.values():  # every original stays indexed: the others are distractors
            desk.ingest.ingest_draft(draft)
        started = time.perf_counter()
        cases: list[CaseResult] = []
        flagged = answered = both = 0
        for n, row in enumerate(rows):
            original = drafts[row["article"]]
            change = row["change"]
            updated = replace(
                original, text=original.text.replace(change["from"], change["to"]),
                source=f"{original.source}#updated-{row['id']}", title=f"{original.title or row['article']} (updated)",
            )  # fmt: skip
            copy_id = desk.ingest.ingest_draft(updated).article_id
            try:
                answer = desk.qa.answer(row["question"])
            finally:  # one updated copy at a time: the next case must not see this one
                desk.catalog.delete(copy_id)
            answered += not answer.refused
            flagged += bool(answer.conflicts)
            sides = contains_any(answer.text, row["accept"]) or contains_any(answer.text, row["accept_changed"])
            both += bool(answer.conflicts) and sides
            fields = {
                "question": row["question"], "change": f"{change['from']} → {change['to']}", "answer": answer.text,
                "conflicts": "; ".join(f"[{c.supported_by}] vs [{c.disputed_by}]: {c.says}" for c in answer.conflicts),
            }  # fmt: skip
            cases.append(CaseResult(row["id"], bool(answer.conflicts), fields, []))
            progress(n + 1, len(rows))
        total = max(1, len(rows))
        metrics = {
            "cases": float(len(rows)),
            "conflict_flagged": flagged / total,
            "answered": answered / total,
            "flagged_with_an_answer_from_either_side": both / total,
        }
        return SuiteResult(self.name, self.description, metrics, cases, time.perf_counter() - started)
