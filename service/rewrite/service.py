"""Rewrite an article sentence by sentence: each unit generated on its own, checked both ways, retried with its
problems named, and kept as written when it still fails; every output sentence stays aligned to its source."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import textstat

from service.errors import InvalidInput
from service.fidelity.checker import FidelityChecker
from service.llm.client import LLM, Sampling
from service.logs import current_request, new_request_id
from service.logs import event as log_event
from service.parser import load_parser
from service.progress import Stage
from service.prompts import Prompt
from service.rewrite.clauses import split_clauses
from service.rewrite.floor import GenerationMeter
from service.rewrite.measures import changed_share, fact_recall, readability
from service.rewrite.quotes import quotation_sentence, quoted_spans
from service.rewrite.result import AlignedUnit, RewriteResult, UnitDone
from service.rewrite.unit_check import RewritePolicy, UnitCheck, already_plain, check_unit, said_verbatim
from service.rewrite.units import Unit, join_units, restates, split_units
from service.rewrite.vocabulary import hard_words_line
from service.streams import final
from service.text import sentences, words

SAMPLE_TEMPERATURE = 0.8  # the third candidate is drawn, not greedy: at temperature 0 a 1.5B model tends to
# repeat its own failed attempt (or the sentence unchanged)
DRAW_SEED_STEP = 100_003  # a further draw's seed: the sentence's position plus this times the draw's number

LEVELS = {
    "plain": "plain English for a general adult reader (about school grade 8): sentences under 15 words, "
    "everyday words.",
    "simple": "very simple English for a young reader or a learner (about school grade 6): sentences under "
    "10 words, the most common words.",
}


class RewriteService:
    def __init__(
        self, llm: Callable[[], LLM], checker: FidelityChecker, prompt: Prompt, policy: RewritePolicy | None = None
    ) -> None:
        self._llm = llm
        self._checker = checker
        self._prompt = prompt
        self.policy = policy or RewritePolicy()

    def rewrite(
        self, text: str, title: str, level: str = "plain", request_id: str | None = None
    ) -> Iterator[Stage | UnitDone | RewriteResult]:
        if level not in LEVELS:
            raise InvalidInput(f"unknown level '{level}' (use {', '.join(LEVELS)})")
        if not text.strip():
            raise InvalidInput("there is no text to rewrite")
        units = split_units(text, self.policy.drop_repeats)
        if all(u.skip == "promotion" for u in units):
            raise InvalidInput("the text is nothing but the publisher's promotional lines")
        started = time.perf_counter()
        llm = self._llm()
        parse = load_parser() if self.policy.split_clauses else None
        done: list[AlignedUnit] = []
        said: list[set[str]] = []  # the words of every output sentence so far
        timings = {"first_unit_s": 0.0, "generation_s": 0.0, "check_s": 0.0}
        meter = GenerationMeter()
        spans = quoted_spans(text) if self.policy.keep_quotations else []
        quoted = {u.index for u in units if spans and quotation_sentence(u.start, u.end, spans, text)}
        for unit in units:
            yield Stage("rewriting", unit.index, len(units), "sentence")
            aligned = self._unit(llm, unit, parse, level, said, timings, meter, unit.index in quoted)
            if not done:
                timings["first_unit_s"] = time.perf_counter() - started
            done.append(aligned)
            yield UnitDone(aligned)
        output = join_units([(u.paragraph, u.text) for u in done])
        kept_source = join_units([(u.paragraph, u.source) for u in done if u.status != "dropped: promotion"])
        recall, dropped = fact_recall(kept_source, output)
        timings["floor_s"] = meter.floor_s(output)
        timings["decode_tokens_per_s"] = meter.tokens_per_s
        result = RewriteResult(
            title=title,
            level=level,
            text=output,
            units=done,
            before=readability(text),
            after=readability(output),
            fact_recall=recall,
            dropped_facts=dropped,
            changed_share=changed_share(kept_source, output),
            seconds=time.perf_counter() - started,
            source_words=len(text.split()),
            timings={k: round(v, 3) for k, v in timings.items()},
            request_id=request_id or current_request() or new_request_id(),
        )
        log_event(
            "rewrite", request_id=result.request_id, level=level, source_words=result.source_words,
            units=len(done), retried=sum(u.retried for u in done), kept=result.kept_original,
            unsupported=len(result.unsupported), fact_recall=round(recall, 3), seconds=round(result.seconds, 3),
            **result.timings,
        )  # fmt: skip
        yield result

    def run(self, text: str, title: str, level: str = "plain") -> RewriteResult:
        return final(self.rewrite(text, title, level), RewriteResult)

    def _unit(
        self, llm: LLM, unit: Unit, parse: Callable[[str], Any] | None, level: str, said: list[set[str]],
        timings: dict[str, float], meter: GenerationMeter, quotation: bool = False,
    ) -> AlignedUnit:  # fmt: skip
        """One source sentence: skipped, kept as said (a quotation) or plain, split by rule, or generated, checked
        and maybe retried."""
        policy = self.policy
        if unit.skip:
            return AlignedUnit.of(unit, "", "dropped: promotion" if unit.skip == "promotion" else "dropped: repeat")
        plain = policy.skip_plain and already_plain(unit.text, level)
        if quotation or plain or (policy.verbatim_quotations and said_verbatim(unit.text)):  # no model call
            said.append(set(words(unit.text)))
            return AlignedUnit.of(unit, _tidy(unit.text), "already plain" if plain and not quotation else "quotation")
        pieces = split_clauses(unit.text, parse) if parse else [unit.text]
        split = " ".join(pieces) if len(pieces) > 1 else ""
        fallback = bool(split)  # the split, if the model's attempts fail, unless it failed its check already
        if split and policy.skip_plain and all(already_plain(p, level) for p in pieces):
            ruled = self._ruled(unit, split, level, said, timings)  # plain once split: no model call
            if ruled:
                return ruled
            fallback = False
        attempts: list[tuple[str, UnitCheck, int]] = []
        problems = ""
        rounds = (2 + (policy.draws if policy.sample_candidate else 0)) if policy.retry else 1
        for attempt in range(rounds):
            usable = any(_usable(unit.text, *a[:2]) for a in attempts)
            rescue_only = policy.retry_to_rescue if attempt == 1 else policy.draw_to_rescue
            if attempt >= 1 and rescue_only and usable:
                break  # an attempt says the same, changed: another would only polish it
            if attempt == 2 and fallback and not usable:
                # a split by rule keeps every word: when it passes its check it comes before any draw
                ruled = self._ruled(unit, split, level, said, timings, retried=True)
                if ruled:
                    return ruled
                fallback = False
            seed = unit.index + DRAW_SEED_STEP * (attempt - 2)  # the first draw's seed is the sentence's position
            sample = Sampling(SAMPLE_TEMPERATURE, seed=seed) if attempt >= 2 else None
            clock = time.perf_counter()
            stream = self._generate(llm, level, split or unit.text, problems, sample)
            raw = "".join(meter.stream(stream))
            timings["generation_s"] += time.perf_counter() - clock
            output = _without_repeats(clean_output(raw), said) if policy.drop_repeats else clean_output(raw)
            clock = time.perf_counter()
            check, claims = check_unit(self._checker, unit.text, output, policy, level)
            timings["check_s"] += time.perf_counter() - clock
            attempts.append((output, check, claims))
            if output and not check.problems():
                break
            problems = problems or check.retry_request()  # a sampled candidate gets the first problems named
        output, check, claims = min(attempts, key=lambda a: (not a[0], a[1].score, _grade(a[0])))
        retried = len(attempts) > 1
        copied = _handed_back(unit.text, output)
        if (not output or copied or check.failed) and policy.keep_original:
            ruled = self._ruled(unit, split, level, said, timings, retried) if fallback else None
            if ruled:
                return ruled
            said.append(set(words(unit.text)))
            reasons = ["the model returned nothing"] if not output else check.problems()
            reasons = ["the model returned it unchanged"] if copied else reasons
            return AlignedUnit.of(unit, _tidy(unit.text), "kept original", retried, reasons)
        said.extend(set(words(s.text)) for s in sentences(output))
        return AlignedUnit.of(unit, output, "rewritten", retried, check.problems(), check.unsupported, claims)

    def _ruled(
        self, unit: Unit, split: str, level: str, said: list[set[str]], timings: dict[str, float],
        retried: bool = False,
    ) -> AlignedUnit | None:  # fmt: skip
        """The sentence split by rule, if it passes the same check as a model's rewrite."""
        clock = time.perf_counter()
        check, claims = check_unit(self._checker, unit.text, split, self.policy, level)
        timings["check_s"] += time.perf_counter() - clock
        if check.failed:
            return None
        said.extend(set(words(s.text)) for s in sentences(split))
        return AlignedUnit.of(unit, split, "split by rule", retried, check.problems(), check.unsupported, claims)

    def _generate(
        self, llm: LLM, level: str, sentence: str, problems: str,
        sample: Sampling | None = None,
    ) -> Iterator[str]:  # fmt: skip
        named = hard_words_line(sentence) if self.policy.name_hard_words else ""
        messages = self._prompt.render(level=LEVELS[level], problems=problems, hard=named, sentence=sentence)
        max_tokens = max(48, 3 * len(words(sentence)) + 24)
        return llm.stream(messages, max_tokens=max_tokens, sample=sample)


