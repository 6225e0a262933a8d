"""Sources that disagree: a passage from another article that tells the same sentence as the one supporting
the answer, with a different name, number or date (an updated story, two outlets)."""

from __future__ import annotations

from collections.abc import Callable

from service.fidelity.report import ClaimVerdict, FidelityReport
from service.qa.answer import Citation, Conflict
from service.qa.retriever import Passage
from service.text import content_words, is_number, proper_nouns, stem, words

SAME_POINT = 0.5  # content-word overlap at which two evidence sentences tell the same thing


def facts(text: str) -> set[str]:
    """Numbers (digits or words: "two years" against "five years") and names, lower-cased."""
    return {w for w in words(text) if is_number(w)} | proper_nouns(text)


def find_conflicts(
    claims: list[tuple[str, str]],
    passages: list[Passage],
    check: Callable[[str, str], FidelityReport],
    seen: Callable[[Passage], str],
) -> list[Conflict]:
    """For each claim (the sentence as the answer writes it, and as it is checked: a fragment joined to its
    question) supported by some passage, a passage of another article whose closest sentence tells the same
    thing with a different name or number (one the claim uses), if there is one."""
    conflicts: list[Conflict] = []
    for sentence, claim in claims:
        reports = [check(seen(p), claim).claims for p in passages]
        verdicts = [r[0] if r else None for r in reports]
        backing = [n for n, v in enumerate(verdicts) if v is not None and v.supported]
        claim_facts = facts(claim)
        if not backing:  # the claim passed the answer's own check: its backing is the passage that holds the
            # most of its names and numbers, every number among them (a fragment joined to its question can
            # miss a pronoun's referent, so no passage supports it alone)
            numbers = {f for f in claim_facts if is_number(f)}
            holding = [
                (len(claim_facts & have), v.score, n)
                for n, (v, have) in enumerate(zip(verdicts, (facts(seen(p)) for p in passages), strict=True))
                if v is not None and numbers <= have
            ]
            backing = [max(holding)[2]] if holding else []
        found = []
        for n in backing:
            for m, other in enumerate(verdicts):
                if other is None or other.supported or passages[m].chunk.article_id == passages[n].chunk.article_id:
                    continue
                if _disagree(_evidence(verdicts[n]), _evidence(other), claim_facts):  # type: ignore[arg-type]
                    found.append(Conflict(sentence, n + 1, m + 1, _evidence(other)))
        conflicts += found[:1]  # one disagreement per sentence is enough to warn the reader
    return conflicts


def _evidence(verdict: ClaimVerdict) -> str:
    return " ".join(e.text for e in verdict.evidence)


def _disagree(ours: str, theirs: str, claim_facts: set[str]) -> bool:
    """The same point, told with a different name or number, and the claim uses the one ``ours`` has."""
    return (
        _same_point(ours, theirs)
        and bool((facts(ours) - facts(theirs)) & claim_facts)
        and bool(facts(theirs) - facts(ours))
    )


def _same_point(a: str, b: str) -> bool:
    x, y = {stem(w) for w in content_words(a)}, {stem(w) for w in content_words(b)}
    return bool(x and y) and len(x & y) / len(x | y) >= SAME_POINT


def with_both_sides(citations: list[Citation], passages: list[Passage], conflicts: list[Conflict]) -> list[Citation]:
    """The answer's citations plus every passage that disputes it, so the reader sees both sides."""
    out = list(citations)
    for conflict in conflicts:
        for number in (conflict.supported_by, conflict.disputed_by):
            if all(c.number != number for c in out):
                out.append(Citation(number, passages[number - 1]))
    return sorted(out, key=lambda c: c.number)
