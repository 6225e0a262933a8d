"""Claim-level fidelity: each sentence of a generated text is checked against its source.

Signals per claim (all computed offline on CPU):
- order: the share of the claim's content words that one source sentence holds in the same order
  (token LCS); catches swapped roles and relations that bag-of-words overlap misses;
- coverage: the share found in any order within three adjacent sentences (forgives a passive
  sentence turned active, or a claim that joins two sentences);
- similarity: best cosine between the claim and a source sentence (the bundled MiniLM);
- rare novel words: names, rare words and numbers of the claim that the source never uses.
They combine into a score in [0, 1] (constants in ``calibration.py``). Two rules override it,
because news readers are hurt most by them: a number the source does not contain, and a negation
that the best-matching source sentence does not share (or the reverse).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from service.embeddings.base import Embedder
from service.fidelity.calibration import DEFAULT, RARE_ZIPF, Calibration
from service.fidelity.text import (
    Span,
    content_words,
    is_number,
    negation_scopes,
    proper_nouns,
    sentences,
    stem,
    words,
    zipf,
)

_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_CACHE_SIZE = 16


@dataclass(frozen=True)
class ClaimVerdict:
    text: str
    start: int  # offsets into the checked text
    end: int
    supported: bool
    score: float
    evidence: list[Span]  # source sentences that best support the claim
    unsupported_words: list[str]  # claim words the source (or the evidence) does not contain
    reason: str
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FidelityReport:
    claims: list[ClaimVerdict]
    score: float  # the weakest claim's score (1.0 when nothing is claimed)
    supported: bool

    @property
    def unsupported(self) -> list[ClaimVerdict]:
        return [c for c in self.claims if not c.supported]

    @classmethod
    def of(cls, verdicts: list[ClaimVerdict]) -> FidelityReport:
        return cls(verdicts, min((v.score for v in verdicts), default=1.0), all(v.supported for v in verdicts))


@dataclass
class _Source:
    spans: list[Span]
    stems: list[list[str]]  # content-word stems per sentence
    window_words: list[set[str]]  # every word stem of sentences i-1..i+1, for the name and number checks
    all_stems: set[str]  # every word stem of the source, stopwords included
    vectors: np.ndarray


class FidelityChecker:
    def __init__(self, embedder: Embedder, calibration: Calibration = DEFAULT) -> None:
        self._embedder = embedder
        self.calibration = calibration
        self._sources: OrderedDict[str, _Source] = OrderedDict()

    def check(self, source: str, text: str) -> FidelityReport:
        src = self._index(source)
        claims = [s for s in sentences(text) if content_words(_CITATION.sub("", s.text))]
        vectors = np.array(self._embedder.embed_documents([_CITATION.sub("", c.text) for c in claims]))
        return FidelityReport.of([self._verdict(src, c, v) for c, v in zip(claims, vectors, strict=True)])

    def check_each(self, sources: Sequence[str], text: str) -> FidelityReport:
        """Each claim against separate sources (retrieved passages), keeping its best verdict. Unlike
        checking their concatenation, no sentence window spans two passages, so a name from one and a
        number from another do not make a claim supported."""
        reports = [self.check(source, text) for source in sources] or [self.check("", text)]
        per_claim = zip(*(r.claims for r in reports), strict=True)
        return FidelityReport.of([max(options, key=lambda v: (v.supported, v.score)) for options in per_claim])

    def features(self, source: str, claim: str) -> dict[str, float]:
        """The raw signals for one claim (used by calibration)."""
        src = self._index(source)
        vector = np.array(self._embedder.embed_documents([claim]))[0]
        return self._signals(src, claim, vector)[0]

    def _verdict(self, src: _Source, claim: Span, vector: np.ndarray) -> ClaimVerdict:
        signals, best = self._signals(src, _CITATION.sub("", claim.text), vector)
        cal = self.calibration
        logit = (
            cal.w_order * signals["order"]
            + cal.w_coverage * signals["coverage"]
            + cal.w_similarity * signals["similarity"]
            - cal.w_rare_novel * signals["rare_novel"]
            + cal.bias
        )
        score = 1.0 / (1.0 + math.exp(-logit))
        claim_words = words(_CITATION.sub("", claim.text))
        novel = _unique(w for w in claim_words if stem(w) not in src.all_stems and w not in _IGNORED)
        names = proper_nouns(claim.text)
        novel_numbers = [w for w in novel if is_number(w)]
        novel_names = [w for w in novel if w in names]
        window = src.window_words[best] if src.spans else set()
        misplaced = _unique(
            w
            for w in content_words(claim.text)
            if (_name_like(w) or w in names or is_number(w)) and stem(w) in src.all_stems - window
        )
        evidence_text = " ".join(s.text for s in src.spans[max(0, best - 1) : best + 2])
        negation_clash = bool(src.spans) and _negation_clash(claim_words, words(evidence_text))
        supported = score >= cal.threshold and not (novel_numbers or novel_names or misplaced or negation_clash)
        if novel_numbers or novel_names:
            reason = f"not in the source: {', '.join(novel_numbers + novel_names)}"
        elif misplaced:
            reason = f"the source does not connect {', '.join(misplaced)} with this"
            novel = misplaced + novel
        elif negation_clash:
            reason = "negation differs from the closest source sentence"
        elif not supported:
            reason = "not found in the source" if novel else "the source does not say this in this way"
        else:
            reason = "supported"
        evidence = [src.spans[best]] if src.spans else []
        if not supported and not novel and evidence:
            novel = _unique(w for w in content_words(claim.text) if stem(w) not in window and not is_number(w))
        novel = [] if supported else sorted(novel, key=lambda w: (not is_number(w), zipf(w)))
        return ClaimVerdict(
            claim.text, claim.start, claim.end, supported, round(score, 4), evidence, novel, reason, signals
        )

    def _signals(self, src: _Source, claim: str, vector: np.ndarray) -> tuple[dict[str, float], int]:
        stems = [stem(w) for w in content_words(claim)]
        order, best = 0.0, 0
        for index, sentence in enumerate(src.stems):
            share = _lcs(stems, sentence) / len(stems) if stems else 1.0
            if share > order:
                order, best = share, index
        coverage = max(
            (sum(s in window for s in stems) / len(stems) if stems else 1.0 for window in src.window_words),
            default=0.0,
        )
        similarity = float((src.vectors @ vector).max()) if len(src.vectors) else 0.0
        if order == 0.0 and len(src.vectors):
            best = int((src.vectors @ vector).argmax())
        rare = sum(
            1
            for w in content_words(claim)
            if stem(w) not in src.all_stems and (is_number(w) or zipf(w) < RARE_ZIPF) and w not in _IGNORED
        )
        return {"order": order, "coverage": coverage, "similarity": similarity, "rare_novel": float(rare)}, best

    def _index(self, source: str) -> _Source:
        cached = self._sources.get(source)
        if cached is not None:
            self._sources.move_to_end(source)
            return cached
        spans = sentences(source)
        vectors = np.array(self._embedder.embed_documents([s.text for s in spans])) if spans else np.zeros((0, 1))
        stems = [[stem(w) for w in content_words(s.text)] for s in spans]
        every = [{stem(w) for w in words(s.text)} for s in spans]
        indexed = _Source(
            spans=spans,
            stems=stems,
            window_words=[set().union(*every[max(0, i - 1) : i + 2]) for i in range(len(every))],
            all_stems={stem(w) for w in words(source)},
            vectors=vectors,
        )
        self._sources[source] = indexed
        if len(self._sources) > _CACHE_SIZE:
            self._sources.popitem(last=False)
        return indexed


_IGNORED = frozenset({"unk"})


def _negation_clash(claim: list[str], source: list[str]) -> bool:
    """The claim negates a word the source sentence affirms, or affirms one the source negates."""
    claim_scopes, source_scopes = negation_scopes(claim), negation_scopes(source)
    claim_stems = {stem(t) for t in claim}
    added = claim_scopes - source_scopes
    dropped = {s for s in source_scopes - claim_scopes if s in claim_stems}
    return bool(added or dropped)


def _name_like(word: str) -> bool:
    """Rare words are names or specific terms: they must stand near the claim's evidence."""
    return not is_number(word) and zipf(word) < RARE_ZIPF


def _lcs(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _unique(items: object) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(item, None)
    return list(seen)
