"""Checking one rewritten unit both ways, and the rules that decide what happens to it.

- nothing added: every output sentence is supported by the source sentence alone (the prompt keeps
  pronouns as written, so a name the sentence does not contain is an addition, however likely);
- nothing put in a speaker's mouth: no words the sentence has outside quotation marks go inside them, and the
  words inside the output's quotation marks are the sentence's, in order;
- nothing dropped: the output supports the source sentence (the checker in the reverse direction), and
  every name, number, date and quote of the source sentence occurs in it;
- easier: the output is shorter per sentence or simpler in words than its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import textstat

from service.fidelity.checker import FidelityChecker
from service.fidelity.report import ClaimVerdict
from service.rewrite.attribution import lost_attribution
from service.rewrite.quotes import ATTRIBUTION_WORDS, MIN_WORDS, moved_into_quotes, reworded_quotes
from service.text import NUMBER_WORDS, STOPWORDS, acronym_expansions, number_value, proper_nouns, sentences, words
from service.units import in_range, written_out

MAX_WORDS = {"plain": 15, "simple": 10}  # words per output sentence the level aims at
MAX_GRADE = {"plain": 8.0, "simple": 6.0}  # Flesch-Kincaid grade the level aims at
TOO_SHORT_TO_REWRITE = 3  # words: a unit this short ("Maybe.", "he enthuses.", "4 Electronic tagging") is plain
# as it is: nothing to split, and a grade formula read on one long word means nothing ("Australia" is grade 20);
# sent alone, the model hands it back or changes what it names ("14 volcanic eruptions" for "14 Volcanic
# fallout": docs/rewrite.md)
# numbers written as words that a rewrite must keep; not the ones with another common sense, which a plain
# rewrite may fairly drop or reword: "one" (a pronoun: "one of them"), "first" and "second" (an order, a unit of
# time), "double" and "triple" (verbs and adjectives: "the kiosks will double as DJ booths")
SPELLED_NUMBERS = NUMBER_WORDS - {"one", "first", "second", "double", "triple"}
_QUOTE = re.compile(r"[“\"]([^“”\"]{4,})[”\"]")  # an opening mark inside a quote starts the quote kept


@dataclass(frozen=True)
class RewritePolicy:
    """The rewrite's rules, each switchable for measurement (``newsdesk eval rewrite``)."""

    skip_plain: bool = True  # a sentence already within the level is kept as written: no model call
    keep_quotations: bool = False  # a sentence that is a quotation and its attribution is kept as said, no model
    # call (service/rewrite/quotes.py); opt-in (NEWSDESK_REWRITE_KEEP_QUOTATIONS): it keeps every speaker's words
    # but leaves interview-heavy articles harder to read (docs/rewrite.md)
    retry: bool = True  # a unit that fails a check is generated once more with its problems named
    sample_candidate: bool = True  # if the retry fails too, one more candidate is drawn at a temperature; the
    # easiest attempt that passes is kept
    draw_to_rescue: bool = True  # the drawn candidate only for a unit with no faithful, changed attempt yet (one
    # that is only not easy enough is kept as it is: the draw rescues sentences, it does not polish them)
    retry_to_rescue: bool = True  # the greedy retry too: a first attempt that is faithful and changed, and only
    # not easy enough or too long, is kept without it (docs/rewrite.md measures what the retry bought)
    draws: int = 3  # candidates drawn, one after another, until one is usable (NEWSDESK_REWRITE_DRAWS; the same
    # prompt each time, so llama.cpp's cache holds all of it and a further draw costs its decoding only)
    check_coverage: bool = False  # the reverse check: the output must support the whole source sentence
    # (off: a plain-English sentence that drops filler never supports its source whole; the names, numbers,
    # dates and quotes are checked exactly either way; docs/rewrite.md measures both)
    require_easier: bool = True  # an output not easier than its source, or with a sentence over
    # ``long_factor`` times the level's words per sentence, is retried with that named (a problem, not a failure)
    long_factor: float = 1.34  # plain: 20 words; simple: 13
    keep_original: bool = True  # a unit that still fails keeps its source sentence, marked
    drop_repeats: bool = True  # a sentence restating an earlier one (in the source or the output) is dropped
    split_clauses: bool = True  # long sentences are split by grammar rules before the model sees them; a
    # split whose pieces are all plain needs no model, and a split that passes the check replaces "kept as written"
    name_hard_words: bool = True  # the prompt names the sentence's rare words (service/rewrite/vocabulary.py)
    judge_passes: bool = True  # the language model also reads the output sentences the fast checker passed, and
    # fails one it reads below the rewrite decision's bar (judged.json ``judge_passes``): word overlap passes a
    # reversed or garbled sentence in the source's own words (docs/fidelity.md, "Rewrites the check passed")
    questions_asked: bool = True  # a sentence that asks a question (its last mark, closing quotes aside, is "?")
    # fails when its output asks none: a question asserts nothing, a statement made of it asserts its premise
    # ("…or how will we help our workers?" → "…or we would help our workers.")
    quotes_as_said: bool = True  # an output that puts words the sentence has outside quotation marks inside them
    # (an attribution closed into the quotation), or changes the words inside its quotation marks, fails
    # (service/rewrite/quotes.py ``moved_into_quotes``, ``reworded_quotes``)
    verbatim_quotations: bool = True  # a sentence that is nearly all quotations the check demands word for word
    # (``said_verbatim``) is kept as said, with no model call: any output that passes is it reordered
    attribution: bool = True  # a sentence that reports what someone says, found or believes ("…,” he added.", "…,
    # a report says") fails when its output keeps no attribution: the claim would read as the article's own fact
    # (service/rewrite/attribution.py)
    number_words: bool = True  # a number written as a word ("half", "two", "twice", "thousands") is a fact to keep
    # like one in digits: "…a quarter of sheep, and half of pigs" came back "…a quarter of pigs" and passed


