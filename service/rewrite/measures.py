"""Readability, change and fact-coverage measures for a rewrite (no model involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

from service.text import proper_nouns, sentences, stem, words

_POSSESSIVE = re.compile(r"['’]s$")  # "Metz's" is the name Metz


@dataclass(frozen=True)
class Readability:
    grade: float  # Flesch-Kincaid grade level
    ease: float  # Flesch reading ease (higher is easier)
    words_per_sentence: float


def readability(text: str) -> Readability:
    spans = sentences(text)
    n_words = len(words(text))
    return Readability(
        grade=round(float(textstat.flesch_kincaid_grade(text)), 2),
        ease=round(float(textstat.flesch_reading_ease(text)), 2),
        words_per_sentence=round(n_words / max(1, len(spans)), 2),
    )


def facts(text: str) -> set[str]:
    """The checkable facts of a text: its numbers (digits, not "3d") and its names: capitalised words not
    starting a sentence, unless the text also writes them in lower case ("Brain" in a headline is the
    common word "brain" when the article says "the brain")."""
    tokens = [_POSSESSIVE.sub("", w) for w in words(text)]
    numbers = {w for w in tokens if re.fullmatch(r"\d[\d,.]*%?", w)}
    lowered = {w.replace("’", "'") for w in re.findall(r"(?<![\w'’])[a-z][\w'’-]*", text)}
    # apostrophes as words() writes them, so that "O’Mara" is kept by "O’Mara"
    names = {_POSSESSIVE.sub("", n.replace("’", "'")) for n in proper_nouns(text, sentence_initial=False)}
    return numbers | (names - lowered)


def fact_recall(source: str, rewrite: str) -> tuple[float, list[str]]:
    """Share of the source's numbers and names that the rewrite keeps, and the ones it dropped."""
    wanted = facts(source)
    kept_words = {stem(_POSSESSIVE.sub("", w)) for w in words(rewrite)}
    dropped = sorted(f for f in wanted if stem(f) not in kept_words)
    return (1.0 - len(dropped) / len(wanted)) if wanted else 1.0, dropped


def changed_share(source: str, rewrite: str, same: float = 0.8) -> float:
    """Share of the rewrite's sentences that are not near-copies (word Jaccard >= ``same``) of a source sentence."""
    source_sets = [set(words(s.text)) for s in sentences(source)]
    rewritten = [set(words(s.text)) for s in sentences(rewrite)]
    rewritten = [r for r in rewritten if r]
    if not rewritten:
        return 0.0
    copies = sum(1 for r in rewritten if any(len(r & s) / len(r | s) >= same for s in source_sets if s))
    return 1.0 - copies / len(rewritten)
