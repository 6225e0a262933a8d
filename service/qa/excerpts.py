"""Cut each retrieved passage down to the sentences that bear on the question.

On the CPU model every prompt token costs time to first token, and most of a 700-character chunk is
not about the question. The excerpt is a contiguous run of whole sentences around the best-matching
one, so it is still an exact span of the article (citations keep exact offsets).
"""

from __future__ import annotations

import dataclasses

from service.model import Chunk
from service.qa.retriever import Passage
from service.text import content_words, is_number, proper_nouns, sentences, stem, words, zipf

_NUMBER_CUES = ("how much", "how many", "how long", "how old", "how far", "when", "what year", "what percentage")
_NAME_CUES = ("who", "whom", "whose", "which")
_ANSWER_BONUS = 3.0  # a sentence holding the kind of thing asked for (a number, a name not in the question)


@dataclasses.dataclass(frozen=True)
class Query:
    weights: dict[str, float]
    wants_number: bool
    wants_name: bool
    asked_names: frozenset[str]


def query_for(question: str, earlier: str = "", cues: bool = True) -> Query:
    """The question's words (rarer ones count more; an earlier question's words half) and, with ``cues``
    (``QAPolicy.answer_cues``), the kind of answer it asks for."""
    weights = {s: w / 2 for s, w in _weights(earlier).items()} | _weights(question)
    lowered = question.lower()
    return Query(
        weights,
        wants_number=cues and any(cue in lowered for cue in _NUMBER_CUES),
        wants_name=cues and bool(set(words(lowered)[:3]) & set(_NAME_CUES)),
        asked_names=frozenset(words(question) + words(earlier)),
    )


def focus(passages: list[Passage], question: str, budget: int, earlier: str = "", cues: bool = True) -> list[Passage]:
    """Each passage cut to at most ``budget`` characters (0 = whole passages). The words of an
    earlier question (a follow-up's context) count half."""
    if budget <= 0:
        return passages
    query = query_for(question, earlier, cues)
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
    said = words(sentence)
    present = {stem(w) for w in said}
    score = sum(weight for s, weight in query.weights.items() if s in present)
    if query.wants_number and any(is_number(w) for w in said):
        score += _ANSWER_BONUS
    if query.wants_name and proper_nouns(sentence, sentence_initial=False) - query.asked_names:
        score += _ANSWER_BONUS
    return score


def ranked(passages: list[Passage], question: str, cues: bool = True) -> list[Passage]:
    """The passages ordered by their sentence that matches the question best; those sharing no
    word with it are left out."""
    query = query_for(question, cues=cues)
    scored = [
        (max((_score(s.text, query) for s in sentences(p.chunk.text)), default=0.0), i) for i, p in enumerate(passages)
    ]
    return [passages[i] for score, i in sorted(scored, key=lambda pair: (-pair[0], pair[1])) if score > 0]
