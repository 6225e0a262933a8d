"""Run suites (from their suite files), check each against its bounds, write the reports and CI outputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import InvalidInput
from service.evals.ci_outputs import Comparison, compare, junit_xml, markdown_summary
from service.evals.registry import build
from service.evals.report import write_reports
from service.evals.suite import Progress, SuiteResult
from service.evals.suite_file import SuiteFile
from service.evals.thresholds import Failure, check

if TYPE_CHECKING:
    from service.app import Newsdesk


def run_suites(
    desk: Newsdesk,
    specs: list[SuiteFile],
    limit: int | None,
    report_dir: Path,
    progress: Callable[[str], Progress],
) -> tuple[list[SuiteResult], list[Failure], Path]:
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be at least 1")
    results = [build(desk, spec).run(limit, progress(spec.name)) for spec in specs]
    failures = [f for spec, r in zip(specs, results, strict=True) for f in check(r, spec.bounds)]
    _, html_path = write_reports(results, failures, report_dir)
    return results, failures, html_path


def ci_outputs(
    specs: list[SuiteFile],
    results: list[SuiteResult],
    failures: list[Failure],
    junit: Path | None = None,
    summary: Path | None = None,
    baseline: Path | None = None,
    max_drop: float | None = None,
) -> Comparison | None:
    """Write the optional JUnit XML and Markdown summary; compare with a baseline results.json."""
    bounds = {spec.name: spec.bounds for spec in specs}
    comparison = compare(results, baseline, bounds, max_drop) if baseline is not None else None
    if junit is not None:
        _write(junit, junit_xml(results, failures, bounds))
    if summary is not None:
        _write(summary, markdown_summary(results, failures, comparison))
    return comparison


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
