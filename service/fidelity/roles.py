"""Who did what to whom: a claim that gives a verb's doer and receiver the other way round from its evidence.

"The British High Commission lobbied Omar Abdullah" against "Omar Abdullah has lobbied the British High
Commission" uses the same words, so word overlap, word order within a window and the names cannot see the
change, and the small judge passes such swaps. The parser (service/parser.py) can: for each verb it reads
the doer (the subject, or the "by" phrase of a passive) and the receiver (the object, or the subject of a
passive), so "Zoph's departure is followed by Mira Murati" and "Zoph's departure follows … Mira Murati"
give the same verb opposite roles. A swap: the same verb, the claim's doer among the evidence's receivers,
its receiver among the evidence's doers, and its doer not among the evidence's doers. Pronouns are not
read (whom they mean is not in the parse), so a clause with one is never called a swap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from service.parser import ParserUnavailable, load_parser
from service.text import stem

_OUTSIDE = frozenset({"prep", "relcl", "acl", "advcl", "punct", "cc", "det"})  # not part of who the phrase names
Roles = tuple[str, frozenset[str], frozenset[str]]  # (verb, doer's word stems, receiver's word stems)


def _phrase(head: Any) -> frozenset[str]:
    """The stems of the nouns, names and numbers that make up a phrase (compounds, possessives, appositions,
    conjuncts), without its prepositional phrases and clauses."""
    found: set[str] = set()
    stack = [head]
    while stack:
        token = stack.pop()
        if token.pos_ in ("NOUN", "PROPN", "NUM"):
            found.add(stem(token.text.lower()))
        stack.extend(child for child in token.children if child.dep_ not in _OUTSIDE)
    return frozenset(found)


def _verb(word: str) -> str:
    key = stem(word.lower())
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key  # "pays" and "pay"


@lru_cache(maxsize=4096)  # a source sentence is the evidence of many claims
def roles(text: str) -> tuple[Roles, ...]:
    """(verb, doer, receiver) for every verb of the text that has both, active or passive."""
    found = []
    for token in load_parser()(text):
        if token.pos_ != "VERB":
            continue
        doer: set[str] = set()
        receiver: set[str] = set()
        for child in token.children:
            if child.pos_ == "PRON":
                continue
            if child.dep_ == "nsubj":
                doer |= _phrase(child)
            elif child.dep_ in ("dobj", "nsubjpass"):
                receiver |= _phrase(child)
            elif child.dep_ == "agent":
                doer.update(*(_phrase(g) for g in child.children if g.dep_ == "pobj" and g.pos_ != "PRON"))
        if doer and receiver:
            found.append((_verb(token.text), frozenset(doer), frozenset(receiver)))
    return tuple(found)


def swapped_roles(claim: str, evidence: list[str]) -> bool:
    """The claim gives a verb of its evidence the doer and receiver the other way round. Without the parser,
    False (the other checks still run)."""
    try:
        claimed = roles(claim)
        if not claimed:
            return False
        given = [r for sentence in evidence for r in roles(sentence)]
    except ParserUnavailable:
        return False
    return any(
        verb == verb2 and doer & receiver2 and receiver & doer2 and not doer & doer2
        for verb, doer, receiver in claimed
        for verb2, doer2, receiver2 in given
    )
