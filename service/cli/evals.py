"""eval and check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from service import serialize
from service.cli import render
from service.errors import InvalidInput

out = Console()


def register(app: typer.Typer) -> None:
    app.command("eval")(run_eval)
    app.command()(check)


def run_eval(
    ctx: typer.Context,
    suites: Annotated[list[str] | None, typer.Argument(help="Suites to run (default: all).")] = None,
    limit: Annotated[int | None, typer.Option(help="Run only the first N cases (a fixed sample for FRANK).")] = None,
    report: Annotated[Path | None, typer.Option(help="Where to write results.json and report.html.")] = None,
) -> None:
    """Run eval suites, print a summary, write results.json and report.html; exit 1 when a threshold fails.

    Suites: fidelity-synthetic, fidelity-frank, qa, rewrite (the default: all four), and fidelity-frank-judge
    (the checker's optional LLM-judge mode; slow on the local model, so name it and use --limit).
    Thresholds live in evals/thresholds.toml.
    """
    from service.cli.app import desk
    from service.evals.registry import OPTIONAL
    from service.evals.registry import suites as registry
    from service.evals.runner import run_suites

    nd = desk(ctx)
    available = registry(nd)
    names = suites or [name for name in available if name not in OPTIONAL]
    report_dir = report or nd.settings.data_dir / "reports" / "latest"
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip

        def progress(name: str):  # type: ignore[no-untyped-def]
            task = bar.add_task(name, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        results, failures, html_path = run_suites(
            available, names, limit, nd.settings.evals_dir / "thresholds.toml", report_dir, progress
        )
    for result in results:
        table = Table(title=f"{result.name} ({len(result.cases)} cases, {result.seconds:.1f} s)", title_justify="left")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in sorted(result.metrics.items()):
            table.add_row(key, render.number(value))
        out.print(table)
    out.print(f"report: {html_path}")
    for failure in failures:
        out.print(f"[red]threshold failed[/red] {failure}", highlight=False)
    if failures:
        raise typer.Exit(1)


def check(
    ctx: typer.Context,
    source: Annotated[Path, typer.Option(help="The source text (an article, or passages).")],
    text: Annotated[Path, typer.Option(help="The generated text to check against the source.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    judge: Annotated[
        bool, typer.Option("--judge", help="Also ask the LLM (optional judge mode); the verdict combines both.")
    ] = False,
) -> None:
    """Check, claim by claim, whether TEXT says only what SOURCE says. Exit 1 if any claim is unsupported
    (with --judge: if the combined verdict is 'unsupported')."""
    from service.cli.app import desk, print_json

    try:
        source_text, generated = source.read_text(encoding="utf-8"), text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the input: {exc}") from None
    nd = desk(ctx)
    if judge:
        judged = nd.judge.check(nd.checker, source_text, generated)
        report, supported = judged.checker, judged.supported
        verdict = {"judge_yes": round(judged.judge_yes, 3), "combined": round(judged.combined, 3)}
    else:
        report, supported, verdict = nd.checker.check(source_text, generated), None, {}
    if as_json:
        print_json({**serialize.fidelity_dict(report), **verdict, **({"judged_supported": supported} if judge else {})})
    else:
        out.print(render.fidelity_table(report))
        if judge:
            word = "supported" if supported else "unsupported"
            out.print(
                f"judge mode: the LLM's P(yes) {verdict['judge_yes']:.2f}, combined {verdict['combined']:.2f}: {word}"
            )
    if not (supported if judge else report.supported):
        raise typer.Exit(1)
