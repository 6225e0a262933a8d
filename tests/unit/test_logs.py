"""Structured logs: one line per question, rewrite and ingest item, with a request id and stage timings."""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from service import logs
from service.app import Newsdesk
from tests.conftest import SEED
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM


@pytest.fixture
def json_lines(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], list[dict[str, object]]]]:
    logs.configure("json", "INFO")

    def read() -> list[dict[str, object]]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]

    yield read
    logs.configure("text", "WARNING")


def test_a_question_logs_one_json_line_with_its_request_id_and_timings(
    make_desk: Callable[..., Newsdesk], json_lines: Callable[[], list[dict[str, object]]]
) -> None:
    desk = make_desk(embedder=FakeEmbedder(dim=256), openai_api_key="sk-secret-value-123")
    with logs.request("batch-1"):
        desk.ingest.ingest([str(SEED)])
    desk.__dict__["llm"] = FakeLLM(["Zoph's position was taken over by William (Liam) Fedus. [1]"])
    answer = desk.qa.answer("Who took over from Barret Zoph?")
    lines = json_lines()
    ingest = [line for line in lines if line["event"] == "ingest_item"]
    assert len(ingest) == 1 and ingest[0]["request_id"] == "batch-1" and ingest[0]["status"] == "added"
    assert {"chunk_s", "embed_s", "write_s"} <= set(ingest[0])
    (question,) = [line for line in lines if line["event"] == "question"]
    assert question["request_id"] == answer.request_id and len(answer.request_id) == 12
    assert question["refused"] is False and question["citations"] == 1
    assert {"retrieval_s", "first_token_s", "generation_s", "check_s"} <= set(question)
    assert all(len(str(question[k]).split(".")[-1]) <= 4 for k in ("retrieval_s", "generation_s"))  # rounded
    assert all("sk-secret-value-123" not in json.dumps(line) for line in lines)


def test_text_format_is_one_readable_line() -> None:
    record = logging.makeLogRecord({"msg": "question", "levelno": 20, "levelname": "INFO", "name": "newsdesk"})
    record.fields = {"refused": False, "retrieval_s": 0.01234}
    record.request_id = "abc"
    line = logs.TextFormatter().format(record)
    assert line.endswith("INFO newsdesk [abc] question refused=False retrieval_s=0.012")


def test_request_ids_nest_and_reset() -> None:
    def inside_a_fresh_context() -> None:
        assert logs.current_request() is None
        with logs.request() as outer:
            assert logs.current_request() == outer
            with logs.request("inner"):
                assert logs.current_request() == "inner"
            assert logs.current_request() == outer
        assert logs.current_request() is None

    contextvars.Context().run(inside_a_fresh_context)
