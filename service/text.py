"""Sentences and words with character offsets, light stemming, stopwords and word rarity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.parser import opens_with_common_word
from service.places import same_place

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+|\n+")
_ABBREVIATION = re.compile(  # a title or abbreviation whose full stop ends no sentence: "Dr.", "St.", "e.g."
    r"(?<![\w.])(?:mr|mrs|ms|dr|st|jr|sr|prof|gen|u\.s|u\.k|e\.g|i\.e)\.$", re.IGNORECASE
)  # a whole word: "guest." (st), "pilgrims." (ms) and "nitrogen." (gen) end their sentences
_I_CONTRACTION = re.compile(r"I['’](?:m|d|ve|ll)$")  # "I’m", "I'd": the pronoun, never a name
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*[^\W\d_]*(?:['’][^\W\d_]+)?")
NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"})
STOPWORDS = frozenset(
    """
    a an the of and or to in on at by for with from as is are was were be been being it its this that these
    those he she they them his her their we you i me my our your but if then than so such has have had do does
    did will would can could should may might must also into over after before about up down out off more most
    other some any all each both few many much own same very just there here when where which who whom whose
    what why how while during under again further once said says say told according unk yes ok okay
    """.split()
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Span]:
    """Sentence spans; ``text[s.start:s.end] == s.text`` and no span is empty."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if _ABBREVIATION.search(candidate):
            continue
        _add(spans, text, start, match.start())
        start = match.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        begin = start + piece.index(stripped[0])
        spans.append(Span(begin, begin + len(stripped), stripped))


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


_IRREGULAR = {
    "took": "take", "taken": "take", "went": "go", "gone": "go", "said": "say", "made": "make", "left": "leave",
    "gave": "give", "given": "give", "won": "win", "lost": "lose", "held": "hold", "paid": "pay", "sold": "sell",
    "bought": "buy", "told": "tell", "found": "find", "led": "lead", "ran": "run", "began": "begin", "begun": "begin",
    "came": "come", "became": "become", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise",
    "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak", "chose": "choose", "chosen": "choose",
    "died": "die", "men": "man", "women": "woman", "children": "child", "people": "person",
}  # fmt: skip


