"""Names a question gives in full that a passage gives short.

A reader asks about "Tiger Woods" or "Real Madrid"; news text names a person or club in full once and then by
one word ("… said Woods", "Madrid's 3-0 victory"), so the passage that answers often holds only the short form.
An answer that repeats the question's full name then carries a word ("Tiger", "Real") the passage lacks, which
the fidelity check would read as a name it invented. For the answer check, such a word is known for a passage
when the question joins it to a name the passage holds on its own: not beside another capitalised name
("Atletico Madrid" is not "Real Madrid", "Bernard Wood" is not "Mark Wood").
"""

from __future__ import annotations

import re

from service.text import STOPWORDS

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")


def _tokens(text: str) -> list[str]:
    return [_POSSESSIVE.sub("", t) for t in _TOKEN.findall(text)]


def _is_name(token: str) -> bool:
    return token[:1].isupper() and token.lower() not in STOPWORDS


def full_names(question: str) -> list[list[str]]:
    """Runs of two or more capitalised words in the question that are not function words."""
    runs: list[list[str]] = []
    current: list[str] = []
    for token in [*_tokens(question), ""]:
        if token and _is_name(token):
            current.append(token)
            continue
        if len(current) > 1:
            runs.append(current)
        current = []
    return runs


def _alone(tokens: list[str], word: str, run: list[str]) -> bool:
    """``word`` occurs in ``tokens`` with no capitalised neighbour outside ``run``."""
    for i, token in enumerate(tokens):
        if token != word:
            continue
        neighbours = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
        if not any(_is_name(n) and n not in run for n in neighbours):
            return True
    return False


def question_aliases(question: str, source: str) -> frozenset[str]:
    """Lower-cased words of the question's full names that ``source`` gives only in short form: each word of a
    name whose other words the source holds on their own, while it lacks the word itself."""
    tokens = _tokens(source)
    present = set(tokens)
    known: set[str] = set()
    for run in full_names(question):
        for word in run:
            if word in present:
                continue
            if any(other != word and _alone(tokens, other, run) for other in run):
                known.add(word.lower())
    return frozenset(known)
