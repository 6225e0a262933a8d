"""The hard words of a sentence, named for the model instead of a general "use simple words".

A word is hard when it is rare in English at large: a Zipf frequency below ``HARD_ZIPF`` in ``wordfreq``
(fewer than about 4 uses per million words; "pivotal" 3.5 and "heavyweights" 2.7 are hard, "resigned" 4.0
is not). Names, numbers and quoted words are never listed: the rewrite keeps them verbatim.
"""

from __future__ import annotations

import re

from wordfreq import zipf_frequency

from service.text import proper_nouns

HARD_ZIPF = 3.6
MAX_LISTED = 5  # a longer list reads as "rewrite every word"
_QUOTED = re.compile(r"[“\"][^“”\"]*[”\"]")
_WORD = re.compile(r"[^\W\d_][\w’'-]*[^\W\d_]")


def hard_words(sentence: str) -> list[str]:
    """Rare words of ``sentence`` in order of appearance (at most ``MAX_LISTED``), names and quotes aside."""
    names = proper_nouns(sentence)
    text = _QUOTED.sub(" ", sentence)
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in names or (word[0].isupper() and match.start() > 0) or lower in (w.lower() for w in out):
            continue
        parts = [p for p in re.split(r"[-’']", lower) if p]
        if parts and min(zipf_frequency(p, "en") for p in parts) < HARD_ZIPF:
            out.append(word)
    return out[:MAX_LISTED]


def hard_words_line(sentence: str) -> str:
    """The prompt's line naming the sentence's hard words, or "" when it has none."""
    hard = hard_words(sentence)
    return f"Hard words to replace with common words that mean the same: {', '.join(hard)}.\n" if hard else ""
