"""Ask a question, in named steps: retrieve → focus → generate (→ second look) → verify and decide.

The rules that exist because of the model or the checker are in ``QAPolicy`` (qa/policy.py), each switchable."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator, Sequence

from service.errors import InvalidInput
from service.fidelity.checker import FidelityChecker
from service.llm.chain import chat_chain, stream_text
from service.llm.client import LLM
from service.logs import current_request, new_request_id
from service.logs import event as log_event
from service.model import normalize_text
from service.progress import Stage
from service.prompts import Message, Prompt
from service.qa.answer import REFUSAL, Answer, Turn
from service.qa.citations import is_refusal, strip_markers
from service.qa.excerpts import focus, ranked
from service.qa.guard import sanitize
from service.qa.policy import QAPolicy
from service.qa.retriever import HybridRetriever, Passage
from service.qa.verify import AnswerVerifier
from service.streams import final

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
        policy: QAPolicy | None = None,
    ) -> None:
        self._retriever = retriever
        self._llm = llm
        self._checker = checker
        self._prompt = prompt
        self._min_cosine = min_cosine
        self._excerpt_chars = excerpt_chars
        self.policy = policy or QAPolicy()
        self._verifier = AnswerVerifier(checker, self.policy)
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
        """retrieve → focus → generate (→ second look) → verify and decide."""
        question = clean_question(question)
        if not question:
            raise InvalidInput("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(
                f"the question is too long ({len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,})"
            )
        timings: dict[str, float] = {}
        previous = history[-1] if history else None
        yield Stage("finding passages")
        passages = self._retrieve(question, article_id, previous, timings)
        if not passages or max((p.cosine or 0.0) for p in passages) < self._min_cosine:
            yield REFUSAL
            yield Answer.refusal(question, passages, timings)
            return
        passages = focus(passages, question, self._excerpt_chars, previous.question if previous else "")
        yield Stage(f"reading {len(passages)} passage{'s' if len(passages) != 1 else ''}")
        llm = self._llm()
        packed, guarded = _passages(passages)
        messages = self._prompt.render(history=_history(previous), passages=packed, question=question)
        raw = yield from self._generate(llm, "newsdesk-answer", messages, timings, "generation_s")
        prompt_chars = _chars(messages)
        others: list[Passage] = []
        best = ranked(passages, question)[:1] if is_refusal(raw) and len(passages) > 1 else []
        if best and self.policy.second_look:
            yield SECOND_LOOK
            single = self._prompt.render(history=_history(previous), passages=_passages(best)[0], question=question)
            retry = yield from self._generate(llm, "newsdesk-answer-second-look", single, timings, "second_look_s")
            prompt_chars += _chars(single)
            if not is_refusal(retry):
                raw, passages, others = retry, best, [p for p in passages if p not in best]
        yield Stage("checking the answer against the passages")
        answer = self._verifier.verify(question, raw, passages, timings, others)
        answer.prompt_chars = prompt_chars
        answer.guarded_passages = guarded
        yield answer

    def _retrieve(
        self, question: str, article_id: str | None, previous: Turn | None, timings: dict[str, float]
    ) -> list[Passage]:
        """A follow-up searches with the question before it, so "who replaced him?" finds its passages."""
        started = time.perf_counter()
        query = f"{previous.question} {question}" if previous else question
        passages = self._retriever(article_id).passages(query)
        timings["retrieval_s"] = time.perf_counter() - started
        return passages

    def _generate(
        self, llm: LLM, name: str, messages: list[Message], timings: dict[str, float], timing: str
    ) -> Generator[str, None, str]:
        """Stream the model's reply piece by piece; return it whole."""
        pieces: list[str] = []
        started = time.perf_counter()
        for piece in stream_text(chat_chain(llm, name), messages, llm):
            if not pieces and "first_token_s" not in timings:
                timings["first_token_s"] = time.perf_counter() - started
            pieces.append(piece)
            yield piece
        timings[timing] = time.perf_counter() - started
        return "".join(pieces)

    def answer(self, question: str, article_id: str | None = None, history: Sequence[Turn] = ()) -> Answer:
        """The whole verified answer, without streaming."""
        return final(self.ask(question, article_id, history), Answer)


def clean_question(question: str) -> str:
    """One line without control characters, terminal codes or zero-width characters."""
    return " ".join(normalize_text(question).split())


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


def _chars(messages: list[Message]) -> int:
    return sum(len(m["content"]) for m in messages)
