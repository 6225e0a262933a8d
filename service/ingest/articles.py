"""Building an Article from a Draft: canonical text, content-hash id, title and language."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from service.errors import IngestError
from service.ingest.language import guess_language
from service.model import Article, Draft, content_hash, normalize_text

ID_LENGTH = 16
_TITLE_MAX = 150


def build_article(draft: Draft, max_chars: int) -> Article:
    text = normalize_text(draft.text)
    if not text:
        raise IngestError(f"{draft.source}: the article text is empty")
    if len(text) > max_chars:
        raise IngestError(
            f"{draft.source}: {len(text):,} characters is over the {max_chars:,} limit (NEWSDESK_MAX_ARTICLE_CHARS)"
        )
    digest = content_hash(text)
    return Article(
        id=digest[:ID_LENGTH],
        title=_title(draft, text),
        source=draft.source,
        published=draft.published,
        language=(draft.language or guess_language(text))[:16],
        text=text,
        content_hash=digest,
    )


def _title(draft: Draft, text: str) -> str:
    if draft.title and draft.title.strip():
        return " ".join(draft.title.split())[:_TITLE_MAX]
    first = text.split("\n", 1)[0].strip()
    if 0 < len(first) <= 120 and not first.endswith((".", ",", ";", ":")):
        return first
    return _title_from_source(draft.source)


def _title_from_source(source: str) -> str:
    parts = urlsplit(source)
    name = PurePosixPath(parts.path).stem if parts.path else ""
    name = re.sub(r"[-_]+", " ", name).strip() or parts.hostname or "Untitled article"
    return name[:1].upper() + name[1:]
