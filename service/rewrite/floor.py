"""The time a rewrite cannot go below: its output tokens at the model's own generation speed.

A ``GenerationMeter`` wraps each streamed reply and measures decoding only (first to last chunk: the
prompt's prefill and the retries are what the floor leaves out). A streamed chunk is one token on
llama.cpp's server and on OpenAI-compatible endpoints, so chunks count tokens.

When sentences are rewritten at once, replies are decoded together and each comes more slowly than one
decoded alone, so a speed read from them would lengthen the floor and flatter the time measured against it.
The meter therefore reads the speed only between chunks that arrive while nothing else of the rewrite is
under way (no other reply, no check: a check may read the judge on the same server), and the first reply
of a run is always decoded alone (``stream`` holds any other until it is done), so every run that calls
the model measures its single-stream speed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from service.text import words


@dataclass
class GenerationMeter:
    tokens: int = 0  # chunks decoded, each after a chunk of the same reply, while nothing else was under way
    decode_s: float = 0.0
    generated_words: int = 0
    generated_tokens: int = 0
    _active: int = 0  # replies being decoded and checks running
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _solo: threading.Event = field(default_factory=threading.Event, repr=False)  # set once a reply was read alone
    _started: bool = False

    def stream(self, chunks: Iterator[str]) -> Iterator[str]:
        with self._lock:
            first_reply = not self._started
            self._started = True
        if not first_reply:
            self._solo.wait()
        count = 0
        text: list[str] = []
        with self.busy():
            try:
                last = 0.0
                alone_before = False
                for chunk in chunks:
                    now = time.perf_counter()
                    with self._lock:
                        alone = self._active == 1
                        if count and alone and alone_before:
                            self.tokens += 1
                            self.decode_s += now - last
                    last, alone_before = now, alone
                    count += 1
                    text.append(chunk)
                    yield chunk
            finally:
                self._solo.set()
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()  # a reply left early stops at the server
        with self._lock:
            self.generated_tokens += count
            self.generated_words += len(words("".join(text)))

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Other work of the rewrite (a check) under way: replies decoded meanwhile do not set the speed."""
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.decode_s if self.decode_s > 0 else 0.0

    def floor_s(self, output: str) -> float:
        """Seconds to generate ``output`` once at this run's decoding speed (0 when nothing was generated)."""
        if not self.tokens_per_s or not self.generated_words:
            return 0.0
        tokens = len(words(output)) * self.generated_tokens / self.generated_words
        return tokens / self.tokens_per_s
