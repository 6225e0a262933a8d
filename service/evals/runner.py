"""Run named suites, check them against evals/thresholds.toml, write the reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from service.errors import InvalidInput
from service.evals.report import write_reports
from service.evals.suite import Progress, Suite, SuiteResult
from service.evals.thresholds import Failure, check, load_thresholds


def run_suites(
    suites: dict[str, Callable[[], Suite]],
    names: list[str],
    limit: int | None,
    thresholds_file: Path,
    report_dir: Path,
    progress: Callable[[str], Progress],
) -> tuple[list[SuiteResult], list[Failure], Path]:
    unknown = [n for n in names if n not in suites]
    if unknown:
        raise InvalidInput(f"unknown suite(s): {', '.join(unknown)}; available: {', '.join(suites)}")
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be at least 1")
    thresholds = load_thresholds(thresholds_file)
    results = [suites[name]().run(limit, progress(name)) for name in names]
    failures = [f for r in results for f in check(r, thresholds)]
    _, html_path = write_reports(results, failures, report_dir)
    return results, failures, html_path
