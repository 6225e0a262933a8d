"""Ask a question: retrieve, prompt, stream, then verify citations, quotes and fidelity."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence

from service.errors import InvalidInput
from service.fidelity.checker import FidelityChecker, FidelityReport
from service.llm.chain import chat_chain, stream_text
from service.llm.client import LLM
from service.logs import current_request, new_request_id
from service.logs import event as log_event
from service.model import normalize_text
from service.progress import Stage
from service.prompts import Prompt
from service.qa.answer import REFUSAL, Answer, Turn
from service.qa.citations import (
    attach_markers,
    clean_citations,
    is_refusal,
    sentence_markers,
    set_markers,
    strip_markers,
    unverified_quotes,
)
from service.qa.excerpts import focus, ranked
from service.qa.guard import sanitize
from service.qa.retriever import HybridRetriever, Passage
from service.streams import final
from service.text import content_words, sentences, stem, words

MAX_QUESTION_CHARS = 1000
SECOND_LOOK = "\n(Looking again at the closest passage alone…)\n"
_HISTORY_ANSWER_CHARS = 300


class QAService:
    def __init__(
        self,
        retriever: Callable[[str | None], HybridRetriever],
        llm: Callable[[], LLM],
        checker: FidelityChecker,
        prompt: Prompt,
        min_cosine: float,
        excerpt_chars: int = 0,
    ) -> None:
        self._retriever = retriever
        self._llm = llm
        self._checker = checker
        self._prompt = prompt
        self._min_cosine = min_cosine
        self._excerpt_chars = excerpt_chars
        self._latest_first_token: tuple[float, float] | None = None  # (seconds, time.monotonic() when measured)

    def latest_first_token(self) -> tuple[float, float] | None:
        """The latest answer's time to first token and how many seconds ago it was measured."""
        if self._latest_first_token is None:
            return None
        seconds, when = self._latest_first_token
        return seconds, time.monotonic() - when

    def ask(
        self,
        question: str,
        article_id: str | None = None,
        history: Sequence[Turn] = (),
        request_id: str | None = None,
    ) -> Iterator[str | Stage | Answer]:
        """Yield the steps under way and the pieces of the answer as they come, then the verified Answer
        (logged with its timings)."""
        rid = request_id or current_request() or new_request_id()
        for event in self._ask(question, article_id, history):
            if isinstance(event, Answer):
                event.request_id = rid
                if "first_token_s" in event.timings:
                    self._latest_first_token = (event.timings["first_token_s"], time.monotonic())
                log_event(
                    "question", request_id=rid, article_id=article_id, follow_up=bool(history),
                    refused=event.refused, withheld=event.withheld is not None, citations=len(event.citations),
                    unsupported=len(event.unsupported_sentences), prompt_chars=event.prompt_chars, **event.timings,
                )  # fmt: skip
            yield event

    def _ask(self, question: str, article_id: str | None, history: Sequence[Turn]) -> Iterator[str | Stage | Answer]:
        question = clean_question(question)
        if not question:
            raise InvalidInput("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(
                f"the question is too long ({len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,})"
            )
        timings: dict[str, float] = {}
        yield Stage("finding passages")
        started = time.perf_counter()
        previous = history[-1] if history else None
        query = f"{previous.question} {question}" if previous else question
        passages = self._retriever(article_id).passages(query)
        timings["retrieval_s"] = time.perf_counter() - started
        if not passages or max((p.cosine or 0.0) for p in passages) < self._min_cosine:
            yield REFUSAL
            yield Answer.refusal(question, passages, timings)
            return
        passages = focus(passages, question, self._excerpt_chars, previous.question if previous else "")
        packed, guarded = _passages(passages)
        messages = self._prompt.render(history=_history(previous), passages=packed, question=question)
        yield Stage(f"reading {len(passages)} passage{'s' if len(passages) != 1 else ''}")
        llm = self._llm()
        pieces: list[str] = []
        generation = time.perf_counter()
        for piece in stream_text(chat_chain(llm, "newsdesk-answer"), messages, llm):
            if not pieces:
                timings["first_token_s"] = time.perf_counter() - generation
            pieces.append(piece)
            yield piece
        timings["generation_s"] = time.perf_counter() - generation
        raw, prompt_chars = "".join(pieces), _chars(messages)
        best = ranked(passages, question)[:1] if is_refusal(raw) and len(passages) > 1 else []
        if best:
            # The 1.5B model misses answers in a crowded prompt: try once more with the passage that matches
            # the question best, alone. The reply goes through the same checks, so an invention is still
            # withheld. (A further try with the next passage changed no answer of the qa suite.)
            yield SECOND_LOOK
            again: list[str] = []
            single = self._prompt.render(history=_history(previous), passages=_passages(best)[0], question=question)
            started = time.perf_counter()
            for piece in stream_text(chat_chain(llm, "newsdesk-answer-second-look"), single, llm):
                again.append(piece)
                yield piece
            timings["second_look_s"] = time.perf_counter() - started
            prompt_chars += _chars(single)
            if not is_refusal(retry := "".join(again)):
                raw, passages = retry, best
        yield Stage("checking the answer against the passages")
        answer = self._verify(question, raw, passages, timings)
        answer.prompt_chars = prompt_chars
        answer.guarded_passages = guarded
        yield answer

    def answer(self, question: str, article_id: str | None = None, history: Sequence[Turn] = ()) -> Answer:
        """The whole verified answer, without streaming."""
        return final(self.ask(question, article_id, history), Answer)

    def _verify(self, question: str, raw: str, passages: list[Passage], timings: dict[str, float]) -> Answer:
        text, _, removed = clean_citations(attach_markers(raw.strip()), passages)
        if not strip_markers(text) or is_refusal(text):
            return Answer.refusal(question, passages, timings, removed_citations=removed)
        if echoes_question(text, question):
            return Answer.refusal(question, passages, timings, withheld=text)
        checked = time.perf_counter()
        text, repaired = self._repair_citations(text, passages)
        text, citations, _ = clean_citations(text, passages)
        sources = [c.passage for c in citations] or passages
        seen = [_seen(p) for p in sources]
        fidelity = self._in_context(question, self._checker.check_each(seen, strip_markers(text)), seen)
        timings["check_s"] = time.perf_counter() - checked
        if _invented(fidelity, cited=bool(citations)):
            return Answer.refusal(question, passages, timings, withheld=text)
        return Answer(
            question,
            text,
            False,
            citations,
            passages,
            fidelity,
            quote_problems=unverified_quotes(text, citations),
            removed_citations=removed,
            repaired_citations=repaired,
            timings=timings,
        )

    def _in_context(self, question: str, report: FidelityReport, sources: list[str]) -> FidelityReport:
        """A bare fragment ("Two years.", "£6,442") says nothing on its own: check it joined to the
        question it answers, so the passage must hold the question's words and the answer together."""
        verdicts = []
        for verdict in report.claims:
            if not verdict.supported and len(words(verdict.text)) <= _FRAGMENT_WORDS:
                joined = self._checker.check_each(sources, in_context(question, verdict.text))
                if joined.supported:
                    verdict = dataclasses.replace(
                        joined.claims[0], text=verdict.text, start=verdict.start, end=verdict.end
                    )
            verdicts.append(verdict)
        return FidelityReport.of(verdicts)

    def _repair_citations(self, text: str, passages: list[Passage]) -> tuple[str, int]:
        """Point each sentence at a passage that supports it when the one it cites does not."""
        out: list[str] = []
        repaired = 0
        for sentence in sentences(text):
            cited = [n for n in sentence_markers(sentence.text) if 1 <= n <= len(passages)]
            claim = strip_markers(sentence.text)
            if not content_words(claim):
                out.append(sentence.text)
                continue
            scores = {n: self._checker.check(_seen(passages[n - 1]), claim) for n in range(1, len(passages) + 1)}
            if cited and all(scores[n].supported for n in cited):
                out.append(sentence.text)
                continue
            supporting = [n for n, report in scores.items() if report.supported]
            if supporting:
                best = max(supporting, key=lambda n: scores[n].score)
                out.append(set_markers(sentence.text, [best]))
                repaired += 1
            else:
                out.append(sentence.text)
        return " ".join(out), repaired


