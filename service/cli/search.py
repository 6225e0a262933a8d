"""search, and the interactive shell."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from service import serialize
from service.cli import render

out = Console()


def register(app: typer.Typer) -> None:
    app.command()(search)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    article: Annotated[str | None, typer.Option("--article", "-a", help="Only this article (id or prefix).")] = None,
    k: Annotated[int, typer.Option("-k", help="How many passages to show (1-50).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Print the passages that best match QUERY, with scores and character offsets in the article."""
    from service.cli.context import desk, print_json

    nd = desk(ctx)
    article_id = nd.catalog.resolve(article) if article else None
    hits = nd.search.search(query, k=k, article_id=article_id)
    if as_json:
        print_json([serialize.hit_dict(i, h) for i, h in enumerate(hits, start=1)])
        return
    if not hits:
        out.print("no passages found (is anything ingested? try 'newsdesk list')")
    for rank, hit in enumerate(hits, start=1):
        out.print(render.hit_text(rank, hit), highlight=False)
        out.print()
