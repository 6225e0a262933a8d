import json

import httpx2
import pytest
from pydantic import SecretStr

from service.errors import LLMUnavailable
from service.llm.client import LLM
from service.llm.endpoint import Endpoint
from tests.conftest import ROOT
from tests.llm_fakes import BrokenStream, ScriptedTransport, completion, make_llm, sse

SSE = {"content-type": "text/event-stream"}
ASK = [{"role": "user", "content": "hi"}]


def test_stream_yields_the_pieces_in_order() -> None:
    llm, _ = make_llm(ScriptedTransport(httpx2.Response(200, content=sse("Hel", "lo", "!"), headers=SSE)))
    assert list(llm.stream(ASK)) == ["Hel", "lo", "!"]  # type: ignore[arg-type]


def test_complete_returns_text_and_usage() -> None:
    transport = ScriptedTransport(httpx2.Response(200, json=completion("Paris")))
    llm, _ = make_llm(transport, max_tokens=7)
    result = llm.complete(ASK)  # type: ignore[arg-type]
    assert (result.text, result.prompt_tokens, result.completion_tokens) == ("Paris", 11, 3)
    sent = json.loads(transport.requests[0].content)
    assert sent["max_tokens"] == 7 and sent["model"] == "m" and sent["temperature"] == 0.0


def test_first_token_choices_reads_log_probabilities() -> None:
    body = completion("yes")
    top = [{"token": "yes", "logprob": -0.105, "bytes": None}, {"token": "no", "logprob": -2.303, "bytes": None}]
    body["choices"][0]["logprobs"] = {
        "content": [{"token": "yes", "logprob": -0.105, "bytes": None, "top_logprobs": top}]
    }  # type: ignore[index]
    transport = ScriptedTransport(httpx2.Response(200, json=body), httpx2.Response(200, json=completion("no")))
    llm, _ = make_llm(transport)
    answer, choices = llm.first_token_choices(ASK)  # type: ignore[arg-type]
    assert answer == "yes" and choices == pytest.approx({"yes": 0.9, "no": 0.1}, abs=1e-3)
    sent = json.loads(transport.requests[0].content)
    assert sent["max_tokens"] == 1 and sent["logprobs"] is True and sent["top_logprobs"] == 10
    assert llm.first_token_choices(ASK) == ("no", {})  # type: ignore[arg-type]  # no log-probabilities: none


def test_connection_errors_are_retried_with_backoff() -> None:
    transport = ScriptedTransport(
        httpx2.ConnectError("refused"),
        httpx2.Response(503),
        httpx2.Response(200, json=completion("ok")),
    )
    llm, sleeps = make_llm(transport, max_retries=2)
    assert llm.complete(ASK).text == "ok"  # type: ignore[arg-type]
    assert sleeps == [0.5, 1.0]
    assert len(transport.requests) == 3


def test_retries_are_bounded() -> None:
    transport = ScriptedTransport(*[httpx2.Response(503) for _ in range(3)])
    llm, sleeps = make_llm(transport, max_retries=2)
    with pytest.raises(LLMUnavailable, match="HTTP 503") as caught:
        llm.complete(ASK)  # type: ignore[arg-type]
    assert "http://llm.test/v1" in str(caught.value)
    assert len(transport.requests) == 3 and len(sleeps) == 2


def test_rate_limit_is_retried_then_reported() -> None:
    transport = ScriptedTransport(httpx2.Response(429), httpx2.Response(429))
    llm, _ = make_llm(transport, max_retries=1)
    with pytest.raises(LLMUnavailable, match="rate limited"):
        llm.complete(ASK)  # type: ignore[arg-type]


def test_a_refused_key_is_not_retried_and_never_printed() -> None:
    transport = ScriptedTransport(httpx2.Response(401, json={"error": {"message": "bad key sk-secret-123"}}))
    endpoint = Endpoint("openai", "http://llm.test/v1", "gpt-4o-mini", SecretStr("sk-secret-123"))
    llm = LLM(endpoint, timeout_s=5, http_client=httpx2.Client(transport=transport), sleep=lambda _s: None)
    with pytest.raises(LLMUnavailable) as caught:
        llm.complete(ASK)  # type: ignore[arg-type]
    assert "API key was refused" in str(caught.value)
    assert "sk-secret" not in str(caught.value)
    assert len(transport.requests) == 1


def test_a_timeout_is_reported_not_retried() -> None:
    transport = ScriptedTransport(httpx2.ReadTimeout("slow"), httpx2.Response(200, json=completion("late")))
    llm, sleeps = make_llm(transport, timeout_s=3.0)
    with pytest.raises(LLMUnavailable, match=r"no answer within 3 s"):
        llm.complete(ASK)  # type: ignore[arg-type]
    assert sleeps == [] and len(transport.requests) == 1


@pytest.mark.parametrize(
    "response",
    [
        httpx2.Response(200, content=b"<html>proxy error</html>", headers={"content-type": "text/html"}),
        httpx2.Response(200, json={"unexpected": True}),
    ],
)
def test_a_malformed_answer_is_reported(response: httpx2.Response) -> None:
    llm, _ = make_llm(ScriptedTransport(response))
    with pytest.raises(LLMUnavailable, match="malformed"):
        llm.complete(ASK)  # type: ignore[arg-type]


def test_a_stream_that_breaks_midway_is_reported() -> None:
    first = sse("Once", finish=False).split(b"data: [DONE]")[0]
    llm, _ = make_llm(ScriptedTransport(httpx2.Response(200, stream=BrokenStream(first), headers=SSE)))
    received: list[str] = []
    with pytest.raises(LLMUnavailable, match="connection broke"):
        received.extend(llm.stream(ASK))  # type: ignore[arg-type]
    assert received == ["Once"]


def test_an_empty_interrupted_stream_is_not_an_answer() -> None:
    llm, _ = make_llm(ScriptedTransport(httpx2.Response(200, content=sse(finish=False), headers=SSE)))
    with pytest.raises(LLMUnavailable, match="ended empty"):
        list(llm.stream(ASK))  # type: ignore[arg-type]


def test_openai_path_replays_a_recorded_exchange() -> None:
    """The OpenAI backend: recorded wire responses, no network, no real key."""
    recorded_json = json.loads((ROOT / "tests/fixtures/chat_completion.json").read_text())
    recorded_sse = (ROOT / "tests/fixtures/chat_completion_stream.txt").read_bytes()
    transport = ScriptedTransport(
        httpx2.Response(200, json=recorded_json), httpx2.Response(200, content=recorded_sse, headers=SSE)
    )
    endpoint = Endpoint("openai", None, "gpt-4o-mini", SecretStr("sk-test"))
    llm = LLM(endpoint, timeout_s=5, http_client=httpx2.Client(transport=transport))
    assert llm.complete(ASK).text == "Paris"  # type: ignore[arg-type]
    assert "".join(llm.stream(ASK)) == "Paris"  # type: ignore[arg-type]
    request = transport.requests[0]
    assert str(request.url) == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert json.loads(request.content)["model"] == "gpt-4o-mini"
