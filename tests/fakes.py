"""Test doubles for newsdesk's own logic. Each has a real twin exercised in tests/integration."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Hashed bag-of-words vectors: texts sharing words are close. Counts its calls."""

    def __init__(self, dim: int = 64, model_id: str = "fake-bow") -> None:
        self.dim = dim
        self._model_id = model_id
        self.calls = 0
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        return self._model_id

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def _one(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]


class FakeVerifier:
    """Scripted P(supported): the first listed phrase that the claim contains decides it (else ``default``).
    Records every (premise, claim) pair it was shown and how many calls were made."""

    model_id = "fake-verifier"

    def __init__(self, script: dict[str, float] | None = None, default: float = 0.5) -> None:
        self.script = script or {}
        self.default = default
        self.pairs: list[tuple[str, str]] = []
        self.calls = 0

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.calls += 1
        self.pairs += pairs
        return [next((p for phrase, p in self.script.items() if phrase in claim), self.default) for _, claim in pairs]


class ScriptedLLM:
    """Stands in for LLM.first_token_choices: replies in order (an exception is raised), records the prompts."""

    def __init__(self, *replies: tuple[str, dict[str, float]] | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[Any] = []

    def first_token_choices(self, messages: Any, top: int = 10) -> tuple[str, dict[str, float]]:
        self.prompts.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def yes(p: float) -> tuple[str, dict[str, float]]:
    return ("yes" if p >= 0.5 else "no"), {"yes": p, "no": 1 - p}
