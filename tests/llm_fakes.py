"""A queue of scripted HTTP answers for the openai client (a fake transport; the real twin is the
embedded llama.cpp server in tests/integration/test_llm_local.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx2

from service.llm.client import LLM
from service.llm.endpoint import Endpoint
from service.prompts import Message


def sse(*pieces: str, finish: bool = True) -> bytes:
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    if finish:
        events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    base = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m"}
    lines = [f"data: {json.dumps({**base, **e})}\n\n" for e in events] + ["data: [DONE]\n\n"]
    return "".join(lines).encode()


def completion(text: str) -> dict[str, object]:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


class BrokenStream(httpx2.SyncByteStream):
    """Sends some pieces, then the connection dies."""

    def __init__(self, first: bytes) -> None:
        self._first = first

    def __iter__(self) -> Iterator[bytes]:
        yield self._first
        raise httpx2.RemoteProtocolError("peer closed connection")


class ScriptedTransport(httpx2.BaseTransport):
    """Answers each request with the next scripted item: a Response, or an exception to raise."""

    def __init__(self, *script: httpx2.Response | Exception) -> None:
        self.script = list(script)
        self.requests: list[httpx2.Request] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def make_llm(transport: httpx2.BaseTransport, **options: object) -> tuple[LLM, list[float]]:
    sleeps: list[float] = []
    endpoint = Endpoint("compatible", "http://llm.test/v1", "m", None)
    llm = LLM(
        endpoint,
        timeout_s=float(options.pop("timeout_s", 5.0)),  # type: ignore[arg-type]
        http_client=httpx2.Client(transport=transport),
        sleep=sleeps.append,
        **options,  # type: ignore[arg-type]
    )
    return llm, sleeps


class RecordingChat:
    """A LangChain chat model that replays queued replies and records the prompts it was sent.

    Its real twin is ChatOpenAI on the embedded server (tests/integration/test_qa_real.py).
    """

    def __init__(self, replies: list[str]) -> None:
        from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
        from langchain_core.messages import AIMessage

        recorded: list[list[Any]] = []
        self.prompts = recorded

        class _Model(GenericFakeChatModel):
            def _stream(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
                recorded.append(list(messages))
                return super()._stream(messages, stop, run_manager, **kwargs)

        self.model = _Model(messages=iter([AIMessage(r) for r in replies]))


class FakeLLM:
    """Stands in for service.llm.client.LLM: one queue of replies for the Q&A chain (LangChain) and for
    ``stream`` (the rewrite). Its real twins: tests/integration/test_qa_real.py and test_rewrite_real.py."""

    def __init__(self, replies: list[str]) -> None:
        self.chat = RecordingChat(replies)
        self.samples: list[Any] = []  # the sampling of each ``stream`` call (None: the configured temperature)
        self.endpoint = Endpoint("local", "http://fake/v1", "fake", None)
        self.timeout_s = 5.0

    @property
    def prompts(self) -> list[list[Any]]:
        return self.chat.prompts

    def langchain_model(self, **_: Any) -> Any:
        return self.chat.model

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None, sample: Any = None) -> Iterator[str]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        self.samples.append(sample)
        self.chat.prompts.append(
            [
                {"system": SystemMessage, "assistant": AIMessage}.get(m["role"], HumanMessage)(m["content"])
                for m in messages
            ]
        )
        reply = next(self.chat.model.messages)
        yield str(reply.content)
