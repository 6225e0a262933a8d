"""Two numbers of a claim that its evidence gives the other way round.

"In China, the top 60% now earn nearly 10% of the income." against "…the top 10% now earn nearly 60%…"
keeps every word and number of its source: word overlap, word order, the names and the numbers all pass it,
and so does the verifier. What changed is which number goes with which thing, and the plainest trace of
that in the text is the order: two numbers that every source sentence holding both gives the other way
round. A faithful sentence can reorder its numbers too ("Workers in France take 25 days, and British
workers 20"), so the order does not decide: it is the signal that sends the claim to the language model
(decision.py, ``judge_number_order``). Only numbers written in digits are read ("one" and "a" are
everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.text import number_value, words


def digit_numbers(text: str) -> list[str]:
    """The values of the numbers written in digits, in order of first appearance ("1,909" gives "1909")."""
    found: list[str] = []
    for word in words(text):
        value = number_value(word) if word[:1].isdigit() else None
        if value is not None and value not in found:
            found.append(value)
    return found


def numbers_reordered(claim: str, evidence: Sequence[str]) -> list[str]:
    """The first two numbers of the claim that every evidence sentence holding both gives in the other order
    (at least one must hold both); [] when there are none."""
    claimed = digit_numbers(claim)
    if len(claimed) < 2:
        return []
    given = [digit_numbers(sentence) for sentence in evidence]
    for i, first in enumerate(claimed):
        for second in claimed[i + 1 :]:
            both = [order for order in given if first in order and second in order]
            if both and all(order.index(first) > order.index(second) for order in both):
                return [first, second]
    return []
