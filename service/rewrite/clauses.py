"""Splitting a long sentence by rule where its grammar makes that safe, before the model sees it.

A dependency parse (spaCy's small English pipeline) finds three structures whose split keeps every word's
meaning and needs no guess about who is meant:

- a non-restrictive relative clause on a name or noun phrase ("Barret Zoph, who was in charge of the team,
  left." -> "Barret Zoph left. Barret Zoph was in charge of the team."): the relative pronoun becomes the
  phrase it stands for, repeated, never a pronoun; only "who"/"which" as the clause's subject, set off by commas;
- an appositive on a name ("Luke Metz, one of the main contributors to o1, posted..." -> "Luke Metz posted...
  Luke Metz is one of the main contributors to o1."): the copula in the present (an appositive states what the
  name is as the article is written) and in the name's number;
- coordinated main clauses, each with its own subject ("Zoph had resigned, and his position was taken over by
  Fedus." -> "Zoph had resigned. His position was taken over by Fedus."); "but" is kept as "But".

Anything else (restrictive clauses, lists, clauses without their own subject, pronoun heads, a clause whose
last comma is followed by a phrase that may belong to a verb before it, an appositive and a "who" after it that
may mean either noun) is left whole: a split the rules cannot make safely is not made. Every split is checked
like any rewrite (unit_check).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MIN_WORDS = 4  # a piece shorter than this is not a sentence worth standing alone
_RELATIVE = {"who", "which"}
_CONJUNCTIONS = {"and", "but"}
_NOT_IN_PHRASE = {"appos", "relcl", "conj", "cc", "punct"}  # what the repeated phrase leaves out
_ADJUNCTS = {"prep", "agent", "advmod", "npadvmod", "advcl"}  # phrases on a verb that may follow a closing comma

_ENDED = re.compile(r"[.!?][\"”’')]*$")


def split_clauses(sentence: str, parse: Callable[[str], Any], max_pieces: int = 4) -> list[str]:
    """``sentence`` as shorter sentences, or ``[sentence]`` when no rule applies safely."""
    pieces = [sentence.strip()]
    changed = True
    while changed and len(pieces) < max_pieces:
        changed = False
        for i, piece in enumerate(pieces):
            parts = _split_once(parse(piece))
            if len(parts) > 1 and all(len(p.split()) >= MIN_WORDS for p in parts):
                pieces[i : i + 1] = parts
                changed = True
                break
    return pieces


def _split_once(doc: Any) -> list[str]:
    tokens = list(doc)
    if not tokens or len(list(doc.sents)) != 1 or doc.text.rstrip(" \"”’'").endswith("?"):
        return [doc.text]  # a question keeps its shape
    quoted = _quoted(tokens)
    removed: set[int] = set()
    extras: list[str] = []
    for token in tokens:
        found = _detachable(token, tokens)
        if found is None or found[0] in removed or quoted & set(range(found[0] - 1, found[1] + 2)):
            continue
        start, end, extra = found
        removed |= set(range(start - 1, _tail(token.head, tokens, end) + 1))
        extras.append(_capitalised(extra))
    if extras:
        return [_sentence([t for t in tokens if t.i not in removed]), *extras]
    return _coordination(tokens, quoted) or [doc.text]


def _tail(head: Any, tokens: list[Any], end: int) -> int:
    """The last token to remove with a modifier: its closing comma too after a subject or before the main
    verb ("Metz, a researcher, left") or before "and"/"or" in a list; otherwise the comma stays ("flew to
    Iqaluit, armed with...")."""
    if end + 1 >= len(tokens) or tokens[end + 1].text != ",":
        return end
    after = tokens[end + 2] if end + 2 < len(tokens) else None
    if after is None or head.dep_ in ("nsubj", "nsubjpass") or after.dep_ in ("ROOT", "cc"):
        return end + 1
    return end + 1 if after.head.dep_ == "ROOT" and after.dep_ in ("aux", "auxpass", "neg", "advmod") else end


def _quoted(tokens: list[Any]) -> set[int]:
    """Indices of tokens inside quotation marks (a quote is never split or shortened)."""
    inside, out = False, set()
    for t in tokens:
        if t.text in ("“", "”", '"'):
            inside = t.text == "“" or (t.text == '"' and not inside)
            out.add(t.i)
        elif inside:
            out.add(t.i)
    return out


def _detachable(token: Any, tokens: list[Any]) -> tuple[int, int, str] | None:
    """(first, last) token of a non-restrictive modifier and the sentence it becomes, or None."""
    head = token.head
    if token.dep_ not in ("appos", "relcl") or head.pos_ == "PRON" or head.i >= token.i or head.dep_ == "appos":
        return None  # in a chain "Stockwell, south London, an area..." the last phrase may describe the first
    span = sorted(t.i for t in token.subtree)
    start, end = span[0], span[-1]
    if span != list(range(start, end + 1)) or start < 2 or tokens[start - 1].text != ",":
        return None
    after = tokens[end + 1] if end + 1 < len(tokens) else None
    if after is not None and not (after.text == "," or (after.is_punct and after.i == len(tokens) - 1)):
        return None
    if _reopened(tokens, start, end):
        return None
    phrase = _phrase(head, tokens, start - 1)
    if phrase is None:
        return None
    if token.dep_ == "relcl":
        first = tokens[start]
        if first.lower_ not in _RELATIVE or first.dep_ not in ("nsubj", "nsubjpass") or first.head.i != token.i:
            return None
        if first.lower_ == "which" and not _clause_level(head):
            return None  # "a land covered in snow, which is one reason why..." may describe the whole clause
        if any(a.dep_ == "appos" for a in head.ancestors):
            return None  # "Laura, a shopper from Devon, who has been paid..." describes Laura, not Devon
        return start, end, f"{phrase} {_text(tokens[start + 1 : end + 1])}."
    if head.pos_ != "PROPN" or token.pos_ not in ("NOUN", "NUM") or any(c.dep_ == "conj" for c in token.children):
        return None
    if any(t.lower_ == "who" and tokens[t.i - 1].text == "," for t in token.subtree):
        return None  # "Laura, a shopper from Devon, who has been paid...": "who" may mean either
    plural = head.tag_ in ("NNS", "NNPS")
    return start, end, f"{phrase} {'are' if plural else 'is'} {_text(tokens[start : end + 1])}."


def _reopened(tokens: list[Any], start: int, end: int) -> bool:
    """The span's last comma is followed by a phrase on one of the span's verbs ("who took the notice, which
    was signed by X, to the Palace"): that comma may close a clause, the phrase then belonging to a verb
    before it ("to the Palace" is where the notice was taken, though the parse puts it under "signed"), so
    where the span ends is a guess. A phrase set off by commas on both sides ("who, for reasons of his own,
    hates...") leaves no doubt."""
    commas = [i for i in range(start, end) if tokens[i].text == ","]
    if not commas:
        return False
    nxt = tokens[commas[-1] + 1]
    return nxt.dep_ in _ADJUNCTS and nxt.head.pos_ in ("VERB", "AUX") and start <= nxt.head.i <= end


def _clause_level(head: Any) -> bool:
    """A subject or object of the clause, or the object of a preposition on its verb: not a noun nested in
    another noun phrase or in a participle, where "which" may describe the larger phrase or the clause."""
    if head.dep_ in ("nsubj", "nsubjpass", "dobj", "attr"):
        return True
    if head.dep_ != "pobj":
        return False
    holder = head.head.head  # the word the preposition attaches to
    return holder.pos_ in ("VERB", "AUX") and holder.dep_ != "acl"


def _phrase(head: Any, tokens: list[Any], comma: int) -> str | None:
    """The noun phrase a modifier describes, without its own modifiers, lists or commas; None unless it is
    contiguous and only commas or other modifiers of the same head stand between it and the modifier's comma
    ("A and B, who..." may mean B or both)."""
    keep = {head.i}
    between: set[int] = set()
    for child in head.children:
        if child.dep_ not in _NOT_IN_PHRASE:
            keep |= {t.i for t in child.subtree}
        elif child.dep_ in ("appos", "relcl"):
            between |= {t.i for t in child.subtree}
    ordered = sorted(keep)
    if ordered != list(range(ordered[0], ordered[-1] + 1)) or ordered[-1] >= comma:
        return None
    gap = range(ordered[-1] + 1, comma)
    if any(i not in between and tokens[i].text != "," for i in gap):
        return None
    text = _text([tokens[i] for i in ordered])
    return text if len(text.split()) <= 8 else None


def _finite(verb: Any) -> bool:
    return verb.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children
    )


