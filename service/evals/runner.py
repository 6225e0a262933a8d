"""Run named suites, check them against evals/thresholds.toml, write the reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from service.errors import InvalidInput
from service.evals.ci_outputs import Comparison, compare, junit_xml, markdown_summary
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


def ci_outputs(
    results: list[SuiteResult],
    failures: list[Failure],
    thresholds_file: Path,
    junit: Path | None = None,
    summary: Path | None = None,
    baseline: Path | None = None,
    max_drop: float | None = None,
) -> Comparison | None:
    """Write the optional JUnit XML and Markdown summary; compare with a baseline results.json."""
    thresholds = load_thresholds(thresholds_file)
    comparison = compare(results, baseline, thresholds, max_drop) if baseline is not None else None
    if junit is not None:
        _write(junit, junit_xml(results, failures, thresholds))
    if summary is not None:
        _write(summary, markdown_summary(results, failures, comparison))
    return comparison


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
