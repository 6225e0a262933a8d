"""rewrite."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from service import serialize
from service.app import Newsdesk
from service.cli import render
from service.progress import Stage, Waiting
from service.rewrite.result import RewriteResult, UnitDone
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
    sentences and readability before and after. Each sentence is rewritten on its own and checked both
    ways against the original (nothing added, nothing dropped); one that still fails after a retry is kept
    as written and shown in yellow."""
    from service.cli.context import desk, print_json

    nd = desk(ctx)
    title, text = _load(nd, target)
    result: RewriteResult | None = None
    waiting = Waiting()
    paragraph = -1
    for event in nd.rewriter.rewrite(text, title, level):
        if isinstance(event, Stage):
            waiting.update(event)
            if not as_json and event.done % 10 == 0:  # units done / total and the time left, every ten
                err.print(f"\n[dim]{waiting.line()}[/dim]", highlight=False)
        elif isinstance(event, UnitDone) and not as_json and event.unit.text:
            unit = event.unit
            sys.stdout.write(("\n\n" if paragraph >= 0 else "") if unit.paragraph != paragraph else " ")
            paragraph = unit.paragraph
            if unit.status == "kept original":
                out.print(f"[yellow]{escape(unit.text)}[/yellow]", end="", highlight=False)
            else:
                sys.stdout.write(unit.text)
            sys.stdout.flush()
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
