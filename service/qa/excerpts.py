"""Cut each retrieved passage down to the sentences that bear on the question.

On the CPU model every prompt token costs time to first token, and most of a 700-character chunk is
not about the question. The excerpt is a contiguous run of whole sentences around the best-matching
one, so it is still an exact span of the article (citations keep exact offsets).
"""

from __future__ import annotations

import dataclasses

from service.fidelity.text import content_words, is_number, sentences, stem, words, zipf
from service.ingest.model import Chunk
from service.qa.retriever import Passage

_NUMERIC_QUESTION = ("how much", "how many", "how long", "how old", "how far", "when", "what year", "what percentage")


def focus(passages: list[Passage], question: str, budget: int, earlier: str = "") -> list[Passage]:
    """Each passage cut to at most ``budget`` characters (0 = whole passages). The words of an
    earlier question (a follow-up's context) count half."""
    if budget <= 0:
        return passages
    weights = {s: w / 2 for s, w in _weights(earlier).items()} | _weights(question)
    wants_number = any(cue in question.lower() for cue in _NUMERIC_QUESTION)
    return [dataclasses.replace(p, chunk=excerpt(p.chunk, weights, budget, wants_number)) for p in passages]


def excerpt(chunk: Chunk, weights: dict[str, float], budget: int, wants_number: bool = False) -> Chunk:
    """The best sentence of the chunk and its neighbours (following ones first), within ``budget``."""
    spans = sentences(chunk.text)
    if len(chunk.text) <= budget or not spans:
        return chunk
    scores = [_score(s.text, weights, wants_number) for s in spans]
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    first = last = best
    while True:
        grown = False
        for candidate in (last + 1, first - 1):
            if 0 <= candidate < len(spans):
                lo, hi = min(first, candidate), max(last, candidate)
                if spans[hi].end - spans[lo].start <= budget:
                    first, last, grown = lo, hi, True
        if not grown:
            break
    start, end = spans[first].start, spans[last].end  # one sentence over the budget is kept whole
    return dataclasses.replace(chunk, start=chunk.start + start, end=chunk.start + end, text=chunk.text[start:end])


def _weights(query: str) -> dict[str, float]:
    """Rarer question words count more ("Fedus" over "team")."""
    return {stem(w): max(1.0, 7.0 - zipf(w)) for w in content_words(query)}


def _score(sentence: str, weights: dict[str, float], wants_number: bool) -> float:
    present = {stem(w) for w in words(sentence)}
    score = sum(weight for s, weight in weights.items() if s in present)
    if wants_number and any(is_number(w) for w in words(sentence)):
        score += 2.0
    return score


def best_passage(passages: list[Passage], question: str) -> Passage | None:
    """The passage holding the sentence that matches the question best (None when none shares a word)."""
    weights = _weights(question)
    wants_number = any(cue in question.lower() for cue in _NUMERIC_QUESTION)
    best, best_score = None, 0.0
    for passage in passages:
        score = max((_score(s.text, weights, wants_number) for s in sentences(passage.chunk.text)), default=0.0)
        if score > best_score:
            best, best_score = passage, score
    return best
