"""Cut each retrieved passage down to the sentences that bear on the question.

On the CPU model every prompt token costs time to first token, and most of a 700-character chunk is
not about the question. The excerpt is a contiguous run of whole sentences around the best-matching
one, so it is still an exact span of the article (citations keep exact offsets).
"""

from __future__ import annotations

import dataclasses

from service.model import Chunk
from service.qa.retriever import Passage
from service.text import content_words, sentences, stem, words, zipf


@dataclasses.dataclass(frozen=True)
class Query:
    weights: dict[str, float]


def query_for(question: str, earlier: str = "") -> Query:
    """The question's words (rarer ones count more; an earlier question's words half)."""
    return Query({s: w / 2 for s, w in _weights(earlier).items()} | _weights(question))


def focus(passages: list[Passage], question: str, budget: int, earlier: str = "") -> list[Passage]:
    """Each passage cut to at most ``budget`` characters (0 = whole passages). The words of an
    earlier question (a follow-up's context) count half."""
    if budget <= 0:
        return passages
    query = query_for(question, earlier)
    return [dataclasses.replace(p, chunk=excerpt(p.chunk, query, budget)) for p in passages]


def excerpt(chunk: Chunk, query: Query, budget: int) -> Chunk:
    """The best sentence of the chunk and its neighbours (following ones first), within ``budget``."""
    spans = sentences(chunk.text)
    if len(chunk.text) <= budget or not spans:
        return chunk
    scores = [_score(s.text, query) for s in spans]
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


def _score(sentence: str, query: Query) -> float:
    present = {stem(w) for w in words(sentence)}
    return sum(weight for s, weight in query.weights.items() if s in present)


def ranked(passages: list[Passage], question: str) -> list[Passage]:
    """The passages ordered by their sentence that matches the question best; those sharing no
    word with it are left out."""
    query = query_for(question)
    scored = [
        (max((_score(s.text, query) for s in sentences(p.chunk.text)), default=0.0), i) for i, p in enumerate(passages)
    ]
    return [passages[i] for score, i in sorted(scored, key=lambda pair: (-pair[0], pair[1])) if score > 0]
