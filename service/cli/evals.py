"""eval and check."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from service import serialize
from service.app import Newsdesk
from service.cli import render
from service.errors import InvalidInput

out = Console()


class JudgeChoice(StrEnum):
    auto = "auto"
    always = "always"
    off = "off"


def register(app: typer.Typer) -> None:
    app.command("eval")(run_eval)
    app.command()(check)


def run_eval(
    ctx: typer.Context,
    suites: Annotated[
        list[str] | None,
        typer.Argument(help="Built-in suite names or suite files (.toml); default: the built-in ones."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Run only the first N cases (a fixed sample for FRANK).")] = None,
    report: Annotated[Path | None, typer.Option(help="Where to write results.json and report.html.")] = None,
    junit: Annotated[
        Path | None, typer.Option(help="Also write JUnit XML here (a test case per eval case and per bound).")
    ] = None,
    summary: Annotated[
        Path | None, typer.Option(help="Also write a Markdown summary here (for a pull-request comment).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="An earlier results.json: report changes and flipped cases.")
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(help="Record model answers here and replay them for identical requests (NEWSDESK_LLM_CACHE_DIR)."),
    ] = None,
    max_drop: Annotated[
        float | None, typer.Option(help="With --baseline: exit 1 when a bounded metric gets worse by more than this.")
    ] = None,
    ablate: Annotated[
        bool,
        typer.Option(
            "--ablate", help="Q&A suites only: run once with every Q&A rule on, then once per rule switched off."
        ),
    ] = False,
) -> None:
    """Run eval suites, print a summary, write results.json and report.html; exit 1 when a threshold fails.

    A suite is a TOML file naming a task, a dataset and bounds (docs/evals.md); the built-in ones are in
    evals/suites/ (fidelity-pairs, fidelity-synthetic, fidelity-frank, qa, qa-held-apart, qa-held-apart-2 to -5,
    rewrite, rewrite-held-apart, -2 to -10). Two are optional and run only when named:
    fidelity-frank-judged (the language model judges FRANK claims; slow on the local model, so use --limit) and
    qa-conflicts.
    """
    from service.cli.context import desk
    from service.evals.registry import suite_files
    from service.evals.runner import ci_outputs, run_suites

    nd = desk(ctx)
    if cache is not None:  # nothing is built yet: the copy's LLM records into and replays from the cache
        nd = Newsdesk(nd.settings.model_copy(update={"llm_cache_dir": cache}))
    specs = suite_files(nd, suites or [])
    report_dir = report or nd.settings.data_dir / "reports" / "latest"
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip

        def progress(name: str):  # type: ignore[no-untyped-def]
            task = bar.add_task(name, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        if ablate:
            from service.evals.ablation import ablate as run_ablation

            rows = run_ablation(nd, specs, limit, report_dir, progress)
        else:
            results, failures, html_path = run_suites(nd, specs, limit, report_dir, progress)
    if ablate:
        Console(width=max(out.width, 170)).print(render.ablation(rows), highlight=False)  # nine columns
        out.print(f"written: {report_dir / 'ablation.json'}")
        return
    comparison = ci_outputs(specs, results, failures, junit, summary, baseline, max_drop)
    for result in results:
        table = Table(title=f"{result.name} ({len(result.cases)} cases, {result.seconds:.1f} s)", title_justify="left")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in sorted(result.metrics.items()):
            table.add_row(key, render.number(value))
        out.print(table)
    out.print(f"report: {html_path}")
    if comparison is not None:
        for suite, metrics in comparison.changes.items():
            moved = [f"{m} {b:.3f} → {n:.3f}" for m, (b, n) in metrics.items() if abs(n - b) > 1e-9]
            flips = comparison.flipped.get(suite, [])
            out.print(f"against the baseline, {suite}: {', '.join(moved) or 'no metric moved'}; "
                      f"{len(flips)} case(s) flipped", highlight=False, soft_wrap=True)  # fmt: skip
        for drop in comparison.drops:
            out.print(f"[red]dropped[/red] {drop}", highlight=False)
    for failure in failures:
        out.print(f"[red]threshold failed[/red] {failure}", highlight=False)
    if cache is not None:
        out.print(f"answers already in {cache} were replayed, not asked again: time figures count them as instant")
    if failures or (comparison is not None and comparison.drops):
        raise typer.Exit(1)


def check(
    ctx: typer.Context,
    source: Annotated[Path | None, typer.Option(help="The source text (an article, or passages).")] = None,
    text: Annotated[Path | None, typer.Option(help="The generated text to check against the source.")] = None,
    batch: Annotated[
        Path | None,
        typer.Option(help="A JSONL file of pairs: 'text' and one of 'source', 'source_file' or 'article' (an id)."),
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option(help="With --batch: write one verdict per line to this file ('-': stdout).")
    ] = None,
    max_unsupported: Annotated[
        float | None,
        typer.Option(help="With --batch: exit 1 only when more than this share of the texts is unsupported."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    judge: Annotated[
        JudgeChoice | None,
        typer.Option(
            help="The language model in the decision: auto (the claims the fast checker is unsure of), always, "
            "off (default: NEWSDESK_FIDELITY_JUDGE, auto)."
        ),
    ] = None,
) -> None:
    """Check, claim by claim, whether TEXT says only what SOURCE says. Exit 1 if any claim is unsupported.

    Each verdict says what decided it: the verifier and word overlap, the language model with them, or a rule.
    --batch checks every pair of a JSONL file with one model load and prints a summary; exit 1 when a text is
    unsupported (or more than --max-unsupported of them), 2 when a line could not be checked."""
    if batch is not None:
        if source or text:
            raise InvalidInput("--batch takes its sources and texts from the file: drop --source and --text")
        check_batch_command(ctx, batch, jsonl, max_unsupported, as_json, judge)
        return
    if source is None or text is None:
        raise InvalidInput("give --source and --text, or --batch FILE")
    from service.cli.context import desk, print_json

    try:
        source_text, generated = source.read_text(encoding="utf-8"), text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the input: {exc}") from None
    nd = desk(ctx)
    checker = nd.checker if judge is None else nd.checker_judging(judge.value)
    with Console(stderr=True).status("checking…"):
        report = checker.check(source_text, generated)
    if as_json:
        print_json(serialize.fidelity_dict(report))
    else:
        out.print(render.fidelity_table(report))
    if not report.supported:
        raise typer.Exit(1)


def check_batch_command(
    ctx: typer.Context,
    batch: Path,
    jsonl: Path | None,
    max_unsupported: float | None,
    as_json: bool,
    judge: JudgeChoice | None = None,
) -> None:
    import json
    import sys

    from service.cli.context import desk, print_json
    from service.evals.batch import check_batch, read_pairs, summarise

    if max_unsupported is not None and not 0 <= max_unsupported <= 1:
        raise InvalidInput("--max-unsupported is a share between 0 and 1")
    lines = read_pairs(batch)
    nd = desk(ctx)
    results = []
    sink = sys.stdout if jsonl is not None and str(jsonl) == "-" else None
    handle = jsonl.open("w", encoding="utf-8") if jsonl is not None and sink is None else None
    try:
        with Progress(
            TextColumn("[bold]checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("check", total=None)
            article_text = lambda ref: nd.catalog.show(ref).text or ""  # noqa: E731
            checker = nd.checker if judge is None else nd.checker_judging(judge.value)
            for result in check_batch(lines, batch.parent, checker, article_text,
                                      lambda done, total: bar.update(task, completed=done, total=total)):  # fmt: skip
                results.append(result)
                for stream in (sink, handle):
                    if stream is not None:
                        stream.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        if handle is not None:
            handle.close()
    summary = summarise(results)
    if as_json:
        print_json(summary.as_dict())
    elif sink is None:
        out.print(render.batch_summary(summary, results), highlight=False)
    if summary.errors:
        raise typer.Exit(2)
    over = summary.unsupported_share > max_unsupported if max_unsupported is not None else summary.unsupported > 0
    if over:
        raise typer.Exit(1)
