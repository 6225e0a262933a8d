"""Direct quotes are a speaker's words: a rewrite keeps them verbatim (``key_facts`` checks it), and the small
model rewords them anyway ("an awful lot" → "a lot"), so such a sentence fails every attempt and is kept as
written. The model is given the sentence with each complete quotation replaced by a numbered placeholder, and
the quotation is put back, word for word, into what it returns: it rewrites only what it may change."""

from __future__ import annotations

import re

from service.text import words

_QUOTED = re.compile(r"([“\"])([^“”\"]{4,})([”\"])")
MIN_WORDS = 4  # a shorter quotation ("a 'dangerous' plan") is left to the model like any other words


def mask_quotes(sentence: str) -> tuple[str, list[str]]:
    """The sentence with each quotation of at least MIN_WORDS words replaced by QUOTE1, QUOTE2…, and the
    quotations in order."""
    quotes: list[str] = []

    def masked(found: re.Match[str]) -> str:
        if len(words(found[2])) < MIN_WORDS:
            return found[0]
        quotes.append(found[2])
        return f"{found[1]}QUOTE{len(quotes)}{found[3]}"

    return _QUOTED.sub(masked, sentence), quotes


def unmask_quotes(output: str, quotes: list[str]) -> str:
    """The model's output with each placeholder replaced by its quotation (a placeholder it dropped stays
    dropped, and the check then finds the quotation missing)."""
    for n, quote in reversed(list(enumerate(quotes, start=1))):  # QUOTE10 before QUOTE1
        output = re.sub(rf"\bQUOTE\s?{n}\b", lambda _, q=quote: q, output, flags=re.IGNORECASE)  # type: ignore[misc]
    return output
