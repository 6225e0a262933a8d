"""Embeddings from OpenAI or any OpenAI-compatible /v1/embeddings endpoint."""

from __future__ import annotations

import math
from collections.abc import Sequence

import openai

from service.errors import LLMUnavailable


class OpenAIEmbedder:
    def __init__(self, client: openai.OpenAI, model: str, batch_size: int = 64) -> None:
        self._client = client
        self._model = model
        self._batch_size = batch_size

    @property
    def model_id(self) -> str:
        return f"openai:{self._model}"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for begin in range(0, len(texts), self._batch_size):
            batch = list(texts[begin : begin + self._batch_size])
            try:
                response = self._client.embeddings.create(model=self._model, input=batch)
            except openai.APIError as exc:
                raise LLMUnavailable(f"the embeddings endpoint failed: {exc.__class__.__name__}") from None
            vectors.extend(_unit(item.embedding) for item in sorted(response.data, key=lambda d: d.index))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]
