"""A source as the checker reads it: its sentences, their stems, numbers and vectors, computed once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.embeddings.base import Embedder
from service.text import (
    Span,
    acronyms,
    content_words,
    number_values,
    sentences,
    spelled_out,
    stem,
    words,
)
from service.units import magnitudes, unit_words


@dataclass
class Source:
    text: str
    spans: list[Span]
    stems: list[list[str]]  # content-word stems per sentence
    every: list[set[str]]  # every word stem per sentence, stopwords included
    window_words: list[set[str]]  # every word stem of sentences i-1..i+1
    all_stems: set[str]  # every word stem of the source
    numbers: list[set[str]]  # the numbers each sentence names, in digits ("two" and "2m" are both "2")
    all_numbers: set[str]
    vectors: np.ndarray
    acronyms: set[str]  # "UN", "IEA": a claim may spell them out


def index_source(source: str, embedder: Embedder) -> Source:
    spans = sentences(source)
    vectors = np.array(embedder.embed_documents([s.text for s in spans])) if spans else np.zeros((0, 1))
    tokens = [(t := words(s.text)) + spelled_out(t) + unit_words(t) for s in spans]  # "a decade" also names ten
    # (years); "5bn km" also says kilometres
    every = [{stem(w) for w in t} for t in tokens]
    every_word = words(source)
    numbers = [number_values(t) | magnitudes(s.text) for t, s in zip(tokens, spans, strict=True)]
    return Source(
        text=source,
        spans=spans,
        stems=[[stem(w) for w in content_words(s.text)] for s in spans],
        every=every,
        window_words=[set().union(*every[max(0, i - 1) : i + 2]) for i in range(len(every))],
        all_stems={stem(w) for w in every_word + spelled_out(every_word) + unit_words(every_word)},
        numbers=numbers,
        all_numbers=set().union(*numbers),
        vectors=vectors,
        acronyms=acronyms(source),
    )
