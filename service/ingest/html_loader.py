"""Main text of an HTML page, without navigation and boilerplate (trafilatura)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import trafilatura

from service.errors import IngestError
from service.ingest.text_loaders import iso_date
from service.model import Draft

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
        text = plain_text(html)  # markup too deep or odd for trafilatura: fall back to the visible text
    if len(text.strip()) < _MIN_CHARS:
        raise IngestError(f"{source}: no article text found in the HTML")
    return Draft(
        text=text,
        source=source,
        title=meta.get("title"),
        published=iso_date(meta.get("date")),
        language=meta.get("language"),
    )


_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote"}


class _VisibleText(HTMLParser):
    """Text outside script/style/head, paragraphs at block elements; no tree is built, so depth costs nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
