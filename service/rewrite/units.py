"""An article as rewrite units: one sentence each, with its character span in the article and its
paragraph, and the units that need no model at all (the publisher's promotion, a repeated sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from service.rewrite.promotion import is_promotion
from service.text import STOPWORDS, sentences, words

REPEAT_JACCARD = 0.8  # word overlap at which a sentence restates an earlier one


@dataclass(frozen=True)
class Unit:
    index: int
    paragraph: int
    start: int  # character offsets in the article text
    end: int
    text: str
    skip: Literal["", "promotion", "repeat"] = ""  # why no rewrite is needed ("" to rewrite)


def split_units(text: str, drop_repeats: bool = True) -> list[Unit]:
    """Every sentence of ``text`` in order; paragraphs are the article's lines. Offsets index ``text``."""
    units: list[Unit] = []
    seen: list[set[str]] = []
    paragraph = -1
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        paragraph += 1
        for span in sentences(line.group()):
            own = set(words(span.text))
            skip: Literal["", "promotion", "repeat"] = ""
            if is_promotion(span.text):
                skip = "promotion"
            elif drop_repeats and own and any(repeats(own, earlier) for earlier in seen):
                skip = "repeat"
            seen.append(own)
            start = line.start() + span.start
            units.append(Unit(len(units), paragraph, start, start + len(span.text), span.text, skip))
    return units


def repeats(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= REPEAT_JACCARD


def restates(sentence: set[str], earlier: set[str], min_words: int = 4) -> bool:
    """Whether an output sentence says again what an earlier sentence said: at least ``REPEAT_JACCARD``
    of its content words (and at least ``min_words`` of them) occur in that one sentence."""
    own = sentence - STOPWORDS
    return len(own) >= min_words and len(own & earlier) / len(own) >= REPEAT_JACCARD


def join_units(outputs: list[tuple[int, str]]) -> str:
    """(paragraph, text) pairs in order as paragraphs separated by blank lines."""
    paragraphs: dict[int, list[str]] = {}
    for paragraph, piece in outputs:
        if piece.strip():
            paragraphs.setdefault(paragraph, []).append(piece.strip())
    return "\n\n".join(" ".join(parts) for parts in paragraphs.values())
