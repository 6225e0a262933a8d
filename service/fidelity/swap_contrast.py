"""Two names or numbers exchanged: a claim asked of the judge beside its own swapped twin.

"Barret Zoph replaced William (Liam) Fedus." against "…Barret Zoph … has also resigned, and his position was
taken over by William (Liam) Fedus." keeps every word of the source, and the small judge, asked whether the
source supports it, says yes (P(yes) 0.66): it ranks claims well but reads them loosely, so its absolute
P(yes) cannot tell which of two people replaced the other. Asked the same of the claim with the two names
exchanged ("William (Liam) Fedus replaced Barret Zoph.") it says yes more firmly (0.83). That comparison
is a question the judge answers better than the absolute one: it holds everything but the binding fixed.
So a claim the decision supports, holding two names (or two numbers in digits) that its evidence holds
too, is judged beside its twin with the two exchanged, both on the claim's evidence sentences; when the
twin's log-odds beat the claim's by the kind's margin (``judge_swaps`` in judged.json), the claim fails:
the source reads the other way round. Two names the claim joins with "and", "or" or a comma are a list,
not a binding ("Brazil and Peru"), and two joined by "of" or "for" are mostly one name ("Internet Corporation
for Assigned Names"): neither is exchanged.

The same comparison reads a claim that put the wrong one of the source's names or numbers in its slot
("Elizabeth Quinn Gallagher is 28 years old." against "Jordan Axani, a 28-year-old … with Elizabeth Quinn
Gallagher"; "an estimated 15 wolves" against "an estimated 1,500 wolves … doubled in 15 years"): a kind with
``judge_replacements`` also reads its *replacement* twins, each with one of the claim's names (numbers) that
the evidence holds replaced by another name (number) of the evidence, the nearest to it there first, at most
``MAX_REPLACEMENTS``; the claim fails when one beats it by that margin. A short answer is asked joined to its
question, as the judge asks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from service.fidelity.claim_judge import ClaimJudge, logit
from service.fidelity.report import ClaimVerdict
from service.parser import ParserUnavailable, load_parser

MAX_SWAPS = 2  # twins judged per claim: the first pairs in the claim's order
MAX_REPLACEMENTS = 3  # replacement twins judged per claim: the evidence's names (numbers) nearest the claim's
_LIST_GLUE = re.compile(r"(?:\s|[,;&\"“”‘’']|\band\b|\bor\b)*", re.IGNORECASE)
_NAME_GLUE = re.compile(r"\s*(?:of|for|de|du|von|van|la|le|the)\s*", re.IGNORECASE)  # "Bank of England": one name


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    kind: str  # "name" or "number"
    text: str


def anchors(text: str) -> list[Anchor]:
    """The claim's names (runs of proper nouns, "William (Liam) Fedus" one name) and numbers in digits
    ("27.2%", "1,500"; not the digit of "GPT-4" or "o1"), in order."""
    tokens = list(load_parser()(text))
    found: list[Anchor] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.pos_ == "PROPN":
            last = i
            while True:
                if last + 1 < len(tokens) and tokens[last + 1].pos_ == "PROPN":
                    last += 1
                elif _nickname(tokens, last + 1):  # "William (Liam) Fedus"
                    last += 4
                else:
                    break
            end = tokens[last].idx + len(tokens[last].text)
            found.append(Anchor(token.idx, end, "name", text[token.idx : end]))
            i = last + 1
        elif _is_digit_number(token):
            end = token.idx + len(token.text)
            if i + 1 < len(tokens) and tokens[i + 1].text == "%" and tokens[i + 1].idx == end:
                end += 1
            found.append(Anchor(token.idx, end, "number", text[token.idx : end]))
            i += 1
        else:
            i += 1
    return found


def _nickname(tokens: list[Any], i: int) -> bool:
    """tokens[i:i + 4] are "(", a name, ")" and a name again."""
    shape = [t.text if t.text in "()" else t.pos_ for t in tokens[i : i + 4]]
    return shape == ["(", "PROPN", ")", "PROPN"]


def _is_digit_number(token: Any) -> bool:
    return bool(re.fullmatch(r"\d+(?:[.,]\d+)*%?", token.text))


def twins(claim: str, evidence: str) -> list[tuple[str, str, str]]:
    """(first, second, the claim with the two exchanged) for pairs of the claim's names, or of its numbers,
    that the evidence holds too; at most ``MAX_SWAPS``. Without the parser, none."""
    try:
        held = [a for a in anchors(claim) if a.text in evidence]
    except ParserUnavailable:
        return []
    out: list[tuple[str, str, str]] = []
    for n, first in enumerate(held):
        for second in held[n + 1 :]:
            if first.kind != second.kind or first.text == second.text:
                continue
            between = claim[first.end : second.start]
            if _LIST_GLUE.fullmatch(between) or _NAME_GLUE.fullmatch(between):
                continue  # "Brazil and Peru": a list, exchanging them changes nothing; "Bank of England": one name
            swapped = claim[: first.start] + second.text + claim[first.end : second.start] + first.text
            swapped += claim[second.end :]
            if swapped != claim and all(swapped != t[2] for t in out):
                out.append((first.text, second.text, swapped))
            if len(out) == MAX_SWAPS:
                return out
    return out


def replacements(claim: str, evidence: str) -> list[tuple[str, str, str]]:
    """(the claim's name or number, the evidence's other one, the claim with the first replaced by the second):
    for each name (number) of the claim that the evidence holds, the evidence's other names (numbers; a
    percentage only by a percentage) nearest to it there first, at most ``MAX_REPLACEMENTS`` in all. A name
    inside one of the claim's ("Gallagher", "Elizabeth Quinn Gallagher") is the same one and replaces none.
    Without the parser, none."""
    try:
        mine = anchors(claim)
        own = [a for a in mine if a.text in evidence]
        theirs = anchors(evidence) if own else []
    except ParserUnavailable:
        return []
    candidates: list[tuple[int, int, str, str, str]] = []
    for n, anchor in enumerate(own):
        where = evidence.index(anchor.text)
        for other in theirs:
            if other.kind != anchor.kind or _same(other.text, claim, mine) or _percent(other) != _percent(anchor):
                continue
            twin = claim[: anchor.start] + other.text + claim[anchor.end :]
            candidates.append((abs(other.start - where), n, anchor.text, other.text, twin))
    out: list[tuple[str, str, str]] = []
    for _, _, old, new, twin in sorted(candidates):
        if all(twin != t[2] for t in out):
            out.append((old, new, twin))
        if len(out) == MAX_REPLACEMENTS:
            break
    return out


def _same(other: str, claim: str, mine: list[Anchor]) -> bool:
    """``other`` is already in the claim, or is part of one of its names, or holds one."""
    return other in claim or any(a.text in other or other in a.text for a in mine)


def _percent(anchor: Anchor) -> bool:
    return anchor.text.endswith("%")


def contrast(
    judge: ClaimJudge,
    verdict: ClaimVerdict,
    claim: str,
    margin: float | None,
    replace_margin: float | None = None,
    asked: Callable[[str], str] = lambda text: text,
    context: str = "",
) -> ClaimVerdict:
    """The verdict once the claim is read beside its twins on its evidence sentences, or on ``context`` when
    given (the passages an answer cites: a short answer's evidence sentence does not hold its question's
    subject), which the twins are also drawn from (``asked`` turns a text into what the judge is asked: a
    short answer joined to its question): with ``margin``, its swapped twins;
    with ``replace_margin``, its replacement twins. Unchanged when it has none or every twin reads no better by
    its margin (log-odds); failed, kind ``misplaced``, when one does. Features: ``swap_gain`` and
    ``replace_gain`` (the best twin's log-odds over the claim's, of each sort read), ``swap_yes``."""
    evidence = context or " ".join(span.text for span in verdict.evidence)
    if not evidence:
        return verdict
    found = [("swap", m, t) for t in twins(claim, evidence) for m in [margin] if m is not None]
    found += [("replace", m, t) for t in replacements(claim, evidence) for m in [replace_margin] if m is not None]
    if not found:
        return verdict
    # the judge has just read the claim on the same passages when it decided it: its reading is reused
    read = verdict.features.get("judge_yes") if context else None
    own = judge.probability(evidence, asked(claim)) if read is None else read
    gains: dict[str, float] = {}
    best = (-99.0, 0.0)  # the best twin's gain and P(yes)
    failed: tuple[str, str, str, float, float] | None = None  # sort, the claim's, the twin's, gain, P(yes)
    for sort, needed, (first, second, twin) in found:
        other = judge.probability(evidence, asked(twin))
        gain = logit(other) - logit(own)
        gains[sort] = max(gains.get(sort, -99.0), gain)
        best = max(best, (gain, other))
        if gain >= needed and (failed is None or gain > failed[3]):
            failed = (sort, first, second, gain, other)
    features = {**verdict.features, **{f"{sort}_gain": round(g, 4) for sort, g in gains.items()}}
    features["swap_yes"] = round(best[1], 4)
    if failed is None:
        return replace(verdict, features=features)
    sort, first, second, _, yes_twin = failed
    if sort == "swap":
        said = f'gives "{first}" and "{second}" the other way round'
        twin_note = "with the two exchanged"
    else:
        said = f'reads better with "{second}" where this has "{first}"'
        twin_note = f'with "{second}"'
    reason = f"the source {said} (the language model: P(yes) {own:.2f} as written, {yes_twin:.2f} {twin_note})"
    return replace(verdict, supported=False, kind="misplaced", reason=reason, features=features, decided_by="judge")
