"""evals/thresholds.toml: per suite, per metric, a `min` and/or `max` that a run must respect."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from service.errors import ConfigError
from service.evals.suite import SuiteResult


@dataclass(frozen=True)
class Failure:
    suite: str
    metric: str
    value: float
    bound: str

    def __str__(self) -> str:
        return f"{self.suite}: {self.metric} = {self.value:.3f}, needs {self.bound}"


def load_thresholds(path: Path) -> dict[str, dict[str, dict[str, float]]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds from {path}: {exc}") from None
    for suite, metrics in data.items():
        for metric, bound in metrics.items():
            if not isinstance(bound, dict) or not set(bound) <= {"min", "max"} or not bound:
                raise ConfigError(f"{path}: [{suite}] {metric} must be a table with min and/or max")
    return data


def check(result: SuiteResult, thresholds: dict[str, dict[str, dict[str, float]]]) -> list[Failure]:
    failures = []
    for metric, bound in thresholds.get(result.name, {}).items():
        value = result.metrics.get(metric)
        if value is None or math.isnan(value):
            failures.append(Failure(result.name, metric, float("nan"), "a value (the suite did not report it)"))
            continue
        if "min" in bound and value < bound["min"]:
            failures.append(Failure(result.name, metric, value, f">= {bound['min']}"))
        if "max" in bound and value > bound["max"]:
            failures.append(Failure(result.name, metric, value, f"<= {bound['max']}"))
    return failures
