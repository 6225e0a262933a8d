"""Helpers for the event streams that Q&A and rewrites yield (text pieces, then a final result)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def final(events: Iterable[object], kind: type[T]) -> T:
    """Consume the stream and return its last event of ``kind`` (the result)."""
    result: T | None = None
    for event in events:
        if isinstance(event, kind):
            result = event
    if result is None:
        raise RuntimeError(f"the stream ended without a {kind.__name__}")
    return result
