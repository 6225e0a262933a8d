"""What a suite returns: metrics, per-case results and (optionally) plots, all JSON-able."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

Progress = Callable[[int, int], None]


@dataclass
class CaseResult:
    id: str
    passed: bool
    fields: dict[str, Any] = field(default_factory=dict)  # shown in the report's case table
    highlights: list[str] = field(default_factory=list)  # words to mark as unsupported in the text field


@dataclass
class SuiteResult:
    name: str
    description: str
    metrics: dict[str, float]
    cases: list[CaseResult]
    seconds: float
    notes: list[str] = field(default_factory=list)
    plots: dict[str, bytes] = field(default_factory=dict)  # title -> PNG


class Suite(Protocol):
    name: str
    description: str

    def run(self, limit: int | None, progress: Progress) -> SuiteResult: ...
