"""rewrite."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from service import serialize
from service.app import Newsdesk
from service.cli import render
from service.progress import Stage, Waiting
from service.rewrite.service import Delta, RewriteResult, SectionDone
from service.rewrite.source import from_file

out = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command()(rewrite)


def rewrite(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="An article id (or prefix), or a file (.txt .md .html .json).")],
    level: Annotated[str, typer.Option(help="plain (about grade 8) or simple (about grade 6).")] = "plain",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Also write the rewrite to this Markdown file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (no streaming).")] = False,
) -> None:
    """Rewrite an article in plain English, streaming, then report facts kept and dropped, unsupported
    sentences and readability before and after. Every section is checked against the original and
    regenerated once if it says something the original does not."""
    from service.cli.context import desk, print_json

    nd = desk(ctx)
    title, text = _load(nd, target)
    result: RewriteResult | None = None
    waiting = Waiting()
    for event in nd.rewriter.rewrite(text, title, level):
        if isinstance(event, Stage):
            waiting.update(event)
            if event.name == "rewriting" and not as_json:  # a line per section on stderr, with the time left
                err.print(f"\n[dim]{waiting.line()}[/dim]", highlight=False)
        elif isinstance(event, Delta) and not as_json:
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, SectionDone) and event.regenerated and not as_json:
            out.print(f"\n[yellow](section {event.index + 1} regenerated after the fidelity check:)[/yellow]")
            sys.stdout.write(event.text)
        elif isinstance(event, RewriteResult):
            result = event
    assert result is not None
    if out_file is not None:
        out_file.write_text(serialize.rewrite_markdown(result), encoding="utf-8")
    if as_json:
        print_json(serialize.rewrite_dict(result))
    else:
        sys.stdout.write("\n\n")
        out.print(render.rewrite_report(result), highlight=False)
    if not result.is_rewrite:
        raise typer.Exit(1)


def _load(nd: Newsdesk, target: str) -> tuple[str, str]:
    """The title and text of an existing file, or of a stored article (id or prefix)."""
    path = Path(target)
    if path.is_file():
        return from_file(nd.ingest.reader, path, nd.settings.max_article_chars)
    info = nd.catalog.show(target)
    return info.title, info.text or ""
