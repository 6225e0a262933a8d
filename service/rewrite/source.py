"""What to rewrite: a file (any format newsdesk reads) or pasted text, as (title, normalised text)."""

from __future__ import annotations

from pathlib import Path

from service.errors import InvalidInput
from service.ingest.articles import build_article
from service.ingest.sources import DraftReader, Source
from service.model import Draft


def from_file(reader: DraftReader, path: Path, max_chars: int) -> tuple[str, str]:
    drafts = [d for d in reader.read(Source(str(path.resolve()), is_url=False)) if not isinstance(d, Exception)]
    if not drafts:
        raise InvalidInput(f"{path.name}: no article text found")
    article = build_article(drafts[0], max_chars)
    return article.title, article.text


def from_text(text: str, max_chars: int) -> tuple[str, str]:
    if not text.strip():
        raise InvalidInput("there is no text to rewrite")
    article = build_article(Draft(text=text, source="pasted text"), max_chars)
    return article.title, article.text
