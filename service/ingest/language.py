"""A deliberately small language guess: English or 'und' (undetermined)."""

import re

_WORD = re.compile(r"[a-z']+")
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "is",
        "that",
        "for",
        "it",
        "was",
        "on",
        "with",
        "as",
        "he",
        "she",
        "by",
        "at",
        "from",
        "his",
        "her",
        "are",
        "be",
        "this",
        "have",
        "has",
        "had",
        "not",
        "but",
        "they",
        "which",
        "or",
        "an",
        "were",
        "been",
        "their",
        "said",
        "will",
        "would",
        "who",
        "its",
    ]
)


def guess_language(text: str) -> str:
    words = _WORD.findall(text[:5000].lower())
    if len(words) < 20:
        return "und"
    share = sum(w in _ENGLISH for w in words) / len(words)
    return "en" if share >= 0.15 else "und"