def stem(word: str) -> str:
    """The word's stem for matching: a plural or verb ending dropped, and a number's thousands separators ("1,000"
    and "1000" are the same word)."""
    word = word.removesuffix("'s")
    if word[:1].isdigit():
        word = _THOUSANDS.sub("", word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


NUMBER_WORDS = frozenset(
    """
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
    million millions billion billions trillion dozen dozens half twice double triple first second third
    """.split()
)


def is_number(word: str) -> bool:
    return word[:1].isdigit() or word in NUMBER_WORDS


_CARDINALS = dict(
    zip(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
        "million billion dozen".split(),
        [*map(str, range(21)), *map(str, range(30, 100, 10)), "100", "1000", "1000000", "1000000000", "12"],
        strict=True,
    )
)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def number_value(word: str) -> str | None:
    """The number a word names, in digits: "two" and "2m" give "2", "6,442" gives "6442"; a vague or ordinal
    word ("hundreds", "first") or a word that is not a number gives None."""
    if word in _CARDINALS:
        return _CARDINALS[word]
    found = _DIGITS.match(word)
    return found.group().replace(",", "") if found else None


def number_values(tokens: list[str]) -> set[str]:
    """The numbers some words name, in digits; "a" and "an" name one ("one man" says what "a man" says)."""
    values = {v for v in map(number_value, tokens) if v is not None}
    return values | ({"1"} if {"a", "an"} & set(tokens) else set())


# Words that mean a number of units, and the number words a plain rewrite spells them out with ("within a
# decade" → "within ten years", "for centuries" → "for hundreds of years"). Only the same number: "twenty years"
# for "a decade" or "thousands of years" for "centuries" still names a number the source does not.
_SPELLED_OUT = {
    "decade": ("ten",),
    "century": ("hundred",),
    "centuries": ("hundreds",),
    "millennium": ("thousand",),
    "millennia": ("thousands",),
    "fortnight": ("two",),
}


def spelled_out(tokens: list[str]) -> list[str]:
    """The number words that restate these words' units ("decade" gives "ten")."""
    return [same for t in tokens for same in _SPELLED_OUT.get(t, ())]


_SCOPE_SKIP = frozenset({"yet", "already", "even", "still", "ever", "always", "really", "necessarily", "only"})


def _opens_clause(before: str) -> bool:
    """Whether a word after ``before`` opens a clause: the sentence's start, a colon, or an opening quotation
    mark ("He said: “Seek out people…”", "…the job: Expect to…")."""
    before = before.rstrip()
    if not before or before[-1] == ":":
        return True
    return before[-1] in "\"“‘'" and (len(before) == 1 or before[-2].isspace() or before[-2] in "(:")


def proper_nouns(text: str, sentence_initial: bool = True) -> set[str]:
    """Lower-cased capitalised words (names, places, organisations). A word that starts a sentence
    counts only with ``sentence_initial``, when it is not a common word, and when the parser's tagger does not
    read it as a verb, adjective, adverb, function word or plural noun ("Metz posted…", "Paris said…" and "Dutch
    police said…", not "Fewer people…", "Putting it on the map…" or "Critics say…"). A word that opens a clause
    after a colon or an opening quotation mark is read the same way ("…the job: Expect to…")."""
    found: set[str] = set()
    for span in sentences(text):
        matches = list(_WORD.finditer(span.text))
        opening = [i == 0 or _opens_clause(span.text[: m.start()]) for i, m in enumerate(matches)]
        found.update(
            m.group().lower()
            for m, opens in zip(matches, opening, strict=True)
            if not opens and m.group()[:1].isupper() and not m.group().isupper()
            and not _I_CONTRACTION.match(m.group())
        )  # fmt: skip
        for i, m in enumerate(matches) if sentence_initial else []:
            word = m.group()
            if (
                opening[i]
                and word[:1].isupper()
                and (i == 0 or not word.isupper())  # an acronym inside a sentence is no name, as elsewhere
                and word.lower() not in STOPWORDS
                and word.lower() not in found
                and zipf(word.lower()) < 5
                and (bool(same_place(word.lower())) or not opens_with_common_word(span.text[m.start() :]))
            ):
                found.add(word.lower())
    return found


def is_negation(token: str) -> bool:
    return token in NEGATIONS or token.endswith("n't")


def negation_scopes(tokens: list[str]) -> set[str]:
    """Stems of the first content word after each negation: 'did not announce' -> {'announce'}."""
    scopes: set[str] = set()
    for i, token in enumerate(tokens):
        if is_negation(token):
            following = [t for t in tokens[i + 1 : i + 5] if t not in STOPWORDS | NEGATIONS | _SCOPE_SKIP]
            if following:
                scopes.add(stem(following[0]))
    return scopes


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale: 7 = 'the', 0 = unseen)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


_JOINERS = frozenset({"of", "and", "for", "the", "&"})  # may stand inside a name without giving it a letter


def acronyms(text: str) -> set[str]:
    """The all-capital words of a text (2 to 6 letters): "UN", "IEA", "FAO"."""
    return {t for t in _WORD.findall(text) if 2 <= len(t) <= 6 and t.isalpha() and t.isupper()}


def acronym_expansions(text: str, known: set[str]) -> set[str]:
    """The words (lower-cased) of runs of capitalised words in ``text`` whose initials spell one of the
    ``known`` acronyms: "United Nations" for "UN", "Food and Agriculture Organization" for "FAO". News writes
    an organisation's acronym; a plain-English rewrite spells it out, which adds no fact."""
    tokens = _WORD.findall(text)
    found: set[str] = set()
    for start, first in enumerate(tokens):
        if not first[:1].isupper():
            continue
        initials, run = "", []
        for token in tokens[start:]:
            if token[:1].isupper() and not token.isupper():
                initials += token[0]
                run.append(token)
                if len(initials) >= 2 and initials in known:
                    found.update(w.lower() for w in run)
            elif token.lower() in _JOINERS and run:
                run.append(token)
            else:
                break
    return found