SWITCHES = (
    "split_clauses", "name_hard_words", "sample_candidate", "draw_to_rescue", "retry_to_rescue", "skip_plain", "retry",
    "require_easier", "keep_original", "drop_repeats", "judge_passes", "quotes_as_said", "questions_asked",
    "number_words", "verbatim_quotations", "attribution",
)  # fmt: skip  # the rules NEWSDESK_REWRITE_RULES_OFF can switch off


def policy_without(rules_off: list[str]) -> RewritePolicy:
    """The default policy with the named rules switched off."""
    return RewritePolicy(**{rule: False for rule in rules_off if rule in SWITCHES})


@dataclass(frozen=True)
class UnitCheck:
    unsupported: list[ClaimVerdict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # names, numbers, dates, quotes the output lost
    misquoted: list[str] = field(default_factory=list)  # output quotations carrying words said outside the marks
    reworded: list[str] = field(default_factory=list)  # output quotations whose words are not the sentence's
    unattributed: list[str] = field(default_factory=list)  # the sentence's attributions, none kept by the output
    uncovered: bool = False  # the output as a whole does not support the source sentence
    asserted: bool = False  # the sentence asks a question the output states instead
    harder: bool = False
    too_long: list[str] = field(default_factory=list)  # output sentences over the level's words per sentence

    @property
    def failed(self) -> bool:
        """A fidelity problem: something added or dropped (being no easier is a problem, not a failure)."""
        return bool(
            self.unsupported or self.missing or self.uncovered or self.misquoted or self.reworded or self.asserted
            or self.unattributed
        )  # fmt: skip

    def problems(self) -> list[str]:
        out = [f'"{c.text}" says something the sentence does not' for c in self.unsupported]
        if self.missing:
            out.append("it leaves out " + ", ".join(f'"{m}"' for m in self.missing))
        out += [f'it puts "{q}" inside quotation marks: only the speaker\'s words go there' for q in self.misquoted]
        out += [
            f'it changes the words inside quotation marks ("{q}"): keep the speaker\'s words as said, or report them '
            "without the marks"
            for q in self.reworded
        ]
        if self.unattributed:
            out.append("it leaves out who says it (" + ", ".join(f'"{a}"' for a in self.unattributed) + ")")
        if self.uncovered:
            out.append("it does not say everything the sentence says")
        if self.asserted:
            out.append("it states what the sentence asks: keep the question a question")
        if self.harder:
            out.append("it is not easier to read than the sentence: use shorter sentences and common words")
        out += [f'"{t}" has {len(words(t))} words: split it into shorter sentences' for t in self.too_long]
        return out

    def retry_request(self) -> str:
        """What the retry's prompt says about the first attempt."""
        return "Your previous version had problems: " + "; ".join(self.problems()) + ". Fix them.\n"

    @property
    def score(self) -> int:
        """Fewer is better: how a retry is compared with the first attempt."""
        return (
            2 * (len(self.unsupported) + len(self.missing) + len(self.misquoted) + len(self.reworded))
            + 2 * (self.uncovered + self.asserted + bool(self.unattributed))
            + self.harder
            + len(self.too_long)
        )


def key_facts(sentence: str, number_words: bool = True) -> list[str]:
    """What a rewrite must keep exactly: quotes, names (capitalised words; one opening the sentence only when
    it is neither a common word nor read by the tagger as a verb, adjective or plural noun: "Critics say…" asks
    for no "Critics") and numbers, as the sentence writes them; with ``number_words``, numbers written as words
    too (``SPELLED_NUMBERS``), which may come back in digits ("two": "2")."""
    found = [q.strip() for q in _QUOTE.findall(sentence)]
    names = proper_nouns(sentence)
    found += [
        w
        for w in re.findall(r"(?<!\w)[^\W\d_][\w’'-]*", sentence)  # whole words: "3BC" is a number's
        if w.lower() in names - STOPWORDS or (len(w) > 1 and w.isupper())  # names; acronyms (WHO, EU)
    ]
    # 2024, 4.5%, o1, and a number with the word hyphened to its front ("mid-2030s", "COVID-19", "top-10"): "the
    # end of the 2030s" keeps "2030s" but not what "mid-" says of it
    found += [t.rstrip(".,") for t in re.findall(r"(?<![\w.,])(?:[^\W\d_]+-)?\w*\d[\w,.%]*", sentence)]
    if number_words:  # outside quotes: a quote is kept whole already
        found += [w for w in words(_QUOTE.sub(" ", sentence)) if w in SPELLED_NUMBERS]
    return list(dict.fromkeys(found))


def missing_facts(sentence: str, output: str, number_words: bool = True) -> list[str]:
    have = " ".join(words(output))
    lost = []
    for fact in key_facts(sentence, number_words):
        wanted = " ".join(words(fact))
        ways = {wanted, *written_out(wanted)}  # "$240bn" kept as "$240 billion", "1,000km" as "1,000 kilometres"
        digits = number_value(wanted) if wanted in SPELLED_NUMBERS else None
        if digits:
            ways.add(digits)  # "two" kept as "2"
        if (
            wanted
            and not any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", have) for w in ways)
            and not in_range(wanted, output)
        ):
            if fact.isupper() and fact.isalpha() and acronym_expansions(output, {fact}):
                continue  # "UN" spelled out as "United Nations": the same organisation
            lost.append(fact)
    return lost


def said_verbatim(sentence: str) -> bool:
    """The check demands the sentence's quotations word for word (``key_facts``: each between its two marks
    inside the sentence), one at least MIN_WORDS long, and at most ATTRIBUTION_WORDS words lie outside them (a
    verb and a speaker: “…,” said Cerf.). Every output that passes the check is then the sentence reordered."""
    quotes = [q for q in _QUOTE.findall(sentence) if len(words(q)) >= MIN_WORDS]
    return bool(quotes) and len(words(_QUOTE.sub(" ", sentence))) <= ATTRIBUTION_WORDS


def asks(sentence: str) -> bool:
    """The sentence is a question: its last mark, closing quotation marks aside, is a question mark."""
    return sentence.rstrip().rstrip("\"”’'").rstrip().endswith("?")


def already_plain(sentence: str, level: str) -> bool:
    n = len(words(sentence))
    if 0 < n <= TOO_SHORT_TO_REWRITE:
        return True
    return 0 < n <= MAX_WORDS[level] and float(textstat.flesch_kincaid_grade(sentence)) <= MAX_GRADE[level]


def harder(sentence: str, output: str) -> bool:
    """Neither shorter per sentence nor lower in grade than the source."""
    spans = sentences(output)
    per_sentence = len(words(output)) / max(1, len(spans))
    shorter = per_sentence < len(words(sentence))
    simpler = float(textstat.flesch_kincaid_grade(output)) < float(textstat.flesch_kincaid_grade(sentence))
    return not (shorter or simpler)


def check_unit(
    checker: FidelityChecker, sentence: str, output: str, policy: RewritePolicy, level: str = "plain"
) -> tuple[UnitCheck, int]:
    """The unit's check, and how many output sentences were checked (claims)."""
    forward = checker.check(sentence, output, kind="rewrite", read_passes=policy.judge_passes)
    limit = policy.long_factor * MAX_WORDS[level]
    uncovered = False
    if policy.check_coverage:
        uncovered = bool(checker.check(output, sentence, kind="rewrite").unsupported)
    moved = moved_into_quotes(sentence, output) if policy.quotes_as_said else []
    check = UnitCheck(
        unsupported=forward.unsupported,
        missing=missing_facts(sentence, output, policy.number_words),
        misquoted=moved,
        reworded=[q for q in reworded_quotes(sentence, output) if q not in moved] if policy.quotes_as_said else [],
        uncovered=uncovered,
        asserted=policy.questions_asked and asks(sentence) and "?" not in output,
        unattributed=lost_attribution(sentence, output) if policy.attribution else [],
        harder=policy.require_easier and harder(sentence, output),
        too_long=[s.text for s in sentences(output) if len(words(s.text)) > limit] if policy.require_easier else [],
    )
    return check, len(forward.claims)
