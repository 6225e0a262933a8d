"""Retrieval scoring: does a retrieved passage contain the evidence for a question?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from service.errors import ConfigError
from service.model import Chunk


@dataclass(frozen=True)
class Question:
    id: str
    article: str
    question: str
    answer: str
    evidence: str


def load_questions(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(**row) for row in rows]


def evidence_span(article_text: str, evidence: str) -> tuple[int, int]:
    start = article_text.find(evidence)
    if start < 0:
        raise ConfigError(f"evidence not found verbatim in its article: {evidence[:60]!r}")
    return start, start + len(evidence)


def evidence_spans(article_text: str, evidence: str) -> list[tuple[int, int]]:
    """Every place the evidence occurs (news articles often state a fact twice)."""
    first = evidence_span(article_text, evidence)
    spans = [first]
    while (start := article_text.find(evidence, spans[-1][0] + 1)) >= 0:
        spans.append((start, start + len(evidence)))
    return spans


def covers(chunk: Chunk, article_id: str, span: tuple[int, int], min_share: float = 0.5) -> bool:
    """True when the chunk is from the article and holds at least ``min_share`` of the evidence span."""
    if chunk.article_id != article_id:
        return False
    overlap = min(chunk.end, span[1]) - max(chunk.start, span[0])
    return overlap >= min_share * (span[1] - span[0])


def first_hit_rank(chunks: list[Chunk], article_id: str, span: tuple[int, int]) -> int | None:
    """1-based rank of the first chunk covering the evidence, or None."""
    for rank, chunk in enumerate(chunks, start=1):
        if covers(chunk, article_id, span):
            return rank
    return None


def recall_at(ranks: list[int | None], k: int) -> float:
    return sum(r is not None and r <= k for r in ranks) / len(ranks) if ranks else 0.0
