"""llm status, llm serve, chat."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.console import Console

from service.llm.endpoint import configured_endpoint

out = Console()
llm_app = typer.Typer(help="The language model: status, and the embedded server.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(llm_app, name="llm")
    app.command()(chat)


@llm_app.command()
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Which backend, model and endpoint are in use, whether the model answers, and how fast."""
    from service.cli.context import desk, print_json
    from service.llm.status import probe

    nd = desk(ctx)
    endpoint = configured_endpoint(nd.settings)
    if endpoint.kind == "local" and not as_json:
        if (up := nd.local_server.running()) is not None:
            out.print(f"[dim]attaching to the embedded model already running at {up.base_url}…[/dim]")
        else:
            out.print("[dim]starting the embedded model (the first start assembles a 1.1 GB file)…[/dim]")
    result = probe(nd.llm)
    if as_json:
        print_json(result.__dict__)
    else:
        mark = "[green]answers[/green]" if result.answers else "[red]does not answer[/red]"
        out.print(f"backend   {result.kind}\nmodel     {result.model}\nendpoint  {result.endpoint}", highlight=False)
        out.print(f"status    {mark}: {result.detail}", highlight=False)
        if result.first_token_s is not None:
            rate = f", {result.tokens_per_s:.1f} tokens/s" if result.tokens_per_s else ""
            out.print(f"speed     first token {result.first_token_s:.2f} s{rate}")
    if not result.answers:
        raise typer.Exit(1)


@llm_app.command()
def serve(ctx: typer.Context) -> None:
    """Run the embedded model server in the foreground; other newsdesk processes attach to it."""
    from service.cli.context import desk

    server = desk(ctx).local_server
    info = server.ensure()
    out.print(
        f"embedded model serving at {info.base_url} (model file {info.model}); Ctrl-C or SIGTERM stops it once "
        "no other newsdesk process is using it",
        highlight=False,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (service/cli/app.py): a requested stop, exit 0
        out.print("stopping: the embedded model is released (stopped if no other newsdesk process uses it)")
    finally:
        server.stop()


def chat(
    ctx: typer.Context,
    message: Annotated[str, typer.Argument(help="What to say to the model.")],
    system: Annotated[str, typer.Option(help="System prompt.")] = "You are a helpful, concise assistant.",
) -> None:
    """Send one message to the configured model and stream its answer (a direct line to the LLM)."""
    from service.cli.context import desk

    llm = desk(ctx).llm
    for piece in llm.stream([{"role": "system", "content": system}, {"role": "user", "content": message}]):
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
