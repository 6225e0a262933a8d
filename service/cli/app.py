"""``newsdesk``: the command-line entry point. Thin: parse, call a service, render."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer
from rich.console import Console

from service import __version__, logs
from service.app import Newsdesk
from service.cli import articles, ask, evals, llm, rewrite, search, serve
from service.errors import NewsdeskError
from service.settings import load_settings

app = typer.Typer(
    help="newsdesk: ask questions about news articles and rewrite them in plain English, offline.\n\n"
    "Settings come from NEWSDESK_* environment variables or a .env file (docs/configuration.md).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        print(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    settings = load_settings()
    logs.configure(settings.log_format, settings.log_level)
    logs.start_request()
    ctx.obj = Newsdesk(settings)


articles.register(app)
search.register(app)
llm.register(app)
ask.register(app)
rewrite.register(app)
evals.register(app)
serve.register(app)


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM (kill, systemd, a container stop, a job runner) stops newsdesk exactly as Ctrl+C does: the web
    server closes, in-flight work is cancelled, and the embedded model server is released (stopped when no
    other newsdesk process uses it). A process started in the background inherits SIGINT as ignored, so
    SIGTERM is how such a process is asked to stop. A second SIGTERM while it stops is ignored, so the
    clean-up is not cut short (SIGKILL still ends it)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> None:
    """Run the CLI; newsdesk's own errors become one red line and exit code 1."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except NewsdeskError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]: nothing half-written was kept; run the command again to finish")
        sys.exit(130)
