"""The time a rewrite cannot go below: its output tokens at the model's own generation speed.

A ``GenerationMeter`` wraps each streamed reply and measures decoding only (first to last chunk: the
prompt's prefill and the retries are what the floor leaves out). A streamed chunk is one token on
llama.cpp's server and on OpenAI-compatible endpoints, so chunks count tokens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from service.text import words


@dataclass
class GenerationMeter:
    tokens: int = 0  # chunks decoded after each reply's first
    decode_s: float = 0.0
    generated_words: int = 0
    generated_tokens: int = 0

    def stream(self, chunks: Iterator[str]) -> Iterator[str]:
        first = last = 0.0
        count = 0
        text: list[str] = []
        for chunk in chunks:
            last = time.perf_counter()
            first = first or last
            count += 1
            text.append(chunk)
            yield chunk
        if count > 1:
            self.tokens += count - 1
            self.decode_s += last - first
        self.generated_tokens += count
        self.generated_words += len(words("".join(text)))

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.decode_s if self.decode_s > 0 else 0.0

    def floor_s(self, output: str) -> float:
        """Seconds to generate ``output`` once at this run's decoding speed (0 when nothing was generated)."""
        if not self.tokens_per_s or not self.generated_words:
            return 0.0
        tokens = len(words(output)) * self.generated_tokens / self.generated_words
        return tokens / self.tokens_per_s
