"""Sentences rewritten at once: the same units in the same order as one after another, a restated sentence still
dropped, the speed for the floor read only while one reply is decoded alone, a stopped rewrite stops its units.
The real twin: tests/integration/test_rewrite_real.py (the embedded server with two slots, two units at once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from service.fidelity.checker import FidelityChecker
from service.prompts import load_prompt
from service.rewrite.floor import GenerationMeter
from service.rewrite.result import UnitDone
from service.rewrite.service import RewriteService
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

OPENING = "The harbour of Saint-Malo reopened on Monday following extensive storm repairs costing 2 million euros."
HARBOUR = "The Saint-Malo harbour reopened on Monday. Storm repairs cost 2 million euros."
SOURCE = (
    OPENING
    + " "
    + (
        "The council of Lyon, in a move that has been widely discussed, voted on Tuesday to close the Pont Wilson "
        "bridge. Repairs will cost 4 million euros, said the mayor, Grégory Doucet, at a long press conference."
    )
)
FIRST = "The council of Lyon voted on Tuesday. It voted to close the Pont Wilson bridge."
SECOND = "Mayor Grégory Doucet says repairs cost 4 million euros. He said it at a long press conference."


class KeyedLLM:
    """Answers by the sentence asked about, whatever the order of the requests. With ``hold_first`` the reply
    for the council's sentence waits until the one for the repairs has been sent: the first reply of a rewrite
    is decoded alone (the harbour), then the next two are under way at once and the third unit finishes first."""

    def __init__(self, replies: dict[str, str], hold_first: bool = False, pause: float = 0.0) -> None:
        self.replies = replies
        self.asked: list[str] = []
        self.closed = 0
        self._second_sent = threading.Event()
        self._hold_first = hold_first
        self.on_sent: Any = lambda key: None
        self._pause = pause  # seconds per piece

    def stream(self, messages: Sequence[Any], max_tokens: int | None = None, sample: Any = None) -> Iterator[str]:
        prompt = messages[-1]["content"]
        key = next(k for k in self.replies if k in prompt)
        self.asked.append(key)
        return self._pieces(key)

    def _pieces(self, key: str) -> Iterator[str]:
        try:
            if self._hold_first and key == "council":
                self._second_sent.wait(5)
            for piece in self.replies[key].split(" "):
                time.sleep(self._pause)
                yield piece + " "
            self.on_sent(key)
            if key == "Repairs":
                self._second_sent.set()
        except GeneratorExit:
            self.closed += 1
            raise


def _service(llm: KeyedLLM, concurrency: int) -> RewriteService:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    prompt = load_prompt(ROOT / "prompts", "rewrite-sentence")
    return RewriteService(lambda: llm, checker, prompt, None, concurrency)  # type: ignore[arg-type,return-value]


def test_two_at_once_give_the_units_of_one_after_another_in_source_order() -> None:
    replies = {"Saint-Malo": HARBOUR, "council": FIRST, "Repairs": SECOND}
    alone = _service(KeyedLLM(replies), 1).run(SOURCE, "Bridge")
    llm = KeyedLLM(replies, hold_first=True)
    finished: list[str] = []
    llm.on_sent = finished.append
    events = [e for e in _service(llm, 2).rewrite(SOURCE, "Bridge") if isinstance(e, UnitDone)]
    assert finished == ["Saint-Malo", "Repairs", "council"]  # the third unit's reply came before the second's
    assert [e.unit.index for e in events] == [0, 1, 2]  # and the units still stream in source order
    assert [e.unit.text for e in events] == [u.text for u in alone.units] == [HARBOUR, FIRST, SECOND]


def test_a_sentence_restating_a_unit_finished_meanwhile_is_still_dropped() -> None:
    replies = {"Saint-Malo": HARBOUR, "council": FIRST, "Repairs": "The Lyon council voted on Tuesday. " + SECOND}
    alone = _service(KeyedLLM(replies), 1).run(SOURCE, "Bridge")
    llm = KeyedLLM(replies, hold_first=True)
    together = _service(llm, 2).run(SOURCE, "Bridge")
    assert together.units[2].text == alone.units[2].text == SECOND
    assert llm.asked.count("Repairs") == 2  # written before the first unit was done, so written again


def test_the_speed_is_read_from_a_reply_decoded_alone() -> None:
    meter = GenerationMeter()
    order: list[str] = []

    def reply(name: str, pause: float) -> Iterator[str]:
        for i in range(4):
            order.append(f"{name}{i}")
            time.sleep(pause)
            yield "x "

    def consume(name: str, pause: float) -> None:
        for _ in meter.stream(reply(name, pause)):
            pass

    threads = [threading.Thread(target=consume, args=(n, 0.02)) for n in ("a", "b")]
    for t in threads:
        t.start()
        time.sleep(0.005)
    for t in threads:
        t.join()
    assert order[:4] == ["a0", "a1", "a2", "a3"]  # the second reply waited for the first
    assert meter.tokens == 6 and meter.generated_tokens == 8  # three gaps each, both alone
    with meter.busy():  # a check under way: the reply decoded meanwhile sets no speed
        consume("c", 0.001)
    assert meter.tokens == 6 and meter.generated_tokens == 12


def test_a_stopped_rewrite_stops_the_units_under_way() -> None:
    slow = " ".join(["word"] * 400)
    llm = KeyedLLM({"Saint-Malo": HARBOUR, "council": slow, "Repairs": SECOND}, pause=0.005)
    steps = _service(llm, 2).rewrite(SOURCE, "Bridge")
    for step in steps:
        if isinstance(step, UnitDone):
            break
    steps.close()  # the reader left after the first sentence, the second's long reply under way
    deadline = time.monotonic() + 5
    while not llm.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert llm.closed == 1 and llm.asked == ["Saint-Malo", "council"]  # stopped mid-reply, nothing more asked
