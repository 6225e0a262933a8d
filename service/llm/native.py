"""The native runtime: llama.cpp's server compiled on this machine for its own CPU (``GGML_NATIVE``).

It is built from the source distribution of the same ``xllamacpp`` release as the prebuilt wheel, pinned by
hash, so the server is the same code (the same OpenAI-compatible endpoint, streaming, log-probabilities,
prompt cache and one-slot queue) and only the CPU instructions it was compiled for differ: the prebuilt
wheel is built for a baseline x86-64 CPU (AVX2), the native build uses what this CPU has (AVX-512, VNNI, …).

``newsdesk llm native`` (``make native``) compiles it with pip into a fresh folder beside the final one,
checks that it imports and reports its CPU features, and only then moves it into place: a failed or
interrupted build leaves the prebuilt runtime in use and says why in one line (``NativeState.reason``).
The build runs niced, on ``jobs`` compile jobs, and logs to ``native-build.log`` in the runtime folder.
Two llama.cpp extras that would download sources at build time (llguidance, BoringSSL) are switched off;
newsdesk uses neither.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

from service.errors import ConfigError
from service.llm.processes import alive
from service.settings import Settings

SDIST = "xllamacpp==2026.10.11549"  # the same release as the prebuilt wheel in pyproject.toml
SDIST_SHA256 = "c17ee1163006f70726abb9f72137830818f3d8cb60bfc34cb232d08428eaa22b"
CMAKE_ARGS = "-DGGML_NATIVE=ON -DLLAMA_LLGUIDANCE=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF"
BuildState = Literal["absent", "building", "built", "failed"]


@dataclass(frozen=True)
class NativeState:
    state: BuildState
    reason: str = ""  # why a build failed, in one line
    system_info: str = ""  # llama.cpp's own line: the CPU features the build uses
    started: float = 0.0  # time.time() of the build's start
    finished: float = 0.0
    pid: int = 0  # the process building it, while it builds

    def line(self) -> str:
        """One line for `newsdesk llm status` and the web UI."""
        if self.state == "built":
            when = time.strftime("%Y-%m-%d", time.localtime(self.finished))
            return f"built {when} in {self.build_minutes():.0f} min" + (f" ({self.reason})" if self.reason else "")
        if self.state == "building":
            return f"building for this CPU ({(time.time() - self.started) / 60:.0f} min so far)"
        if self.state == "failed":
            return f"build failed: {self.reason}"
        return "not built (`make native` compiles llama.cpp for this CPU)"

    def build_minutes(self) -> float:
        return max(0.0, self.finished - self.started) / 60


class NativeRuntime:
    """The native build's folder, state and build under ``<data>/runtime``."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.data_dir / "runtime"

    @property
    def site(self) -> Path:
        return self.root / "native"

    @property
    def state_file(self) -> Path:
        return self.root / "native.json"

    @property
    def log_file(self) -> Path:
        return self.root / "native-build.log"

    def env(self) -> dict[str, str]:
        """The environment in which the native build's xllamacpp is the one imported."""
        path = os.environ.get("PYTHONPATH", "")
        return {**os.environ, "PYTHONPATH": f"{self.site.resolve()}{os.pathsep + path if path else ''}"}

    def state(self) -> NativeState:
        try:
            state = NativeState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            state = NativeState("absent")
        if state.state == "building" and not alive(state.pid):
            return NativeState("failed", "the build was interrupted (run `make native` again)", started=state.started)
        if state.state == "built" and not (self.site / "xllamacpp").is_dir():
            return NativeState("absent")
        return state

    def available(self) -> bool:
        return self.state().state == "built"

    def build(self, jobs: int = 1, on_line: Callable[[str], None] | None = None,
              command: list[str] | None = None) -> NativeState:  # fmt: skip
        """Compile the pinned source distribution for this CPU. ``command`` replaces pip's (for tests)."""
        self.root.mkdir(parents=True, exist_ok=True)
        previous = self.state()
        if previous.state == "building":
            raise ConfigError(f"a native build is already running (process {previous.pid}): {previous.line()}")
        staging = self.root / "native.building"
        shutil.rmtree(staging, ignore_errors=True)
        started = time.time()
        self._write(NativeState("building", started=started, pid=os.getpid()))
        try:
            self._compile(staging, jobs, on_line, command)
            info = system_info({**self.env(), "PYTHONPATH": str(staging.resolve())}, staging)
        except (BuildFailed, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if previous.state == "built":  # the build in place stays in use
                return self._write(replace(previous, reason=f"a rebuild failed: {exc}"))
            return self._write(NativeState("failed", str(exc), started=started, finished=time.time()))
        shutil.rmtree(self.site, ignore_errors=True)
        staging.rename(self.site)
        return self._write(NativeState("built", system_info=info, started=started, finished=time.time()))

    def _compile(self, staging: Path, jobs: int, on_line: Callable[[str], None] | None,
                 command: list[str] | None) -> None:  # fmt: skip
        pins = self.root / "native-requirements.txt"
        pins.write_text(f"{SDIST} --hash=sha256:{SDIST_SHA256}\n")
        command = command or [
            sys.executable, "-m", "pip", "install", "--no-deps", "--no-binary", "xllamacpp", "--require-hashes",
            "--no-cache-dir", "--target", str(staging), "-v", "-r", str(pins),
        ]  # fmt: skip
        env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS, "NPROC": str(jobs), "CMAKE_BUILD_PARALLEL_LEVEL": str(jobs)}
        tail: list[str] = []
        with self.log_file.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, errors="replace",
                preexec_fn=lambda: os.nice(10),
            )  # fmt: skip
            assert process.stdout is not None
            for line in process.stdout:
                log.write(line)
                tail = [*tail[-40:], line.rstrip()]
                if on_line is not None and "Building" in line:
                    on_line(line.strip())
            code = process.wait()
        if code != 0:
            raise BuildFailed(f"pip exited {code}: {_reason(tail)} (log: {self.log_file})")

    def _write(self, state: NativeState) -> NativeState:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state)))
        tmp.replace(self.state_file)
        return state


class BuildFailed(Exception):
    pass


def system_info(env: dict[str, str], expected: Path | None = None) -> str:
    """llama.cpp's system-info line of the xllamacpp that ``env`` imports (checked to come from ``expected``)."""
    code = "import xllamacpp, sys; print(xllamacpp.__file__); print(xllamacpp.get_system_info())"
    try:
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed(f"the built runtime did not load: {exc}") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or len(lines) < 2:
        raise BuildFailed(f"the built runtime does not import: {_reason(done.stderr.splitlines())}")
    if expected is not None and not Path(lines[0]).resolve().is_relative_to(expected.resolve()):
        raise BuildFailed(f"the built runtime was not the one imported ({lines[0]})")
    return " ".join(line.strip() for line in lines[1:] if line.strip())


def _reason(lines: list[str]) -> str:
    """The most telling line of a failed build's output."""
    for line in reversed(lines):
        text = line.strip()
        if any(key in text.lower() for key in ("error:", "error ", "failed", "not found")):
            return text[:200]
    return next((line.strip()[:200] for line in reversed(lines) if line.strip()), "no output")
