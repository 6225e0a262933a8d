"""Which llama.cpp runtime serves the embedded model, chosen by measurement on this machine.

``probe`` starts the prebuilt and the native server side by side and sends each the same fixed job in turn
(a ~450-token prompt read in full, then 64 tokens generated), a few rounds alternating between them so that
both meet the same load; llama.cpp's own timings give prompt and generation tokens/s. ``choose`` keeps the
prebuilt runtime unless the native one does the job at least ``MARGIN`` faster (a smaller difference is
within what the same machine varies between runs). The figures and the choice are written to
``<data>/runtime/choice.json``; ``NEWSDESK_LOCAL_RUNTIME=auto`` (the default) serves with the chosen
runtime from the next start, and any other value forces one.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from service.errors import LLMUnavailable
from service.llm.endpoint import LOCAL_ALIAS
from service.llm.native import BuildFailed, NativeRuntime, system_info
from service.settings import Settings

if TYPE_CHECKING:
    from service.llm.local_server import LocalServer

MARGIN = 0.05  # the native runtime must do the job this much faster to be chosen
ROUNDS = 3
GENERATED = 64
_PARAGRAPH = (
    "The city council met on Tuesday evening to discuss the new budget for schools, roads and the public library. "
    "Several residents spoke about the cost of repairs to the old bridge, which has been closed since the spring "
    "floods. The mayor said that the work would begin in May and should be finished before the end of the year. "
)
PROMPT = [
    {"role": "system", "content": "You are a careful assistant."},
    {"role": "user", "content": _PARAGRAPH * 7 + "\nSummarise the notes above in plain English."},
]


@dataclass(frozen=True)
class RuntimeFigures:
    prompt_tokens: int
    prompt_tok_s: float
    gen_tok_s: float
    job_s: float  # the fixed job: the prompt read in full, then GENERATED tokens
    system_info: str = ""


@dataclass(frozen=True)
class Choice:
    runtime: str
    measured: float  # time.time()
    figures: dict[str, RuntimeFigures]

    def line(self) -> str:
        when = time.strftime("%Y-%m-%d", time.localtime(self.measured))
        parts = [f"{name} {f.prompt_tok_s:.0f}/{f.gen_tok_s:.1f}" for name, f in self.figures.items()]
        return f"{self.runtime}, chosen by a probe on {when} (prompt/generation tok/s: {', '.join(parts)})"


def choose(figures: dict[str, RuntimeFigures]) -> str:
    """The prebuilt runtime unless the native one does the fixed job at least MARGIN faster."""
    native, prebuilt = figures.get("native"), figures.get("xllamacpp")
    if native is None or prebuilt is None:
        return "xllamacpp"
    return "native" if native.job_s <= prebuilt.job_s * (1 - MARGIN) else "xllamacpp"


def choice_file(settings: Settings) -> Path:
    return NativeRuntime(settings).root / "choice.json"


def read_choice(settings: Settings) -> Choice | None:
    try:
        raw = json.loads(choice_file(settings).read_text())
        figures = {name: RuntimeFigures(**f) for name, f in raw["figures"].items()}
        return Choice(str(raw["runtime"]), float(raw["measured"]), figures)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_choice(settings: Settings, choice: Choice) -> Path:
    path = choice_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"runtime": choice.runtime, "measured": choice.measured,
            "figures": {name: asdict(f) for name, f in choice.figures.items()}}  # fmt: skip
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)
    return path


def resolve_runtime(settings: Settings) -> str:
    """The runtime a new embedded server starts with: the forced one, or under ``auto`` the probe's choice
    while the native build is in place (the prebuilt one otherwise)."""
    if settings.local_runtime != "auto":
        return settings.local_runtime
    choice = read_choice(settings)
    if choice is not None and choice.runtime == "native" and NativeRuntime(settings).available():
        return "native"
    return "xllamacpp"


@contextlib.contextmanager
def servers_for(settings: Settings, runtimes: Sequence[str], **overrides: object) -> Iterator[dict[str, LocalServer]]:
    """A started embedded server of each runtime, each with a temporary data folder that shares this one's model
    file and native build, so that they run side by side; all stopped on leaving."""
    from service.llm.local_server import LocalServer  # the server module resolves runtimes through this one

    models, native = settings.models_dir, NativeRuntime(settings).root
    models.mkdir(parents=True, exist_ok=True)  # the first server may assemble the model file in it
    native.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsdesk-runtimes-") as tmp:
        servers: dict[str, LocalServer] = {}
        try:
            for name in runtimes:
                data = Path(tmp) / name
                data.mkdir()
                (data / "models").symlink_to(models.resolve(), target_is_directory=True)
                (data / "runtime").symlink_to(native.resolve(), target_is_directory=True)
                update = {"data_dir": data, "local_runtime": name, **overrides}
                servers[name] = LocalServer(settings.model_copy(update=update))
                servers[name].ensure()
            yield servers
        finally:
            for server in servers.values():
                server.stop()


def probe(settings: Settings, rounds: int = ROUNDS, on_line: Callable[[str], None] | None = None) -> Choice:
    """Time the prebuilt and the native runtime on the fixed job, alternating, and record the choice."""
    names = ["xllamacpp", "native"] if NativeRuntime(settings).available() else ["xllamacpp"]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    with servers_for(settings, names) as servers:
        urls = {name: server.ensure().base_url for name, server in servers.items()}
        for n in range(rounds):
            for name in names if n % 2 == 0 else names[::-1]:
                runs[name].append(_job(urls[name]))
                if on_line is not None:
                    on_line(f"round {n + 1}/{rounds} {name}: {_describe(runs[name][-1])}")
    figures = {name: _figures(runs[name], runtime_system_info(settings, name)) for name in names}
    choice = Choice(choose(figures), time.time(), figures)
    write_choice(settings, choice)
    return choice


def _job(base_url: str) -> dict[str, float]:
    body = {"model": LOCAL_ALIAS, "messages": PROMPT, "max_tokens": GENERATED, "temperature": 0,
            "cache_prompt": False, "ignore_eos": True}  # fmt: skip
    try:
        reply = httpx.post(f"{base_url}/chat/completions", json=body, timeout=900, trust_env=False).json()
        return {key: float(reply["timings"][key]) for key in ("prompt_n", "prompt_ms", "predicted_n", "predicted_ms")}
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise LLMUnavailable(f"the runtime probe got no timings from {base_url}: {exc}") from None


def _figures(runs: list[dict[str, float]], info: str) -> RuntimeFigures:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    prompt_n, predicted_n = median("prompt_n"), median("predicted_n")
    prompt_ms, predicted_ms = median("prompt_ms"), median("predicted_ms")
    return RuntimeFigures(
        int(prompt_n), round(prompt_n / prompt_ms * 1000, 1), round(predicted_n / predicted_ms * 1000, 1),
        round((prompt_ms + predicted_ms) / 1000, 2), info,
    )  # fmt: skip


def _describe(run: dict[str, float]) -> str:
    return (f"prompt {run['prompt_n'] / run['prompt_ms'] * 1000:.1f} tok/s, "
            f"generation {run['predicted_n'] / run['predicted_ms'] * 1000:.1f} tok/s")  # fmt: skip


def runtime_system_info(settings: Settings, runtime: str) -> str:
    """llama.cpp's system-info line of a runtime ("" where it cannot be read)."""
    if runtime == "native":
        return NativeRuntime(settings).state().system_info
    if runtime != "xllamacpp":
        return ""
    try:
        return system_info(dict(os.environ))
    except BuildFailed:
        return ""
