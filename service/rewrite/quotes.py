"""Direct quotations: a speaker's words, which a news rewrite keeps verbatim.

Quotation marks are paired over each paragraph, not each sentence, because a quotation often runs over several
sentences with its marks only at its two ends (“We don't want our lives to fade away. If we want to keep them, … ,”
he added.): curly marks open and close, straight marks alternate, a quotation still open at the end of its paragraph
runs to it if it opens speech (news style reopens each paragraph of a long quotation, and closes only the last),
and a closing mark with nothing open is a typo. Single marks are not read: in news text they are mostly apostrophes
and headline quotes.

A rewrite must also not put words inside quotation marks that its source has outside them: the model, asked to
split "Cathy Olkin, a mission scientist, said: “Charon blew our socks off…", writes the attribution as a sentence
of its own and closes the marks after it, so the speaker seems to say "Cathy Olkin is a mission scientist."
(``moved_into_quotes``; the rewriter's check fails such a unit), nor change the words inside its own quotation
marks ("overjoyed" as "very happy", "suggests" as "shows": ``reworded_quotes``); it may report speech in its own
words without them.

Used by the rewrite eval to measure how many of the source's quotations a rewrite keeps word for word, and, when
``RewritePolicy.keep_quotations`` is on (opt-in), by the rewrite: a sentence that is a quotation and its
attribution ("…,” said Cerf.) is then kept as said, with no model call.
"""

from __future__ import annotations

import re

from service.text import STOPWORDS, words

MIN_WORDS = 4  # a shorter quotation ("a 'dangerous' plan", “bit rot”) is a phrase the sentence uses, not speech
ATTRIBUTION_WORDS = 6  # words outside the marks that still make a quotation sentence: a verb and a speaker,
# with a title at most ("said Vint Cerf, Google's vice-president")
_PARAGRAPH = re.compile(r"[^\n]+")
_SINGLE_QUOTED = re.compile(r"(?<!\w)['‘]([^'‘’]+)['’](?!\w)")
_AS_WRITTEN = re.compile(r"[^\W\d_][\w’'-]*")  # a word with its capital, if any
_LOST = re.compile("[\u00c2-\u00f4][^\\w\\s]?\ufffd")  # a character lost in decoding, its lead byte read as a
# letter ("sourceâ€\ufffd" for "source”"): a gap between words, not part of one


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the text inside quotation marks, marks excluded, in order."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        opened: int | None = None
        depth = 0  # curly marks nest (“Argentina rejects the “.patagonia” request,” the government notes.)
        for i in range(paragraph.start(), paragraph.end()):
            mark = text[i]
            if mark == "“" or (mark == '"' and opened is None):
                opened = i + 1 if opened is None else opened
                depth += 1
            elif mark in '”"' and opened is not None:  # a closing mark with nothing open is a typo: ignored
                depth = depth - 1 if mark == "”" else 0
                if depth <= 0:
                    spans.append((opened, i))
                    opened, depth = None, 0
        if opened is not None and _opens_speech(text[paragraph.start() : opened - 1]):
            spans.append((opened, paragraph.end()))
    return spans


def _opens_speech(before: str) -> bool:
    """A mark left open to its paragraph's end is speech when it opens the paragraph or a sentence or follows
    a colon or comma, the ways speech is introduced (“.kindle with its closing mark missing is not)."""
    before = before.rstrip()
    return not before or before[-1] in ".!?:,"


def quotations(text: str) -> list[str]:
    """The text's quotations of at least MIN_WORDS words."""
    found = [text[a:b].strip() for a, b in quoted_spans(text)]
    return [q for q in found if len(words(q)) >= MIN_WORDS]


def quotation_sentence(start: int, end: int, spans: list[tuple[int, int]], text: str) -> bool:
    """The text's sentence at [start, end) is a quotation of at least MIN_WORDS words with at most
    ATTRIBUTION_WORDS words outside the marks (``spans`` from ``quoted_spans(text)``)."""
    inside = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
    quoted = sum(len(words(text[a:b])) for a, b in inside)
    outside, at = [], start
    for a, b in inside:
        outside.append(text[at:a])
        at = b
    outside.append(text[at:end])
    return quoted >= MIN_WORDS and len(words(" ".join(outside))) <= ATTRIBUTION_WORDS


def quote_recall(source: str, output: str) -> tuple[float, list[str]]:
    """Share of the source's quotations whose words the output keeps, in order, and the ones it changed."""
    wanted = quotations(source)
    changed = [q for q in wanted if not _in_order(q, output)]
    return (1.0 - len(changed) / len(wanted)) if wanted else 1.0, changed


def moved_into_quotes(source: str, output: str) -> list[str]:
    """The output's quotations (``MIN_WORDS`` or more) that carry content words its source has only outside
    quotation marks (an attribution put in the speaker's mouth, the writer's words presented as said). A span
    whose content words are all capitalised is a title ("Team of Rivals: The Political Genius of Abraham
    Lincoln"), not speech. The source's marks are read leniently (``said_leniently``), so only words it
    certainly did not quote count."""
    said = {w for a, b in said_leniently(source) for w in words(source[a:b])}
    outside = set(words(source)) - said - STOPWORDS
    moved = []
    for quote in quotations(output):
        content = [w for w in _AS_WRITTEN.findall(quote) if w.lower() not in STOPWORDS]
        if content and all(w[0].isupper() for w in content):
            continue  # a title
        if outside & set(words(quote)):
            moved.append(quote)
    return moved


def said_leniently(sentence: str) -> list[tuple[int, int]]:
    """Every range of one sentence that may be quoted: its paired quotations, a mark left open (to the end), a
    closing mark with nothing open (from the start: the sentence ends a quotation opened before it), and single
    marks around words ('You have to put a zero after everything'), which a rewrite may turn into double ones."""
    spans = quoted_spans(sentence)
    for i, mark in enumerate(sentence):
        if any(a - 1 <= i <= b for a, b in spans):
            continue
        if mark in '“"':
            spans.append((i + 1, len(sentence)))
        elif mark == "”":
            spans.append((0, i))
    spans += [m.span(1) for m in _SINGLE_QUOTED.finditer(sentence)]
    return spans


def reworded_quotes(source: str, output: str) -> list[str]:
    """The output's quotations (``MIN_WORDS`` or more) whose words are not the source's, in order: a speaker's
    words changed, dropped from inside or added to."""
    source = _LOST.sub(" ", source)
    return [quote for quote in quotations(output) if not _in_order(quote, source)]


def _in_order(part: str, text: str) -> bool:
    """The words of ``part`` occur in ``text`` as one run, in order (marks and case aside)."""
    return f" {' '.join(words(part))} " in f" {' '.join(words(text))} "
