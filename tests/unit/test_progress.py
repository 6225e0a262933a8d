import contextvars
import time
from collections.abc import Iterator

import pytest

from service.progress import Stage, Tick, Waiting, ticking

LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("label", default="none")


def slow(items: list[object], pause_s: float) -> Iterator[object]:
    for item in items:
        time.sleep(pause_s)
        yield item


def test_ticks_come_while_a_step_yields_nothing_and_events_keep_their_order() -> None:
    out = list(ticking(slow(["a", "b"], 0.25), every_s=0.05))
    assert [e for e in out if not isinstance(e, Tick)] == ["a", "b"]
    ticks = [e for e in out if isinstance(e, Tick)]
    assert len(ticks) >= 4 and ticks == sorted(ticks, key=lambda t: t.elapsed_s)


def test_an_error_in_the_stream_reaches_the_consumer_and_the_context_carries_over() -> None:
    def failing() -> Iterator[object]:
        yield LABEL.get()
        raise ValueError("the model went away")

    LABEL.set("request-42")
    events = ticking(failing(), every_s=5)
    assert next(events) == "request-42"
    with pytest.raises(ValueError, match="went away"):
        next(events)


def test_the_waiting_line_names_the_step_and_estimates_the_rest_from_finished_units() -> None:
    now = [0.0]
    waiting = Waiting(clock=lambda: now[0])
    assert waiting.line() == "Waiting for the model… 0 s"
    waiting.update(Stage("reading 3 passages"))
    now[0] = 12.4
    assert waiting.line() == "Reading 3 passages… 12 s"
    unit = Waiting(clock=lambda: now[0])
    unit.update(Stage("rewriting", 0, 4, "sentence"))
    assert unit.line().startswith("Rewriting sentence 1 of 4…") and "left" not in unit.line()
    now[0] = 32.4  # the first section took 20 s
    unit.update(Stage("rewriting", 1, 4, "sentence"))
    now[0] = 37.4
    assert unit.line() == "Rewriting sentence 2 of 4… 25 s elapsed, about 55 s left"
    unit.update(Stage("checking", 1, 4))  # the same section: its clock keeps running
    assert unit.line().endswith("about 55 s left")