def _coordination(tokens: list[Any], quoted: set[int]) -> list[str] | None:
    """Two finite main clauses joined by ", and" / ", but" / ";", each with its own subject."""
    root = next((t for t in tokens if t.dep_ == "ROOT"), None)
    if root is None or not _finite(root) or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children):
        return None
    for conj in root.children:
        if conj.dep_ != "conj" or conj.pos_ not in ("VERB", "AUX") or not _finite(conj):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > root.i for c in conj.children):
            continue
        joiners = [c for c in root.children if c.i < conj.i and (c.dep_ == "cc" or c.text == ";")]
        if not joiners or joiners[-1].i in quoted:
            continue
        cut = joiners[-1]
        if cut.dep_ == "cc" and cut.lower_ not in _CONJUNCTIONS:
            continue
        first = [t for t in tokens if t.i < cut.i]
        second = [t for t in tokens if t.i > cut.i]
        while first and first[-1].text in (",", ";", ":", "–", "—", "-"):
            first.pop()
        while second and second[0].is_punct:
            second.pop(0)
        if not first or not second:
            return None
        opener = "But " if cut.lower_ == "but" else ""
        return [_sentence(first), _capitalised(opener + _text(second))]
    return None


def _text(tokens: list[Any]) -> str:
    """The tokens' text; a gap left by removed tokens gets one space."""
    out = []
    for t, after in zip(tokens, [*tokens[1:], None], strict=True):
        gap = after is not None and after.i != t.i + 1 and not t.whitespace_
        out.append(t.text_with_ws + (" " if gap else ""))
    return "".join(out).strip()


def _sentence(tokens: list[Any]) -> str:
    return _capitalised(_text(tokens))


def _capitalised(text: str) -> str:
    """One sentence: spaces normalised, a dangling dash or comma dropped, a full stop if it has no end mark."""
    text = " ".join(text.split()).replace(" ,", ",").replace(" .", ".").rstrip(" ,;:–—-")
    if text and not _ENDED.search(text):
        text += "."
    return text[:1].upper() + text[1:]