_MIN_UNCITED_COVERAGE = 0.5


_YES_NO = ("yes", "no")


_FRAGMENT_WORDS = 5


def in_context(question: str, claim: str) -> str:
    """A short answer joined to its question ("How long did Metz work at OpenAI: Two years."), as one
    sentence the checker can judge; a longer answer stands on its own."""
    if len(words(claim)) > _FRAGMENT_WORDS:
        return claim
    return f"{question.strip().rstrip('?').rstrip()}: {claim.strip()}"


def echoes_question(answer: str, question: str) -> bool:
    """An answer whose every content word is already in the question tells the reader nothing ("Which
    company did Metz join after OpenAI?" "OpenAI."): the small model's way of not knowing. Yes/no
    answers are exempt."""
    answer = strip_markers(answer)
    said = [stem(w) for w in content_words(answer)]
    if not said or words(answer)[0] in _YES_NO:
        return False
    asked = {stem(w) for w in content_words(question)}
    return all(w in asked for w in said)


def clean_question(question: str) -> str:
    """One line without control characters, terminal codes or zero-width characters."""
    return " ".join(normalize_text(question).split())


def _invented(fidelity: FidelityReport, cited: bool) -> bool:
    """Withhold an answer none of whose sentences the passages support when it names numbers or names
    the passages lack, or when it cites nothing and most of its words are not in the passages (the
    model answered from elsewhere). Otherwise it is shown with its sentences flagged: a correct
    paraphrase ("replaced" for "took over") can score low too."""
    if not fidelity.claims or any(c.supported for c in fidelity.claims):
        return False
    if any(c.invented for c in fidelity.claims):
        return True
    coverage = sum(c.features.get("coverage", 0.0) for c in fidelity.claims) / len(fidelity.claims)
    return not cited and coverage < _MIN_UNCITED_COVERAGE


def _seen(passage: Passage) -> str:
    """The passage as the model sees it (instruction-like sentences withheld)."""
    return sanitize(passage.chunk.text)[0]


def _passages(passages: list[Passage]) -> tuple[str, int]:
    """The numbered passages for the prompt, and how many had instruction-like text withheld."""
    blocks, guarded = [], 0
    for n, passage in enumerate(passages, start=1):
        text, removed = sanitize(passage.chunk.text)
        guarded += removed > 0
        blocks.append(f"[{n}] ({passage.chunk.title}) {text}")
    return "\n\n".join(blocks), guarded


def _history(previous: Turn | None) -> str:
    if previous is None:
        return ""
    answer = strip_markers(previous.answer)[:_HISTORY_ANSWER_CHARS]
    return f"Earlier question: {previous.question}\nEarlier answer: {answer}\n\n"


def _chars(messages: list[dict[str, str]]) -> int:
    return sum(len(m["content"]) for m in messages)
