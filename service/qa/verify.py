"""The verify and decide steps of Q&A: citations cleaned and pointed at the passage that supports each
sentence, every sentence checked against the passages it cites, and the decision to show, flag or withhold,
under the rules of ``QAPolicy``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from service.fidelity.checker import FidelityChecker
from service.fidelity.claims import in_context
from service.fidelity.report import FidelityReport
from service.qa.answer import Answer
from service.qa.citations import (
    attach_markers,
    clean_citations,
    is_refusal,
    passage_references,
    sentence_markers,
    set_markers,
    strip_markers,
    unverified_quotes,
)
from service.qa.conflicts import find_conflicts, with_both_sides
from service.qa.guard import sanitize
from service.qa.policy import QAPolicy
from service.qa.retriever import Passage
from service.text import content_words, sentences, stem, words

MIN_UNCITED_COVERAGE = 0.5  # an uncited answer with less of its words in the passages came from elsewhere
_YES_NO = ("yes", "no")


class AnswerVerifier:
    def __init__(self, checker: FidelityChecker, policy: QAPolicy) -> None:
        self._checker = checker
        self.policy = policy

    def verify(
        self,
        question: str,
        raw: str,
        passages: list[Passage],
        timings: dict[str, float],
        others: Sequence[Passage] = (),
    ) -> Answer:
        """The model's reply as an Answer: shown with its sentences checked, or a refusal. ``others`` are
        retrieved passages the model did not see this time (after a second look): they can still disagree."""
        text, _, removed = clean_citations(attach_markers(passage_references(raw.strip())), passages)
        if not strip_markers(text) or is_refusal(text):
            return Answer.refusal(question, passages, timings, removed_citations=removed)
        if self.policy.echo and echoes_question(text, question):
            return Answer.refusal(question, passages, timings, withheld=text)
        checked = time.perf_counter()
        # citation repair and conflicts search many (passage, sentence) pairs: the fast verdicts, each once
        check = _once(lambda source, text: self._checker.check(source, text, judged=False))
        repaired = 0
        if self.policy.repair_citations:
            text, repaired = self._repair_citations(text, passages, check)
        text, citations, _ = clean_citations(text, passages)
        seen = [seen_text(c.passage) for c in citations] or [seen_text(p) for p in passages]
        fidelity = self._checker.check_each(
            seen, strip_markers(text), question=question, question_names=self.policy.question_names
        )
        if self.policy.repair_citations and not citations:
            text, cited = _cite_supported(text, fidelity, passages, check)
            if cited:
                text, citations, _ = clean_citations(text, passages)
                repaired += cited
        timings["check_s"] = time.perf_counter() - checked
        if self.policy.withhold and invented(fidelity, cited=bool(citations)):
            return Answer.refusal(question, passages, timings, withheld=text)
        checked = time.perf_counter()
        supported = [(c.text, in_context(question, c.text)) for c in fidelity.claims if c.supported]
        every = [*passages, *others]  # numbered on after the model's own passages
        conflicts = find_conflicts(supported, every, check, seen_text) if len(every) > 1 else []
        timings["conflicts_s"] = time.perf_counter() - checked
        return Answer(
            question, text, False, with_both_sides(citations, every, conflicts), passages, fidelity,
            quote_problems=unverified_quotes(text, citations), removed_citations=removed,
            repaired_citations=repaired, timings=timings, conflicts=conflicts,
        )  # fmt: skip

    def _repair_citations(
        self, text: str, passages: list[Passage], check: Callable[[str, str], FidelityReport]
    ) -> tuple[str, int]:
        """Each sentence that cites no passage, or only passages that do not support it, cites the passage
        that supports it best (when one does)."""
        out: list[str] = []
        repaired = 0
        for sentence in sentences(text):
            cited = [n for n in sentence_markers(sentence.text) if 1 <= n <= len(passages)]
            claim = strip_markers(sentence.text)
            if not content_words(claim):
                out.append(sentence.text)
                continue
            scores = {n: check(seen_text(passages[n - 1]), claim) for n in range(1, len(passages) + 1)}
            supporting = [n for n, report in scores.items() if report.supported]
            if (cited and all(scores[n].supported for n in cited)) or not supporting:
                out.append(sentence.text)
                continue
            out.append(set_markers(sentence.text, [max(supporting, key=lambda n: scores[n].score)]))
            repaired += 1
        return " ".join(out), repaired


def _cite_supported(
    text: str, fidelity: FidelityReport, passages: list[Passage], check: Callable[[str, str], FidelityReport]
) -> tuple[str, int]:
    """An answer that cites nothing but has sentences the check (the judge, reading every passage) found
    supported: each such sentence cites the passage whose fast verdict scores it highest, so a reader can open
    the passage behind it."""
    supported = {" ".join(c.text.split()) for c in fidelity.claims if c.supported}
    out: list[str] = []
    cited = 0
    for sentence in sentences(text):
        claim = strip_markers(sentence.text)
        if " ".join(claim.split()) not in supported:
            out.append(sentence.text)
            continue
        scores = {n: check(seen_text(p), claim).score for n, p in enumerate(passages, start=1)}
        out.append(set_markers(sentence.text, [max(scores, key=lambda n: scores[n])]))
        cited += 1
    return " ".join(out), cited


def _once(check: Callable[[str, str], FidelityReport]) -> Callable[[str, str], FidelityReport]:
    """``check`` remembering its verdicts for one answer."""
    done: dict[tuple[str, str], FidelityReport] = {}

    def checked(source: str, text: str) -> FidelityReport:
        if (source, text) not in done:
            done[source, text] = check(source, text)
        return done[source, text]

    return checked


def echoes_question(answer: str, question: str) -> bool:
    """Whether every content word of the answer is already in the question (yes/no answers exempt)."""
    answer = strip_markers(answer)
    said = [stem(w) for w in content_words(answer)]
    if not said or words(answer)[0] in _YES_NO:
        return False
    asked = {stem(w) for w in content_words(question)}
    return all(w in asked for w in said)


def invented(fidelity: FidelityReport, cited: bool) -> bool:
    """No sentence supported, and either a name or number the passages lack, or no citation and most words
    missing from the passages. A correct paraphrase can score low too, so otherwise the answer is shown
    with its sentences flagged rather than withheld."""
    if not fidelity.claims or any(c.supported for c in fidelity.claims):
        return False
    if any(c.invented for c in fidelity.claims):
        return True
    coverage = sum(c.features.get("coverage", 0.0) for c in fidelity.claims) / len(fidelity.claims)
    return not cited and coverage < MIN_UNCITED_COVERAGE


def seen_text(passage: Passage) -> str:
    """The passage as the model sees it (instruction-like sentences withheld)."""
    return sanitize(passage.chunk.text)[0]
