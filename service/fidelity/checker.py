"""Claim-level fidelity: each sentence of a generated text is checked against its source.

Per claim, all offline on CPU:
- windows: the source is read as overlapping windows of three sentences; the cheap signals below pick the
  few windows most likely to hold the claim's evidence, and only those reach the verifier;
- verifier: the trained cross-encoder's P(supported) for the claim on each picked window (verifier.py);
  the best window is the claim's evidence;
- order: the share of the claim's content words that one source sentence holds in the same order;
- coverage: the share found in any order within three adjacent sentences;
- similarity: best cosine between the claim and a source sentence (the bundled MiniLM);
- rare novel words: names, rare words and numbers of the claim that the source never uses.
``Calibration`` combines them into a score in [0, 1] and names the override rules that stay on (a number
or name the source lacks, one the source uses elsewhere, a flipped negation). A text's score is its
weakest claim's.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.embeddings.base import Embedder
from service.fidelity.calibration import LEXICAL, RARE_ZIPF, Calibration
from service.fidelity.report import ClaimVerdict, FidelityReport, Kind
from service.fidelity.signals import IGNORED, lcs, name_like, negated, negation_clash, unique
from service.fidelity.verifier import Verifier
from service.text import (
    Span,
    content_words,
    is_number,
    number_value,
    number_values,
    proper_nouns,
    sentences,
    stem,
    words,
    zipf,
)

_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_CACHE_SIZE = 16
_LOGIT_CLIP = 8.0


@dataclass
class _Source:
    text: str
    spans: list[Span]
    stems: list[list[str]]  # content-word stems per sentence
    every: list[set[str]]  # every word stem per sentence, stopwords included
    window_words: list[set[str]]  # every word stem of sentences i-1..i+1
    all_stems: set[str]  # every word stem of the source
    numbers: list[set[str]]  # the numbers each sentence names, in digits ("two" and "2m" are both "2")
    all_numbers: set[str]
    vectors: np.ndarray


@dataclass
class _Measured:
    signals: dict[str, float]
    candidates: list[tuple[int, int]]  # source windows (first sentence, end sentence), most promising first
    window: tuple[int, int]  # the evidence window: the verifier's best, else the cheap signals' best
    probability: float = -1.0


class FidelityChecker:
    """With a verifier, ``calibration`` must use its signal (the shipped one does); without one, the
    word-overlap calibration applies."""

    def __init__(
        self,
        embedder: Embedder,
        verifier: Verifier | None = None,
        calibration: Calibration | None = None,
        windows: int = 3,
        stop_at: float | None = 0.5,
    ) -> None:
        self._embedder = embedder
        self._verifier = verifier
        self.calibration = calibration or LEXICAL
        if self.calibration.uses_verifier and verifier is None:
            raise ValueError("this calibration needs the verifier")
        self._windows = windows
        self._stop_at = stop_at
        self._sources: OrderedDict[str, _Source] = OrderedDict()

    def check(self, source: str, text: str) -> FidelityReport:
        src = self._index(source)
        claims = claim_spans(text)
        plain = [without_citations(c.text) for c in claims]  # what is claimed, without citation markers
        vectors = np.array(self._embedder.embed_documents(plain))
        measured = [self._signals(src, claim, v) for claim, v in zip(plain, vectors, strict=True)]
        if self._verifier is not None and self.calibration.uses_verifier:
            self._verify(src, plain, measured)
        return FidelityReport.of([self._verdict(src, c, m) for c, m in zip(claims, measured, strict=True)])

    def _verify(self, src: _Source, claims: list[str], measured: list[_Measured]) -> None:
        """The verifier reads each claim's picked windows, most promising first, one round per rank (one
        call per round); each claim keeps its best window. A claim stops once a window gives it at least
        ``stop_at``: it is supported there, and further windows could only refine its score (None: read them all)."""
        assert self._verifier is not None
        pending = list(range(len(claims)))
        for rank in range(self._windows):
            pairs: list[tuple[str, str]] = []
            owners: list[tuple[int, tuple[int, int]]] = []
            for n in pending:
                if rank < len(measured[n].candidates):
                    window = measured[n].candidates[rank]
                    pairs.append((src.text[src.spans[window[0]].start : src.spans[window[1] - 1].end], claims[n]))
                    owners.append((n, window))
            for (n, window), p in zip(owners, self._verifier.probabilities(pairs), strict=True):
                m = measured[n]
                if p > m.probability:
                    m.probability, m.window = p, window
            if self._stop_at is not None:
                pending = [n for n in pending if measured[n].probability < self._stop_at]
        for m in measured:
            p = min(max(m.probability, 1e-6), 1 - 1e-6)
            m.signals["verifier"] = max(-_LOGIT_CLIP, min(_LOGIT_CLIP, math.log(p / (1 - p))))

    def check_each(self, sources: Sequence[str], text: str) -> FidelityReport:
        """Each claim against separate sources (retrieved passages), keeping its best verdict. Unlike
        checking their concatenation, no sentence window spans two passages, so a name from one and a
        number from another do not make a claim supported."""
        reports = [self.check(source, text) for source in sources] or [self.check("", text)]
        per_claim = zip(*(r.claims for r in reports), strict=True)
        return FidelityReport.of([max(options, key=lambda v: (v.supported, v.score)) for options in per_claim])

    def _verdict(self, src: _Source, claim: Span, m: _Measured) -> ClaimVerdict:
        cal = self.calibration
        score = cal.score(m.signals)
        plain = without_citations(claim.text)  # what is claimed, without citation markers
        claim_words = words(plain)
        with_negation = negated(claim_words)
        novel = unique(w for w in claim_words if not _uses(w, src.all_stems, src.all_numbers) and w not in IGNORED)
        names = proper_nouns(claim.text)
        first, last = m.window
        window_words: set[str] = set().union(*src.every[first:last])
        window_numbers: set[str] = set().union(*src.numbers[first:last])
        claim_stems = {stem(w) for w in content_words(plain)}
        evidence = [src.spans[i] for i in range(first, last) if claim_stems & set(src.stems[i])] or src.spans[
            first:last
        ]
        hits = {
            "novel_number": [w for w in novel if is_number(w)],
            "novel_name": [w for w in novel if w in names],
            "misplaced": unique(
                w
                for w in content_words(plain)
                if (name_like(w) or w in names or is_number(w))
                and _uses(w, src.all_stems, src.all_numbers)
                and not _uses(w, window_words, window_numbers)
            ),
            "negation": ["not"]
            if evidence and negation_clash(claim_words, words(" ".join(e.text for e in evidence)))
            else [],
            "contradicted": ["verifier"] if 0.0 <= m.probability < cal.veto_for(with_negation) else [],
        }
        m.signals.update({f"rule_{rule}": float(bool(found)) for rule, found in hits.items()})
        m.signals["negated"] = float(with_negation)
        on = {rule: found if rule in cal.rules else [] for rule, found in hits.items()}
        novel_numbers, novel_names, misplaced = on["novel_number"], on["novel_name"], on["misplaced"]
        clash, contradicted = bool(on["negation"]), bool(on["contradicted"])
        supported = score >= cal.threshold and not (novel_numbers or novel_names or misplaced or clash or contradicted)
        kind: Kind
        if novel_numbers or novel_names:
            kind, reason = "novel", f"not in the source: {', '.join(novel_numbers + novel_names)}"
        elif misplaced:
            kind, reason = "misplaced", f"the source does not connect {', '.join(misplaced)} with this"
            novel = misplaced + novel
        elif clash:
            kind, reason = "negation", "negation differs from the closest source sentence"
        elif contradicted:
            kind, reason = "unsupported", "the trained verifier finds no support for this in the source"
        elif not supported:
            reason = "not found in the source" if novel else "the source does not say this in this way"
            kind = "unsupported"
        else:
            kind, reason = "supported", "supported"
        if not supported and not novel and evidence:
            novel = unique(w for w in content_words(claim.text) if stem(w) not in window_words and not is_number(w))
        novel = [] if supported else sorted(novel, key=lambda w: (not is_number(w), zipf(w)))
        return ClaimVerdict(
            claim.text, claim.start, claim.end, supported, round(score, 4), evidence, novel, reason, m.signals, kind
        )

    def _signals(self, src: _Source, claim: str, vector: np.ndarray) -> _Measured:
        """The cheap signals, and the windows they rank highest (centred on sentences)."""
        stems = [stem(w) for w in content_words(claim)]
        orders = [lcs(stems, sentence) / len(stems) if stems else 1.0 for sentence in src.stems]
        covers = [sum(s in window for s in stems) / len(stems) if stems else 1.0 for window in src.window_words]
        similarities = (src.vectors @ vector).tolist() if len(src.vectors) else []
        rare = sum(
            1
            for w in content_words(claim)
            if not _uses(w, src.all_stems, src.all_numbers)
            and (is_number(w) or zipf(w) < RARE_ZIPF)
            and w not in IGNORED
        )
        signals = {
            "order": max(orders, default=0.0),
            "coverage": max(covers, default=0.0),
            "similarity": max(similarities, default=0.0),
            "rare_novel": float(rare),
        }
        rank = sorted(range(len(src.spans)), key=lambda i: -(orders[i] + covers[i] + similarities[i]))
        candidates = [(max(0, i - 1), min(len(src.spans), i + 2)) for i in rank]
        best = candidates[0] if candidates else (0, 0)
        return _Measured(signals, candidates, best)

    def _index(self, source: str) -> _Source:
        cached = self._sources.get(source)
        if cached is not None:
            self._sources.move_to_end(source)
            return cached
        spans = sentences(source)
        vectors = np.array(self._embedder.embed_documents([s.text for s in spans])) if spans else np.zeros((0, 1))
        tokens = [words(s.text) for s in spans]
        every = [{stem(w) for w in t} for t in tokens]
        numbers = [number_values(t) for t in tokens]
        indexed = _Source(
            text=source,
            spans=spans,
            stems=[[stem(w) for w in content_words(s.text)] for s in spans],
            every=every,
            window_words=[set().union(*every[max(0, i - 1) : i + 2]) for i in range(len(every))],
            all_stems={stem(w) for w in words(source)},
            numbers=numbers,
            all_numbers=set().union(*numbers),
            vectors=vectors,
        )
        self._sources[source] = indexed
        if len(self._sources) > _CACHE_SIZE:
            self._sources.popitem(last=False)
        return indexed


def claim_spans(text: str) -> list[Span]:
    """The text's claims: its sentences that say something (hold a content word besides citation markers)."""
    return [s for s in sentences(text) if content_words(without_citations(s.text))]


def without_citations(claim: str) -> str:
    """The claim without its citation markers ("[1]", "[2, 3]")."""
    return _CITATION.sub("", claim)


def _uses(word: str, stems: set[str], numbers: set[str]) -> bool:
    """The word is among these stems, or it is a number among these numbers in any spelling."""
    return stem(word) in stems or (is_number(word) and number_value(word) in numbers)
