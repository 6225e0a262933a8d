"""A quick health probe of the configured LLM: does it answer, and how fast."""

from __future__ import annotations

import time
from dataclasses import dataclass

from service.errors import LLMUnavailable
from service.llm.client import LLM
from service.prompts import Message

PROBE: list[Message] = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Count from one to ten in words, separated by spaces."},
]


@dataclass(frozen=True)
class Status:
    kind: str
    model: str
    endpoint: str
    answers: bool
    detail: str
    first_token_s: float | None = None
    tokens_per_s: float | None = None


def probe(llm: LLM) -> Status:
    """Stream a tiny answer; time the first piece and count pieces (about one token each)."""
    endpoint = llm.endpoint
    where = endpoint.base_url or "https://api.openai.com/v1"
    started = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    try:
        for piece in llm.stream(PROBE, max_tokens=24):
            if first is None:
                first = time.perf_counter()
            pieces.append(piece)
    except LLMUnavailable as exc:
        return Status(endpoint.kind, endpoint.model, where, False, str(exc))
    ended = time.perf_counter()
    text = "".join(pieces).strip()[:80]
    if first is None:
        return Status(endpoint.kind, endpoint.model, where, True, text)
    rate = (len(pieces) - 1) / (ended - first) if len(pieces) > 1 and ended > first else None
    return Status(endpoint.kind, endpoint.model, where, True, text, first - started, rate)
