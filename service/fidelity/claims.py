"""What a checked text claims: its sentences that say something, read without their citation markers."""

from __future__ import annotations

import re

from service.text import Span, content_words, sentences

_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


def claim_spans(text: str) -> list[Span]:
    """The text's claims: its sentences that hold a content word besides citation markers."""
    return [s for s in sentences(text) if content_words(without_citations(s.text))]


def without_citations(claim: str) -> str:
    """The claim without its citation markers ("[1]", "[2, 3]")."""
    return _CITATION.sub("", claim)
