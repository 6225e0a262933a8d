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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from service.fidelity.claim_judge import ClaimJudge, logit
from service.fidelity.report import ClaimVerdict
from service.parser import ParserUnavailable, load_parser

MAX_SWAPS = 2  # twins judged per claim: the first pairs in the claim's order
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


def contrast(judge: ClaimJudge, verdict: ClaimVerdict, claim: str, margin: float) -> ClaimVerdict:
    """The verdict once the claim is read beside its swapped twins on its evidence sentences: unchanged when
    it has none or every twin reads no better by ``margin`` (log-odds); failed, kind ``misplaced``, when one
    does. Features: ``swap_gain`` (the best twin's log-odds over the claim's), ``swap_yes``."""
    evidence = " ".join(span.text for span in verdict.evidence)
    pairs = twins(claim, evidence) if evidence else []
    if not pairs:
        return verdict
    own = judge.probability(evidence, claim)
    best_gain, best = -99.0, ("", "", 0.0)
    for first, second, swapped in pairs:
        other = judge.probability(evidence, swapped)
        gain = logit(other) - logit(own)
        if gain > best_gain:
            best_gain, best = gain, (first, second, other)
    features = {**verdict.features, "swap_gain": round(best_gain, 4), "swap_yes": round(best[2], 4)}
    if best_gain < margin:
        return replace(verdict, features=features)
    first, second, other = best
    reason = (
        f'the source gives "{first}" and "{second}" the other way round (the language model: P(yes) {own:.2f}'
        f" as written, {other:.2f} with the two exchanged)"
    )
    return replace(verdict, supported=False, kind="misplaced", reason=reason, features=features, decided_by="judge")
