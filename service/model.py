"""Articles and chunks as newsdesk stores them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 and C1 (\x9b is an 8-bit terminal escape)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # terminal colour codes pasted from a console
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff]")  # zero-width spaces and stray byte-order marks
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """The canonical text every offset refers to: NFC, \\n newlines, no control characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", _ANSI.sub("", text)))
    text = _TRAILING_SPACE.sub("\n", text)
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Draft:
    """What a loader found: text and whatever metadata the source gave."""

    text: str
    source: str
    title: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    published: str | None
    language: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: ``article.text[start:end] == text`` always holds."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    title: str


@dataclass
class ArticleInfo:
    """An article as listed from the index (the text is loaded only when asked for)."""

    id: str
    title: str
    source: str
    published: str | None
    language: str
    chunks: int
    chars: int
    ingested_at: str
    chunking: str = ""
    text: str | None = field(default=None, repr=False)
