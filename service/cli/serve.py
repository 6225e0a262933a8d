"""serve: the web UI."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default NEWSDESK_HOST, 127.0.0.1: this machine only).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default NEWSDESK_PORT, 7860).", min=1, max=65535)] = None,
) -> None:
    """Start the web UI (Ask, Rewrite, Articles, Evals) and its API at http://HOST:PORT.

    Login: set NEWSDESK_AUTH=user:password (or a file of them). The embedded model starts in the background;
    the status line says when it answers. Ctrl+C or SIGTERM stops everything.
    """
    from service.cli.context import desk
    from service.logs import configure
    from service.ui.launch import serve as launch

    nd = desk(ctx)
    if nd.settings.log_level in ("WARNING", "ERROR"):  # a server logs every request
        configure(nd.settings.log_format, "INFO")
    host = host or nd.settings.host
    port = port or nd.settings.port
    err.print(f"newsdesk: starting the web UI on http://{host}:{port} (Ctrl+C or SIGTERM stops it)", highlight=False)
    try:
        launch(nd, host, port, warn=lambda text: err.print(f"[yellow]warning:[/yellow] {text}", highlight=False))
    finally:
        if "local_server" in nd.__dict__:
            nd.local_server.stop()