def _usable(source: str, output: str, check: UnitCheck) -> bool:
    """An attempt that could be kept: something, nothing added or dropped, not the sentence handed back."""
    return bool(output) and not check.failed and not _handed_back(source, output)


def _handed_back(source: str, output: str) -> bool:
    """The model returned the sentence itself (its words unchanged)."""
    return words(output) == words(source)


def _grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text)) if text else 99.0


def _tidy(sentence: str) -> str:
    """A source sentence as kept: whitespace normalised, nothing else touched."""
    return re.sub(r"\s+", " ", sentence).strip()


def _without_repeats(text: str, said: list[set[str]]) -> str:
    """The output without sentences that restate an earlier output sentence."""
    for span in reversed(sentences(text)):
        own = set(words(span.text))
        if any(restates(own, earlier) for earlier in said):
            text = text[: span.start] + text[span.end :]
    return _tidy(text)


_ECHO_CUT = re.compile(r"^\s*(Sentence to rewrite:|Text to rewrite:)", re.IGNORECASE | re.MULTILINE)
_ECHO_LINE = re.compile(
    r"^\s*(Reading level:|Rewritten"
    r"( sentence)?s?:).*$\n?",
    re.IGNORECASE | re.MULTILINE,
)


def clean_output(text: str) -> str:
    """The model's reply without prompt scaffolding a small model may echo, an echoed copy of the input,
    or quotation marks wrapped around the whole answer."""
    cut = _ECHO_CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    text = _ECHO_LINE.sub("", text).strip()
    if len(text) > 1 and text[0] in '"“' and text[-1] in '"”' and text.count('"') + text.count("“") <= 2:
        text = text[1:-1].strip()
    return _tidy(text)
