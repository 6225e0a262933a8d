"""llm status, llm serve, chat."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.console import Console

from service.llm.endpoint import configured_endpoint
from service.settings import Settings

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
    serving = nd.local_server.info.runtime if nd.local_server.info is not None else None
    runtime = runtime_report(nd.settings, serving) if endpoint.kind == "local" else {}
    if as_json:
        print_json({**result.__dict__, **runtime})
    else:
        mark = "[green]answers[/green]" if result.answers else "[red]does not answer[/red]"
        out.print(f"backend   {result.kind}\nmodel     {result.model}\nendpoint  {result.endpoint}", highlight=False)
        out.print(f"status    {mark}: {result.detail}", highlight=False)
        if result.first_token_s is not None:
            rate = f", {result.tokens_per_s:.1f} tokens/s" if result.tokens_per_s else ""
            out.print(f"speed     first token {result.first_token_s:.2f} s{rate}")
        for key, value in runtime.items():
            out.print(f"{key:<9} {value}", highlight=False)
    if not result.answers:
        raise typer.Exit(1)


def runtime_report(settings: Settings, serving: str | None = None) -> dict[str, str]:
    """The embedded model's runtime: which one serves and why, the CPU features it uses, the native build."""
    from service.llm.native import NativeRuntime
    from service.llm.runtime_choice import read_choice, resolve_runtime, runtime_system_info

    chosen = resolve_runtime(settings)
    runtime = serving or chosen
    choice = read_choice(settings)
    if settings.local_runtime != "auto":
        why = "forced by NEWSDESK_LOCAL_RUNTIME"
    elif choice is not None:
        why = choice.line()
    else:
        why = "the prebuilt default (no probe recorded: `make native` builds the native runtime and measures both)"
    if runtime != chosen:
        why = f"started before the current choice; {chosen} serves from the next start ({why})"
    measured = choice.figures.get(runtime) if choice is not None else None
    return {
        "runtime": f"{runtime}: {why}",
        "cpu": (measured.system_info if measured else "") or runtime_system_info(settings, runtime),
        "native": NativeRuntime(settings).state().line(),
    }


@llm_app.command()
def native(
    ctx: typer.Context,
    jobs: Annotated[int, typer.Option(min=1, help="Parallel compile jobs (the build runs niced).")] = 2,
    probe_only: Annotated[
        bool, typer.Option("--probe-only", help="Measure and choose again, without building.")
    ] = False,
) -> None:
    """Compile llama.cpp's server for this CPU (10-40 minutes), then time it against the prebuilt one and use
    the faster from the next start."""
    from service.cli.context import desk
    from service.llm.native import NativeRuntime
    from service.llm.runtime_choice import probe as probe_runtimes

    settings = desk(ctx).settings
    native_runtime = NativeRuntime(settings)
    if not probe_only:
        out.print(f"compiling llama.cpp for this CPU ({jobs} jobs, niced); log: {native_runtime.log_file}")
        state = native_runtime.build(jobs, on_line=lambda line: out.print(f"[dim]{line}[/dim]", highlight=False))
        if state.state != "built":
            out.print(f"[red]{state.line()}[/red] — the prebuilt runtime stays in use", highlight=False)
            raise typer.Exit(1)
        out.print(f"built in {state.build_minutes():.1f} min: {state.system_info}", highlight=False)
    elif not native_runtime.available():
        out.print(f"[yellow]native runtime {native_runtime.state().line()}: measuring the prebuilt one alone[/yellow]")
    out.print("timing the runtimes on a fixed job…")
    choice = probe_runtimes(settings, on_line=lambda line: out.print(f"[dim]{line}[/dim]", highlight=False))
    out.print(f"runtime   {choice.line()}", highlight=False)


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
