"""Rewrite an article section by section, check each section, regenerate once, report what changed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from service.errors import InvalidInput
from service.fidelity.checker import ClaimVerdict, FidelityChecker
from service.llm.chain import chat_chain, stream_text
from service.llm.client import LLM
from service.logs import current_request, new_request_id
from service.logs import event as log_event
from service.progress import Stage
from service.prompts import Prompt
from service.rewrite.measures import Readability, changed_share, fact_recall, readability
from service.rewrite.promotion import remove_promotion
from service.rewrite.sections import join_sections, split_sections
from service.streams import final
from service.text import sentences, words

LEVELS = {
    "plain": "plain English for a general adult reader (about school grade 8): short sentences, everyday words.",
    "simple": "very simple English for a young reader or a learner (about school grade 6): very short "
    "sentences, the most common words.",
}
MIN_CHANGED_SHARE = 0.3  # below this share of changed sentences the text is a copy, not a rewrite
_CONTEXT_CHARS = 300


@dataclass(frozen=True)
class Delta:
    text: str


@dataclass(frozen=True)
class SectionDone:
    index: int
    text: str
    regenerated: bool
    unsupported: list[ClaimVerdict]


@dataclass
class RewriteResult:
    title: str
    level: str
    text: str
    sections: list[SectionDone]
    before: Readability
    after: Readability
    fact_recall: float
    dropped_facts: list[str]
    changed_share: float
    claims: int
    seconds: float
    source_words: int
    timings: dict[str, float] = field(default_factory=dict)
    request_id: str = ""
    removed_promotion: list[str] = field(default_factory=list)  # the publisher's lines about itself, dropped

    @property
    def unsupported(self) -> list[ClaimVerdict]:
        return [c for s in self.sections for c in s.unsupported]

    @property
    def unsupported_rate(self) -> float:
        return len(self.unsupported) / self.claims if self.claims else 0.0

    @property
    def is_rewrite(self) -> bool:
        return self.changed_share >= MIN_CHANGED_SHARE

    @property
    def verdict(self) -> str:
        if not self.is_rewrite:
            return f"not a rewrite: only {self.changed_share:.0%} of sentences changed"
        if self.unsupported:
            return f"rewritten, {len(self.unsupported)} sentence(s) not supported by the original"
        return "rewritten; every sentence is supported by the original"


class RewriteService:
    def __init__(
        self, llm: Callable[[], LLM], checker: FidelityChecker, prompt: Prompt, section_chars: int = 700
    ) -> None:
        self._llm = llm
        self._checker = checker
        self._prompt = prompt
        self._section_chars = section_chars

    def rewrite(
        self, text: str, title: str, level: str = "plain", request_id: str | None = None
    ) -> Iterator[Delta | Stage | SectionDone | RewriteResult]:
        if level not in LEVELS:
            raise InvalidInput(f"unknown level '{level}' (use {', '.join(LEVELS)})")
        if not text.strip():
            raise InvalidInput("there is no text to rewrite")
        original = text
        text, promotion = remove_promotion(text)
        if not text.strip():
            raise InvalidInput("the text is nothing but the publisher's promotional lines")
        started = time.perf_counter()
        llm = self._llm()
        sections = split_sections(text, self._section_chars)
        done: list[SectionDone] = []
        claims = 0
        timings = {"first_token_s": 0.0, "generation_s": 0.0, "check_s": 0.0, "regeneration_s": 0.0}
        for index, section in enumerate(sections):
            yield Stage("rewriting", index, len(sections))
            if index:
                yield Delta("\n\n")
            context = _context(done[-1].text) if done else ""
            first: list[str] = []
            clock = time.perf_counter()
            for piece in self._generate(llm, title, context, level, section, problems=""):
                if not index and not first:
                    timings["first_token_s"] = time.perf_counter() - clock
                first.append(piece)
                yield Delta(piece)
            timings["generation_s"] += time.perf_counter() - clock
            rewritten = clean_output("".join(first), done[-1].text if done else "")
            yield Stage("checking", index, len(sections))
            clock = time.perf_counter()
            report = self._checker.check(section, rewritten)
            timings["check_s"] += time.perf_counter() - clock
            regenerated = False
            if report.unsupported:
                yield Stage("regenerating after the check", index, len(sections))
                clock = time.perf_counter()
                retry = clean_output(
                    "".join(self._generate(llm, title, context, level, section, _problems(report.unsupported)))
                )
                retry_report = self._checker.check(section, retry)
                timings["regeneration_s"] += time.perf_counter() - clock
                if retry and len(retry_report.unsupported) < len(report.unsupported):
                    rewritten, report, regenerated = retry, retry_report, True
            claims += len(report.claims)
            finished = SectionDone(index, rewritten, regenerated, report.unsupported)
            done.append(finished)
            yield finished
        final = join_sections([s.text for s in done])
        recall, dropped = fact_recall(text, final)
        result = RewriteResult(
            title=title,
            level=level,
            text=final,
            sections=done,
            before=readability(original),
            after=readability(final),
            fact_recall=recall,
            dropped_facts=dropped,
            changed_share=changed_share(text, final),
            claims=claims,
            seconds=time.perf_counter() - started,
            source_words=len(text.split()),
            timings={k: round(v, 3) for k, v in timings.items()},
            request_id=request_id or current_request() or new_request_id(),
            removed_promotion=promotion,
        )
        log_event(
            "rewrite", request_id=result.request_id, level=level, source_words=result.source_words,
            sections=len(done), regenerated=sum(s.regenerated for s in done), unsupported=len(result.unsupported),
            fact_recall=round(recall, 3), seconds=round(result.seconds, 3), **result.timings,
        )  # fmt: skip
        yield result

    def run(self, text: str, title: str, level: str = "plain") -> RewriteResult:
        return final(self.rewrite(text, title, level), RewriteResult)

    def _generate(self, llm: LLM, title: str, context: str, level: str, section: str, problems: str) -> Iterator[str]:
        messages = self._prompt.render(
            title=title, context=context, level=LEVELS[level], section=section, problems=problems
        )
        max_tokens = max(256, len(section) // 2)
        return stream_text(chat_chain(llm, "newsdesk-rewrite", max_tokens=max_tokens), messages, llm)


def _context(previous: str) -> str:
    tail = " ".join(s.text for s in sentences(previous)[-2:])[-_CONTEXT_CHARS:]
    return f"The rewrite so far ends: {tail}\n"


_ECHO_CUT = re.compile(r"^\s*(<text>|Text to rewrite:)", re.IGNORECASE | re.MULTILINE)  # an echoed input follows
_ECHO_LINE = re.compile(
    r"^\s*(</?text>|Article title:|Reading level:|The rewrite so far ends:).*$\n?", re.IGNORECASE | re.MULTILINE
)


def clean_output(text: str, previous: str = "") -> str:
    """Drop prompt scaffolding a small model may echo, an echoed copy of the input, and sentences that
    repeat the previous section (the running context invites the model to restate it)."""
    cut = _ECHO_CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    text = _ECHO_LINE.sub("", text).strip()
    seen = {_key(s.text) for s in sentences(previous)}
    for span in reversed(sentences(text)):
        if _key(span.text) in seen:
            text = text[: span.start] + text[span.end :]
    return re.sub(r"[ \t]+\n", "\n", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _key(sentence: str) -> tuple[str, ...]:
    return tuple(words(sentence))


def _problems(unsupported: list[ClaimVerdict]) -> str:
    lines = [
        f'- "{c.text}" is not supported by the text'
        + (f" (check: {', '.join(c.unsupported_words[:5])})" if c.unsupported_words else "")
        for c in unsupported[:5]
    ]
    return "Your previous version had problems; fix them and keep only what the text says:\n" + "\n".join(lines) + "\n"
