"""ask, and the interactive shell (questions with follow-ups)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from service import serialize
from service.cli import render
from service.errors import NewsdeskError
from service.progress import Stage, Waiting
from service.qa.answer import Answer, Turn

out = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(shell)


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about the ingested articles.")],
    article: Annotated[str | None, typer.Option("--article", "-a", help="Only this article (id or prefix).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer, sources and checks as JSON.")] = False,
) -> None:
    """Answer QUESTION from the articles, streaming, then list the numbered sources and flag unsupported sentences."""
    from service.cli.context import desk, print_json

    nd = desk(ctx)
    article_id = nd.catalog.resolve(article) if article else None
    answer = _run(nd.qa.ask(question, article_id), stream=not as_json)
    if as_json:
        print_json(serialize.answer_dict(answer))
    else:
        out.print(render.answer_footer(answer), highlight=False)


def shell(ctx: typer.Context) -> None:
    """Ask questions interactively; follow-ups ('and who replaced him?') use the previous turn.

    Commands: ':list' lists articles, ':new' forgets the conversation, ':quit' leaves.
    """
    from service.cli.context import desk

    nd = desk(ctx)
    out.print(f"newsdesk: {len(nd.catalog.list())} article(s). Ask a question, or ':list', ':new', ':quit'.")
    history: list[Turn] = []
    while True:
        try:
            line = input("question> ").strip()
        except EOFError:
            break
        if line in (":q", ":quit", "quit", "exit"):
            break
        if not line:
            continue
        try:
            if line == ":list":
                out.print(render.articles_table(nd.catalog.list()))
            elif line == ":new":
                history.clear()
            else:
                answer = _run(nd.qa.ask(line, history=history[-1:]), stream=True)
                out.print(render.answer_footer(answer), highlight=False)
                history.append(Turn(line, answer.text))
        except NewsdeskError as exc:
            out.print(f"[red]error:[/red] {exc}", highlight=False)


def _run(events: Any, stream: bool) -> Answer:
    """Stream the answer to stdout; the steps under way (with seconds elapsed) go to stderr (not with --json)."""
    answer: Answer | None = None
    waiting = Waiting()
    for event in events:
        if isinstance(event, Answer):
            answer = event
        elif isinstance(event, Stage):
            waiting.update(event)
            if stream:
                err.print(f"[dim]{waiting.line()}[/dim]", highlight=False)
        elif stream:
            sys.stdout.write(event)
            sys.stdout.flush()
    if stream:
        sys.stdout.write("\n")
    assert answer is not None
    return answer
