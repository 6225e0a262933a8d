import json
from pathlib import Path

import httpx2
import pytest

from service.errors import LLMUnavailable
from service.llm.cache import ResponseCache
from service.llm.chain import chat_chain, stream_text
from service.llm.client import LLM
from service.llm.endpoint import Endpoint


def sse(text: str) -> bytes:
    chunks = [
        {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
         "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
        for word in text.split()
    ]  # fmt: skip
    return b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks) + b"data: [DONE]\n\n"


class Upstream(httpx2.MockTransport):
    """A model that answers every chat request with the text in the request's last message, reversed."""

    def __init__(self, status: int = 200) -> None:
        self.calls = 0
        super().__init__(self.answer)
        self._status = status

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        question = json.loads(request.content)["messages"][-1]["content"]
        body = sse(" ".join(reversed(question.split())))
        return httpx2.Response(self._status, headers={"content-type": "text/event-stream"}, content=body)


def llm_with(cache: ResponseCache) -> LLM:
    endpoint = Endpoint("compatible", "http://127.0.0.1:9/v1", "m", None)
    return LLM(endpoint, timeout_s=5, max_retries=0, http_client=httpx2.Client(transport=cache))


def test_a_second_identical_run_makes_no_model_call_and_gets_the_same_answer(tmp_path: Path) -> None:
    upstream = Upstream()
    first = list(
        llm_with(ResponseCache(tmp_path, "compatible:m", upstream)).stream([{"role": "user", "content": "a b c"}])
    )
    replay = ResponseCache(tmp_path, "compatible:m", upstream)
    again = list(llm_with(replay).stream([{"role": "user", "content": "a b c"}]))
    assert first == again == ["c ", "b ", "a "]
    assert upstream.calls == 1 and replay.model_calls == 0 and replay.replayed == 1


def test_langchain_chains_share_the_cache(tmp_path: Path) -> None:
    upstream = Upstream()
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "one two"}]
    for _ in range(2):
        llm = llm_with(ResponseCache(tmp_path, "compatible:m", upstream))
        assert "".join(stream_text(chat_chain(llm, "test"), messages, llm)).split() == ["two", "one"]
    assert upstream.calls == 1


def test_other_requests_other_endpoints_and_failures_are_not_replayed(tmp_path: Path) -> None:
    upstream = Upstream()
    cache = ResponseCache(tmp_path, "compatible:m", upstream)
    list(llm_with(cache).stream([{"role": "user", "content": "a b"}]))
    list(llm_with(cache).stream([{"role": "user", "content": "a c"}]))  # another prompt
    list(llm_with(ResponseCache(tmp_path, "other:model", upstream)).stream([{"role": "user", "content": "a b"}]))
    assert upstream.calls == 3
    failing = Upstream(status=500)
    for _ in range(2):
        with pytest.raises(LLMUnavailable, match="HTTP 500"):
            list(llm_with(ResponseCache(tmp_path, "compatible:m", failing)).stream([{"role": "user", "content": "z"}]))
    assert failing.calls == 2  # an error is never cached


def test_a_response_being_recorded_streams_through_and_is_saved_only_once_whole(tmp_path: Path) -> None:
    upstream = Upstream()
    cache = ResponseCache(tmp_path, "compatible:m", upstream)
    stream = llm_with(cache).stream([{"role": "user", "content": "a b c"}])
    assert next(stream) == "c "  # the first chunk arrives before the body is whole
    assert list(tmp_path.rglob("*.json")) == []  # a half-read answer is never saved
    assert list(stream) == ["b ", "a "]
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_an_answer_closed_before_its_end_is_not_saved(tmp_path: Path) -> None:
    def chunked(request: httpx2.Request) -> httpx2.Response:
        events = sse("one two three").split(b"\n\n")
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=(e + b"\n\n" for e in events)
        )

    cache = ResponseCache(tmp_path, "compatible:m", httpx2.MockTransport(chunked))
    stream = llm_with(cache).stream([{"role": "user", "content": "a"}])
    assert next(stream) == "one "
    stream.close()  # the reader cancelled the answer
    assert list(tmp_path.rglob("*.json")) == []
    assert list(llm_with(cache).stream([{"role": "user", "content": "a"}])) == ["one ", "two ", "three "]
    assert len(list(tmp_path.rglob("*.json"))) == 1 and cache.model_calls == 2


def test_a_whole_answer_is_recorded_and_replayed(tmp_path: Path) -> None:
    def whole(request: httpx2.Request) -> httpx2.Response:
        choice = {"index": 0, "message": {"role": "assistant", "content": "yes"}, "finish_reason": "stop"}
        body = {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}
        return httpx2.Response(200, json=body)

    upstream = httpx2.MockTransport(whole)
    first = llm_with(ResponseCache(tmp_path, "compatible:m", upstream)).complete([{"role": "user", "content": "q"}])
    replay = ResponseCache(tmp_path, "compatible:m", upstream)
    again = llm_with(replay).complete([{"role": "user", "content": "q"}])
    assert first.text == again.text == "yes" and replay.model_calls == 0 and replay.replayed == 1
