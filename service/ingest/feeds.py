"""RSS and Atom feeds: each entry's article is fetched; bad entries are skipped with a warning."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import feedparser

from service.errors import IngestError
from service.ingest.html_loader import load_html
from service.ingest.text_loaders import iso_date
from service.model import Draft

_MIN_ENTRY_TEXT = 200


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    if any(kind in content_type for kind in ("rss", "atom")):
        return True
    head = body[:2048].lstrip().lower()
    return (head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head)) or head.startswith((b"<rss", b"<feed"))


def load_feed(
    body: bytes, source: str, fetch_article: Callable[[str], Draft], max_entries: int
) -> Iterator[Draft | IngestError]:
    """Yield a Draft per usable entry, an IngestError per unusable one."""
    parsed = feedparser.parse(body)
    entries = list(parsed.entries)
    if not entries:
        raise IngestError(f"{source}: no entries found in the feed")
    if len(entries) > max_entries:
        yield IngestError(f"{source}: the feed has {len(entries)} entries; only the first {max_entries} are read")
        entries = entries[:max_entries]
    for number, entry in enumerate(entries, start=1):
        yield _entry(entry, number, source, fetch_article)


def _entry(
    entry: feedparser.FeedParserDict, number: int, source: str, fetch_article: Callable[[str], Draft]
) -> Draft | IngestError:
    link = str(entry.get("link") or "")
    title = str(entry.get("title") or "") or None
    published = iso_date(entry.get("published") or entry.get("updated"))
    problem = f"{source} entry {number}: no link"
    if link:
        try:
            draft = fetch_article(link)
            return Draft(draft.text, draft.source, draft.title or title, draft.published or published, draft.language)
        except IngestError as exc:
            problem = str(exc)
    inline = _inline_text(entry)
    if len(inline) >= _MIN_ENTRY_TEXT:
        return Draft(inline, link or f"{source}#{number}", title, published)
    return IngestError(f"skipped feed entry {number}: {problem}")


def _inline_text(entry: feedparser.FeedParserDict) -> str:
    parts = entry.get("content") or []
    html = " ".join(str(p.get("value", "")) for p in parts) or str(entry.get("summary") or "")
    if not html.strip():
        return ""
    try:
        return load_html(f"<html><body><article>{html}</article></body></html>", "entry").text
    except IngestError:
        return ""
