from pathlib import Path

import pytest

from service.errors import ConfigError
from service.evals.corpus import eval_drafts
from service.evals.retrieval import covers, evidence_span, evidence_spans, first_hit_rank, load_questions, recall_at
from service.ingest.articles import build_article
from service.model import Chunk
from tests.conftest import ROOT

QUESTIONS = ROOT / "evals" / "datasets" / "retrieval.jsonl"


def _chunk(start: int, end: int, article: str = "a") -> Chunk:
    return Chunk(article, 0, start, end, "x" * (end - start), "t")


def test_covers_needs_the_same_article_and_most_of_the_span() -> None:
    assert covers(_chunk(0, 100), "a", (10, 30))
    assert covers(_chunk(20, 100), "a", (10, 30))  # half of the span
    assert not covers(_chunk(25, 100), "a", (10, 30))
    assert not covers(_chunk(0, 100, "b"), "a", (10, 30))


def test_ranks_and_recall() -> None:
    chunks = [_chunk(200, 300), _chunk(0, 100)]
    assert first_hit_rank(chunks, "a", (10, 30)) == 2
    assert first_hit_rank(chunks, "a", (500, 530)) is None
    assert recall_at([1, 2, None, 3], 1) == 0.25
    assert recall_at([1, 2, None, 3], 3) == 0.75


def test_evidence_must_be_verbatim() -> None:
    assert evidence_span("abc def", "def") == (4, 7)
    assert evidence_spans("def abc def", "def") == [(0, 3), (8, 11)]
    with pytest.raises(ConfigError):
        evidence_span("abc", "zzz")


def test_every_question_has_verbatim_evidence_in_its_normalised_article() -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 20
    drafts = eval_drafts(sorted({q.article for q in questions}), ROOT / "evals" / "datasets")
    for q in questions:
        text = build_article(drafts[q.article], 10**7).text
        start, end = evidence_span(text, q.evidence)
        assert text[start:end] == q.evidence


def test_unknown_dataset_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_DATASETS_DIR"):
        eval_drafts(["Amazon"], tmp_path)
