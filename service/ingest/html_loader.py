"""Main text of an HTML page, without navigation and boilerplate (trafilatura)."""

from __future__ import annotations

import json

import trafilatura

from service.errors import IngestError
from service.ingest.model import Draft
from service.ingest.text_loaders import iso_date

_MIN_CHARS = 40


def load_html(html: str, source: str) -> Draft:
    try:
        raw = trafilatura.extract(
            html, output_format="json", with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on hostile markup
        raise IngestError(f"{source}: the HTML could not be parsed ({exc.__class__.__name__})") from None
    meta = json.loads(raw) if raw else {}
    text = meta.get("text") or ""
    if len(text.strip()) < _MIN_CHARS:
        raise IngestError(f"{source}: no article text found in the HTML")
    return Draft(
        text=text,
        source=source,
        title=meta.get("title"),
        published=iso_date(meta.get("date")),
        language=meta.get("language"),
    )
