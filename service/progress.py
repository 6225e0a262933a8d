"""What people see while they wait: the step under way, and how far a long job has got.

Q&A and rewrites put ``Stage`` events in their streams before each slow step; ``ticking`` lets a UI or CLI
redraw an elapsed-seconds count while a step (a model's prefill, say) yields nothing.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    """A step about to start: ``name`` for people ("finding passages"); ``done``/``total`` count units of
    a long job (the sentences of a rewrite) when it has them."""

    name: str
    done: int = 0
    total: int = 0
    of: str = "part"  # what is counted ("sentence")


@dataclass(frozen=True)
class Tick:
    elapsed_s: float


_END = object()


def ticking(events: Iterator[object], every_s: float = 1.0) -> Iterator[object]:
    """The events of ``events``, produced in a worker thread (with the caller's context, so request ids
    carry over), and a ``Tick`` whenever ``every_s`` passes without one. An exception in the worker is
    raised here; abandoning this iterator leaves the worker to finish its current event and stop."""
    box: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()
    started = time.perf_counter()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for event in events:
                if not put(event):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer
            put(exc)

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), daemon=True, name="newsdesk-stream").start()
    try:
        while True:
            try:
                item = box.get(timeout=every_s)
            except queue.Empty:
                yield Tick(time.perf_counter() - started)
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


class Waiting:
    """The line shown while a job runs: its step, seconds elapsed, and for counted units an estimate of the
    time left from the units finished so far (measured on this machine, in this job)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._started = clock()
        self._unit_started: float | None = None
        self.stage: Stage | None = None

    def update(self, stage: Stage) -> None:
        if stage.total and (self.stage is None or stage.done != self.stage.done or not self.stage.total):
            self._unit_started = self._clock()
        self.stage = stage

    def line(self) -> str:
        elapsed = self._clock() - self._started
        stage = self.stage
        if stage is None:
            return f"Waiting for the model… {_duration(elapsed)}"
        if not stage.total:
            return f"{stage.name[:1].upper()}{stage.name[1:]}… {_duration(elapsed)}"
        unit = f"{stage.name[:1].upper()}{stage.name[1:]} {stage.of} {stage.done + 1} of {stage.total}"
        text = f"{unit}… {_duration(elapsed)} elapsed"
        if stage.done and self._unit_started is not None:
            per_unit = (self._unit_started - self._started) / stage.done
            left = per_unit * (stage.total - stage.done) - (self._clock() - self._unit_started)
            text += f", about {_duration(max(left, per_unit * 0.1))} left"
        return text


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"
