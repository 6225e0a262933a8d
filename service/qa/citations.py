"""Citation markers, quotes and refusals in a model's answer."""

from __future__ import annotations

import re

from service.qa.answer import Citation
from service.qa.retriever import Passage
from service.text import sentences

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_QUOTE = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
_REFUSAL = re.compile(
    r"(articles?|passages?|text|sources?)\s+(do(es)?\s*n[o']t|did\s*n[o']t)\s+(say|mention|contain|provide|state|specify)"
    r"|no information|not (mentioned|provided|stated|specified)|cannot be determined|don't say",
    re.IGNORECASE,
)


_NUMBERS = r"(\d+(?:\s*(?:,|and)\s*\d+)*)"
# the prompt labels passages "[1]", "[2]"…; a small model often names them in words instead
_LEADING_REFERENCE = re.compile(
    rf"^(?:(?:according to|as (?:stated|mentioned|said) in|in)\s+(?:the\s+)?passages?\s*\[?{_NUMBERS}\]?\s*,\s*"
    rf"|(?:the\s+)?passages?\s*\[?{_NUMBERS}\]?\s+(?:says|states|mentions|reports)(?:\s+that)?\s+)",
    re.IGNORECASE,
)
_INLINE_REFERENCE = re.compile(
    rf"\s*,?\s*(?:\(\s*passages?\s*\[?{_NUMBERS}\]?\s*\)"
    rf"|(?:(?:as\s+)?(?:stated|mentioned|said)\s+)?(?:in|from|according to)\s+(?:the\s+)?passages?\s*"
    rf"(?:\[{_NUMBERS}\]|{_NUMBERS}(?=\s*[.,;:!?]|\s*$)))",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"([.!?])\s*((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)")


def attach_markers(text: str) -> str:
    """Move markers written after a full stop inside the sentence: 'Zoph. [3]' -> 'Zoph [3].'"""
    return _TRAILING.sub(lambda m: " " + "".join(m.group(2).split()) + m.group(1) + " ", text).strip()


def passage_references(text: str) -> str:
    """A passage named by its label is a citation, not something the article says: 'He replied in Passage [2].'
    -> 'He replied [2].', 'According to passage 1, he left.' -> 'He left [1].' (a name such as "Passage" would
    otherwise count as a name the passages lack). The spacing between sentences is kept."""
    out, last = [], 0
    for span in sentences(text):
        out += [text[last : span.start], _cited(span.text)]
        last = span.end
    return "".join([*out, text[last:]])


def _cited(sentence: str) -> str:
    leading = _LEADING_REFERENCE.match(sentence)
    rest = sentence[leading.end() :] if leading else ""
    if leading and rest:
        numbers = [int(n) for n in re.split(r"\s*(?:,|and)\s*", _first(leading))]
        sentence = set_markers(rest[:1].upper() + rest[1:], [*sentence_markers(rest), *numbers])
    return _INLINE_REFERENCE.sub(lambda m: f" [{_marker(_first(m))}]", sentence)


def _first(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g)


def _marker(numbers: str) -> str:
    return ", ".join(re.split(r"\s*(?:,|and)\s*", numbers))


def _numbers(group: str) -> list[int]:
    """The numbers of one marker's inside: '1, 3' -> [1, 3]."""
    return [int(n) for n in re.split(r"\s*,\s*", group)]


def sentence_markers(sentence: str) -> list[int]:
    return [n for group in _MARKER.findall(sentence) for n in _numbers(group)]


def set_markers(sentence: str, numbers: list[int]) -> str:
    """Replace a sentence's markers with ``numbers`` (placed before its final punctuation)."""
    bare = strip_markers(sentence)
    tail = bare[-1] if bare[-1:] in ".!?" else ""
    body = bare[: len(bare) - len(tail)].rstrip()
    return body + " " + "".join(f"[{n}]" for n in numbers) + tail


def clean_citations(text: str, passages: list[Passage]) -> tuple[str, list[Citation], list[int]]:
    """Drop markers that name no passage; return the text, the citations used (in order) and the dropped numbers."""
    used: dict[int, Citation] = {}
    removed: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = _numbers(match.group(1))
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        removed.extend(n for n in numbers if n not in valid)
        for n in valid:
            used.setdefault(n, Citation(n, passages[n - 1]))
        return "".join(f"[{n}]" for n in valid)

    cleaned = _MARKER.sub(keep, text)
    cleaned = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, list(used.values()), removed


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", _MARKER.sub("", text))).strip()


def unverified_quotes(text: str, cited: list[Citation]) -> list[str]:
    """Quoted strings that do not appear verbatim (ignoring case and spacing) in any cited passage."""
    sources = [_normal(c.passage.chunk.text) for c in cited]
    return [q for q in _QUOTE.findall(text) if not any(_normal(q) in s for s in sources)]


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text)) and len(strip_markers(text)) < 200


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())
