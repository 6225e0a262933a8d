"""What a checked text claims: its sentences that say something, read without their citation markers."""

from __future__ import annotations

import re

from service.text import Span, content_words, sentences, words

_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


def claim_spans(text: str) -> list[Span]:
    """The text's claims: its sentences that hold a content word besides citation markers."""
    return [s for s in sentences(text) if content_words(without_citations(s.text))]


FRAGMENT_WORDS = 5  # an answer this short says nothing without its question


def in_context(question: str, claim: str) -> str:
    """A short answer joined to its question ("When will the bridge reopen: In May."), as one sentence that
    says something on its own (for the judge, and for comparing answers across passages); a longer answer
    stands on its own."""
    if len(words(claim)) > FRAGMENT_WORDS:
        return claim
    return f"{question.strip().rstrip('?').rstrip()}: {claim.strip()}"


def without_citations(claim: str) -> str:
    """The claim without its citation markers ("[1]", "[2, 3]")."""
    return _CITATION.sub("", claim)
