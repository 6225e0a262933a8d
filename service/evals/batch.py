"""Batch check: many (source, text) pairs from a JSONL file through one checker (one model load).

Each line is an object with the generated ``text`` and its source, given one of three ways:
``source`` (the text inline), ``source_file`` (a path, relative to the pairs file) or ``article`` (the id or
an id prefix of an ingested article). An optional ``id`` names the line in the output (default: its number).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import InvalidInput, NewsdeskError
from service.fidelity.checker import FidelityChecker
from service.serialize import fidelity_dict

SOURCE_KEYS = ("source", "source_file", "article")


@dataclass
class BatchSummary:
    pairs: int = 0
    supported: int = 0
    unsupported: int = 0
    errors: int = 0
    claims: int = 0
    unsupported_claims: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def unsupported_share(self) -> float:
        checked = self.supported + self.unsupported
        return self.unsupported / checked if checked else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs, "supported": self.supported, "unsupported": self.unsupported,
            "errors": self.errors, "unsupported_share": round(self.unsupported_share, 4), "claims": self.claims,
            "unsupported_claims": self.unsupported_claims, "unsupported_ids": self.failed_ids,
        }  # fmt: skip


def read_pairs(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    if not any(line.strip() for line in lines):
        raise InvalidInput(f"{path}: no pairs (one JSON object per line, with 'text' and a source)")
    return lines


def check_batch(
    lines: list[str],
    base: Path,
    checker: FidelityChecker,
    article_text: Callable[[str], str],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """One result object per non-blank line, in order: the verdict with claims and evidence, or an error."""
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    for done, (number, line) in enumerate(numbered, start=1):
        row_id = str(number)
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise InvalidInput("the line is not a JSON object")
            row_id = str(row.get("id", number))
            source, text = _source(row, base, article_text), row.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InvalidInput("'text' is missing or empty")
            yield {"id": row_id, "line": number, **fidelity_dict(checker.check(source, text))}
        except json.JSONDecodeError as exc:
            yield {"id": row_id, "line": number, "error": f"line {number} is not JSON ({exc.msg})"}
        except NewsdeskError as exc:
            yield {"id": row_id, "line": number, "error": f"line {number}: {exc}"}
        if progress is not None:
            progress(done, len(numbered))


def summarise(results: list[dict[str, Any]]) -> BatchSummary:
    summary = BatchSummary(pairs=len(results))
    for r in results:
        if "error" in r:
            summary.errors += 1
            continue
        summary.claims += len(r["claims"])
        summary.unsupported_claims += sum(not c["supported"] for c in r["claims"])
        if r["supported"]:
            summary.supported += 1
        else:
            summary.unsupported += 1
            summary.failed_ids.append(r["id"])
    return summary


def _source(row: dict[str, Any], base: Path, article_text: Callable[[str], str]) -> str:
    given = [k for k in SOURCE_KEYS if row.get(k)]
    if len(given) != 1:
        raise InvalidInput(f"give exactly one of {', '.join(SOURCE_KEYS)} (found {len(given) or 'none'})")
    key, value = given[0], row[given[0]]
    if not isinstance(value, str):
        raise InvalidInput(f"'{key}' must be a string")
    if key == "source":
        return value
    if key == "article":
        return article_text(value)
    path = (base / value).resolve()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the source file {value}: {exc}") from None
