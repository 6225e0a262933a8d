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
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.embeddings.base import Embedder
from service.fidelity.calibration import LEXICAL, RARE_ZIPF, Calibration
from service.fidelity.claims import claim_spans, without_citations
from service.fidelity.decision import CheckKind
from service.fidelity.judge_stage import JudgeStage
from service.fidelity.number_order import numbers_reordered
from service.fidelity.question_names import question_aliases
from service.fidelity.report import ClaimVerdict, FidelityReport, Kind
from service.fidelity.roles import swapped_roles
from service.fidelity.signals import IGNORED, lcs, name_like, negated, negation_clash, same_root, unique, uses
from service.fidelity.signals import words_to_show as shown
from service.fidelity.source_index import Source, index_source
from service.fidelity.verifier import Verifier
from service.text import (
    Span,
    acronym_expansions,
    content_words,
    is_number,
    proper_nouns,
    stem,
    words,
    zipf,
)

_CACHE_SIZE = 16
_LOGIT_CLIP = 8.0


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
        stage: JudgeStage | None = None,
    ) -> None:
        self._embedder = embedder
        self._verifier = verifier
        self.calibration = calibration or LEXICAL
        if self.calibration.uses_verifier and verifier is None:
            raise ValueError("this calibration needs the verifier")
        self._windows = windows
        self._stop_at = stop_at
        self._sources: OrderedDict[str, Source] = OrderedDict()
        self.stage = stage  # the language model's step (judge_stage.py); None: the fast checker alone

    def check(
        self, source: str, text: str, kind: CheckKind = "article", judged: bool = True, read_passes: bool = False
    ) -> FidelityReport:
        """Each claim of ``text`` against ``source``; with ``judged``, the claims the decision of this kind of
        check sends to the judge are read by it too (``judged=False``: the fast verdicts, for a search over
        many sources; ``read_passes``: the claims the fast checker passed too, where the kind has a bar for
        them: a rewritten unit against its own source sentence)."""
        report = self._fast(source, text)
        if not judged or self.stage is None:
            return report
        return self.stage.apply(report, source, kind, read_passes=read_passes)

    def _fast(self, source: str, text: str, aliases: frozenset[str] = frozenset()) -> FidelityReport:
        """``aliases``: lower-cased words not counted as names the source lacks (``question_aliases``)."""
        src = self._index(source)
        claims = claim_spans(text)
        plain = [without_citations(c.text) for c in claims]  # what is claimed, without citation markers
        vectors = np.array(self._embedder.embed_documents(plain))
        measured = [self._signals(src, claim, v) for claim, v in zip(plain, vectors, strict=True)]
        if self._verifier is not None and self.calibration.uses_verifier:
            self._verify(src, plain, measured)
        return FidelityReport.of([self._verdict(src, c, m, aliases) for c, m in zip(claims, measured, strict=True)])

    def _verify(self, src: Source, claims: list[str], measured: list[_Measured]) -> None:
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

    def check_each(
        self,
        sources: Sequence[str],
        text: str,
        kind: CheckKind = "answer",
        judged: bool = True,
        question: str = "",
        question_names: bool = True,
    ) -> FidelityReport:
        """Each claim against separate sources (retrieved passages), keeping its best fast verdict. Unlike
        checking their concatenation, no sentence window spans two passages, so a name from one and a
        number from another do not make a claim supported. The judge, which reads meaning rather than
        windows, reads the passages together (one cached prefix for all the claims), and a short answer joined
        to its ``question``. A word of a full name the question gives is not new to a passage that gives the name
        short ("Tiger" for "… said Woods": ``question_aliases``), unless ``question_names`` is off."""
        no_aliases: frozenset[str] = frozenset()
        reports = [
            self._fast(s, text, question_aliases(question, s) if question_names else no_aliases) for s in sources
        ] or [self._fast("", text)]
        per_claim = zip(*(r.claims for r in reports), strict=True)
        best = FidelityReport.of([max(options, key=lambda v: (v.supported, v.score)) for options in per_claim])
        if not judged or self.stage is None or not sources:
            return best
        return self.stage.apply(best, "\n\n".join(sources), kind, question)

    def _verdict(self, src: Source, claim: Span, m: _Measured, aliases: frozenset[str]) -> ClaimVerdict:
        cal = self.calibration
        score = cal.score(m.signals)
        plain = without_citations(claim.text)  # what is claimed, without citation markers
        claim_words = words(plain)
        with_negation = negated(claim_words)
        known = IGNORED | aliases | set(acronym_expansions(plain, src.acronyms))  # "United Nations" for "UN"
        novel = unique(w for w in claim_words if not uses(w, src.all_stems, src.all_numbers) and w not in known)
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
                and uses(w, src.all_stems, src.all_numbers)
                and not uses(w, window_words, window_numbers)
                and (w in names or is_number(w) or not same_root(stem(w), window_words))
            ),
            "role_swap": ["roles"] if evidence and swapped_roles(plain, [e.text for e in evidence]) else [],
            "number_order": numbers_reordered(plain, [e.text for e in evidence]),
            "negation": ["not"]
            if evidence and negation_clash(claim_words, words(" ".join(e.text for e in evidence)))
            else [],
            "contradicted": ["verifier"] if 0.0 <= m.probability < cal.veto_for(with_negation) else [],
        }
        m.signals.update({f"rule_{rule}": float(bool(found)) for rule, found in hits.items()})
        m.signals["negated"] = float(with_negation)
        on = {rule: found if rule in cal.rules else [] for rule, found in hits.items()}
        novel_numbers, novel_names, misplaced = on["novel_number"], on["novel_name"], on["misplaced"]
        clash, contradicted, swap = bool(on["negation"]), bool(on["contradicted"]), bool(on["role_swap"])
        ruled = bool(novel_numbers or novel_names or misplaced or swap or clash or contradicted)
        supported = score >= cal.threshold and not ruled
        novel = [] if supported else shown(novel, src.all_stems, names)  # what a failed claim's verdict lists
        kind: Kind
        if novel_numbers or novel_names:
            kind, reason = "novel", f"not in the source: {', '.join(novel_numbers + novel_names)}"
        elif misplaced:
            kind, reason = "misplaced", f"the source does not connect {', '.join(misplaced)} with this"
            novel = misplaced + novel
        elif swap:
            kind, reason = "misplaced", "the source gives who did what the other way round"
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
            unseen = (w for w in content_words(claim.text) if stem(w) not in window_words and w not in known)
            novel = shown(unique(w for w in unseen if not is_number(w)), window_words, names)
        novel = [] if supported else sorted(novel, key=lambda w: (not is_number(w), zipf(w)))
        return ClaimVerdict(claim.text, claim.start, claim.end, supported, round(score, 4), evidence, novel, reason,
                            m.signals, kind, "rule" if ruled else "signals")  # fmt: skip

    def _signals(self, src: Source, claim: str, vector: np.ndarray) -> _Measured:
        """The cheap signals, and the windows they rank highest (centred on sentences)."""
        stems = [stem(w) for w in content_words(claim)]
        orders = [lcs(stems, sentence) / len(stems) if stems else 1.0 for sentence in src.stems]
        covers = [sum(s in window for s in stems) / len(stems) if stems else 1.0 for window in src.window_words]
        similarities = (src.vectors @ vector).tolist() if len(src.vectors) else []
        rare = sum(
            1
            for w in content_words(claim)
            if not uses(w, src.all_stems, src.all_numbers)
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

    def _index(self, source: str) -> Source:
        cached = self._sources.get(source)
        if cached is not None:
            self._sources.move_to_end(source)
            return cached
        indexed = index_source(source, self._embedder)
        self._sources[source] = indexed
        if len(self._sources) > _CACHE_SIZE:
            self._sources.popitem(last=False)
        return indexed
