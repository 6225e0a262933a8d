"""ingest, list, show, delete, repair."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from service import serialize
from service.cli import render

out = Console()


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command("list")(list_articles)
    app.command()(show)
    app.command()(delete)
    app.command()(repair)


def ingest(
    ctx: typer.Context,
    targets: Annotated[
        list[str], typer.Argument(help="Files (.txt .md .html .json .jsonl .xml), directories, URLs or feed URLs.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Add articles to the index. Unchanged articles are skipped; an edited file replaces its old version.

    Examples: newsdesk ingest corpus/ · newsdesk ingest https://example.com/story.html · newsdesk ingest feed.xml
    """
    from service.cli.context import desk, print_json

    service = desk(ctx).ingest
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", style="dim"),
        console=Console(stderr=True),
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label[-60:])

        report = service.ingest(targets, progress)
    if as_json:
        print_json([item.__dict__ for item in report.items])
    else:
        for item in report.items:
            out.print(render.ingest_line(item), highlight=False)
        out.print(render.ingest_summary(report))
    if report.failed and not report.stored:
        raise typer.Exit(1)
    if report.failed:
        raise typer.Exit(2)


def list_articles(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False
) -> None:
    """List stored articles: id, title, source, date and number of chunks."""
    from service.cli.context import desk, print_json

    articles = desk(ctx).catalog.list()
    if as_json:
        print_json([serialize.article_dict(a) for a in articles])
    else:
        out.print(render.articles_table(articles))


def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of it (4+ characters).")],
    text: Annotated[bool, typer.Option("--text/--no-text", help="Print the article text too.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one article's details and text."""
    from service.cli.context import desk, print_json

    article = desk(ctx).catalog.show(article_id)
    if not text:
        article.text = None
    if as_json:
        print_json(serialize.article_dict(article))
        return
    out.print(f"[bold]{article.title}[/bold]", highlight=False)
    for label in ("id", "source", "published", "language", "chunks", "chars", "ingested_at"):
        out.print(f"[dim]{label:>12}[/dim]  {getattr(article, label) or '—'}", highlight=False)
    if article.text:
        out.print()
        out.print(article.text, highlight=False, markup=False)


def delete(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of it (4+ characters).")],
) -> None:
    """Delete an article and all its chunks from the index."""
    from service.cli.context import desk

    article = desk(ctx).catalog.delete(article_id)
    out.print(f"deleted {article.id}  {article.title}", highlight=False)


def repair(ctx: typer.Context) -> None:
    """Remove leftovers of interrupted ingests (ingest also does this before it starts)."""
    from service.cli.context import desk

    removed = desk(ctx).store.collect_garbage()
    out.print(f"removed {removed} leftover record(s)")
