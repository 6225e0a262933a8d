"""Plain text, Markdown (with optional YAML front matter) and JSON/JSONL records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import yaml

from service.errors import IngestError
from service.model import Draft

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_TEXT_FIELDS = ("text", "content", "body")


def load_text(text: str, source: str) -> Draft:
    return Draft(text=text, source=source)


def load_markdown(text: str, source: str) -> Draft:
    match = _FRONT_MATTER.match(text)
    if not match:
        return Draft(text=text, source=source, title=_markdown_heading(text))
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"{source}: the front matter is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise IngestError(f"{source}: the front matter must be a YAML mapping")
    body = text[match.end() :]
    return Draft(
        text=body,
        source=_url_or(meta.get("source") or meta.get("url"), source),
        title=_str_or_none(meta.get("title")) or _markdown_heading(body),
        published=iso_date(meta.get("date") or meta.get("published")),
        language=_str_or_none(meta.get("language")),
    )


def load_records(text: str, source: str, jsonl: bool) -> Iterator[Draft | IngestError]:
    """Yield one Draft per record with a text field; bad records come out as IngestError values."""
    records: list[tuple[str, Any]]
    if jsonl:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                records.append((f"line {number}", IngestError(f"{source} line {number}: not JSON ({exc.msg})")))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        items = data if isinstance(data, list) else [data]
        records = [(f"record {i}", item) for i, item in enumerate(items, start=1)]
    if not records:
        raise IngestError(f"{source}: no records found")
    for where, record in records:
        if isinstance(record, IngestError):
            yield record
            continue
        yield _record_to_draft(record, f"{source}#{where.split()[-1]}", f"{source} {where}")


def _record_to_draft(record: Any, source: str, where: str) -> Draft | IngestError:
    if not isinstance(record, dict):
        return IngestError(f"{where}: expected an object with a 'text' field")
    body = next((record[f] for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if body is None or not body.strip():
        return IngestError(f"{where}: no non-empty 'text' field")
    record_source = record.get("url") or record.get("source")
    if record.get("id") is not None and not record_source:
        record_source = f"{source.rsplit('#', 1)[0]}#{record['id']}"
    return Draft(
        text=body,
        source=str(record_source or source),
        title=_str_or_none(record.get("title")),
        published=iso_date(record.get("published") or record.get("date")),
        language=_str_or_none(record.get("language")),
    )


def iso_date(value: Any) -> str | None:
    """A date as YYYY-MM-DD when it can be read, else None."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        head = value.strip()[:10]
        try:
            return date.fromisoformat(head).isoformat()
        except ValueError:
            return None
    return None


def _url_or(value: Any, default: str) -> str:
    """A front-matter source replaces the path only when it is a URL (it identifies the article)."""
    return value.strip() if isinstance(value, str) and value.strip().startswith(("http://", "https://")) else default


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _markdown_heading(text: str) -> str | None:
    for line in text.splitlines()[:5]:
        if line.startswith("# "):
            return line[2:].strip() or None
    return None
