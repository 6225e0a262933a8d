"""qa: questions over the seed article and OneStopEnglish articles, ingested together as distractors."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.evals.corpus import eval_drafts
from service.evals.retrieval import covers, evidence_spans
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.model import Chunk
from service.qa.answer import Answer, Turn
from service.qa.service import QAService

EVAL_COLLECTION = "eval-qa"


def eval_collection(suite: str) -> str:
    """The suite's own index: only its dataset's articles, so its figures do not depend on which other Q&A
    suites ran before in the same data directory."""
    slug = re.sub(r"[^a-z0-9]+", "-", suite.lower()).strip("-")[:40] or "suite"
    return f"{EVAL_COLLECTION}-{slug}"


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("£", "").replace("$", "")
    return " ".join(re.sub(r"[^\w',.%-]+", " ", text).split())


def contains_any(answer: str, accept: list[str]) -> bool:
    said = normalise(answer)
    return any(normalise(a) in said for a in accept)


def interleave(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """A fixed sample that keeps every kind of question: round-robin over kinds, in file order."""
    if not limit or limit >= len(rows):
        return rows
    kinds: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        kinds.setdefault(row["kind"], []).append(row)
    picked: list[dict[str, Any]] = []
    while len(picked) < limit:
        for group in kinds.values():
            if group and len(picked) < limit:
                picked.append(group.pop(0))
    return picked


class QASuite:
    name = "qa"
    description = "Grounded Q&A on the embedded defaults: answers, refusals, citations, follow-ups"

    def __init__(self, make_desk: Callable[[], Any], dataset: Path, datasets_dir: Path) -> None:
        self._make_desk = make_desk
        self._dataset = dataset
        self._datasets_dir = datasets_dir

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        every = [json.loads(line) for line in self._dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = interleave(every, limit)
        desk = self._make_desk()
        # every article of the dataset is indexed, even for a sample: the others are the distractors
        keys = sorted({r["article"] for r in every if r.get("article")})
        drafts = eval_drafts(keys, self._datasets_dir, self._dataset.parent)
        ids = {key: desk.ingest.ingest_draft(draft).article_id for key, draft in drafts.items()}
        texts = {key: desk.catalog.show(article_id).text for key, article_id in ids.items()}
        qa: QAService = desk.qa
        started = time.perf_counter()
        cases: list[CaseResult] = []
        stat_names = (
            "correct",
            "retrieved",
            "cited_evidence",
            "faithful",
            "followup",
            "ttft",
            "total",
            "prompt_chars",
            "uncited",
            "conflict",
            "verify",
        )
        stats: dict[str, list[float]] = {k: [] for k in stat_names}
        refusals = {"tp": 0, "fp": 0, "fn": 0}
        for n, row in enumerate(rows):
            history: list[Turn] = []
            if row["kind"] == "followup":
                first = qa.answer(row["question"])
                history = [Turn(row["question"], first.text)]
                question = row["followup"]
            else:
                question = row["question"]
            t0 = time.perf_counter()
            answer = qa.answer(question, history=history)
            stats["total"].append(time.perf_counter() - t0)
            if "first_token_s" in answer.timings:
                stats["ttft"].append(answer.timings["first_token_s"])
                stats["prompt_chars"].append(answer.prompt_chars)
            if "check_s" in answer.timings:  # what checking the answer adds: its sentences, then conflicts
                stats["verify"].append(answer.timings["check_s"] + answer.timings.get("conflicts_s", 0.0))
            if answer.fidelity:
                stats["faithful"].extend(1.0 if c.supported else 0.0 for c in answer.fidelity.claims)
            if not answer.refused:  # these articles do not disagree: any conflict claimed is a false one
                stats["conflict"].append(float(bool(answer.conflicts)))
            passed = self._score(row, answer, ids, texts, stats, refusals)
            cases.append(CaseResult(row["id"], passed, _fields(row, question, answer), _flagged(answer)))
            progress(n + 1, len(rows))
        metrics = _metrics(stats, refusals)
        metrics["cases"] = float(len(rows))
        return SuiteResult(self.name, self.description, metrics, cases, time.perf_counter() - started)

    @staticmethod
    def _score(
        row: dict[str, Any],
        answer: Answer,
        ids: dict[str, str],
        texts: dict[str, str],
        stats: dict[str, list[float]],
        refusals: dict[str, int],
    ) -> bool:
        if row["kind"] == "unanswerable":
            refusals["tp" if answer.refused else "fn"] += 1
            return answer.refused
        if answer.refused:
            refusals["fp"] += 1
        correct = not answer.refused and contains_any(answer.text, row["accept"])
        article_id = ids[row["article"]]
        spans = evidence_spans(texts[row["article"]], row["evidence"])
        stats["retrieved"].append(
            float(any(covers(p.chunk, article_id, span) for p in answer.passages for span in spans))
        )
        if correct and answer.citations:  # validity is about the citations an answer makes
            stats["cited_evidence"].append(
                float(any(covers(c.passage.chunk, article_id, span) for c in answer.citations for span in spans))
            )
        if not answer.refused:
            stats["uncited"].append(float(not answer.citations))
        stats["followup" if row["kind"] == "followup" else "correct"].append(float(correct))
        return correct


def _metrics(stats: dict[str, list[float]], refusals: dict[str, int]) -> dict[str, float]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else float("nan")

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")

    tp, fp, fn = refusals["tp"], refusals["fp"], refusals["fn"]
    return {
        "accuracy": mean(stats["correct"]),
        "followup_accuracy": mean(stats["followup"]),
        "refusal_recall": tp / (tp + fn) if tp + fn else float("nan"),
        "refusal_precision": tp / (tp + fp) if tp + fp else float("nan"),
        "citation_validity": mean(stats["cited_evidence"]),  # over correct answers that cite something
        "uncited_share": mean(stats["uncited"]),  # answers shown without any citation
        "faithfulness": mean(stats["faithful"]),
        "conflicts_claimed": mean(stats["conflict"]),  # answered questions said to have disagreeing sources
        "retrieval_recall": mean(stats["retrieved"]),
        "ttft_p50_s": pct(stats["ttft"], 0.5),
        "ttft_p95_s": pct(stats["ttft"], 0.95),
        "total_p50_s": pct(stats["total"], 0.5),
        "total_p95_s": pct(stats["total"], 0.95),
        "prompt_chars_mean": mean(stats["prompt_chars"]),
        "verify_p50_s": pct(stats["verify"], 0.5),  # the check and conflict steps, after generation
    }


def _where(chunk: Chunk) -> str:
    return f"{chunk.title} {chunk.start}–{chunk.end}"


_STAGES = ("retrieval_s", "generation_s", "second_look_s", "check_s")


def _fields(row: dict[str, Any], question: str, answer: Answer) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "question": question,
        "expected": ", ".join(row.get("accept", [])) or "refusal",
        "text": answer.text,
        "withheld": answer.withheld or "",  # a draft the check withheld (a refusal that was not the model's)
        "cited": " ".join(f"[{c.number}] {_where(c.passage.chunk)}" for c in answer.citations),
        "seconds": round(sum(answer.timings.get(k, 0.0) for k in _STAGES), 1),
    }


def _flagged(answer: Answer) -> list[str]:
    return [w for c in answer.fidelity.unsupported for w in c.unsupported_words] if answer.fidelity else []
