"""A suite's bounds (its file's [bounds] table): per metric, a `min` and/or `max` that a run must respect."""

from __future__ import annotations

import math
from dataclasses import dataclass

from service.evals.suite import SuiteResult


@dataclass(frozen=True)
class Failure:
    suite: str
    metric: str
    value: float
    bound: str

    def __str__(self) -> str:
        return f"{self.suite}: {self.metric} = {self.value:.3f}, needs {self.bound}"


def check(result: SuiteResult, bounds: dict[str, dict[str, float]]) -> list[Failure]:
    failures = []
    for metric, bound in bounds.items():
        value = result.metrics.get(metric)
        if value is None or math.isnan(value):
            failures.append(Failure(result.name, metric, float("nan"), "a value (the suite did not report it)"))
            continue
        if "min" in bound and value < bound["min"]:
            failures.append(Failure(result.name, metric, value, f">= {bound['min']}"))
        if "max" in bound and value > bound["max"]:
            failures.append(Failure(result.name, metric, value, f"<= {bound['max']}"))
    return failures
