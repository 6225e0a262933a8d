"""The embedded model server: llama.cpp's OpenAI-compatible server as a managed subprocess.

Started on a free 127.0.0.1 port on first use, health-checked, and reused by later newsdesk processes (they
attach through a small state file). Every process using it is listed in ``server.users``; the last one to
finish stops it, so a process that exits never breaks an answer another one is still streaming.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from service.errors import ConfigError, LLMUnavailable
from service.llm.embedded_server import LOOKUP_DRAFT
from service.llm.endpoint import LOCAL_ALIAS
from service.llm.model_file import QWEN_CODER_15B, ensure_model_file
from service.llm.native import NativeRuntime
from service.llm.processes import alive
from service.llm.runtime_choice import resolve_runtime
from service.settings import Settings


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    model: str
    runtime: str = "xllamacpp"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


class LocalServer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._dir = settings.llm_dir
        self._process: subprocess.Popen[bytes] | None = None
        self.info: ServerInfo | None = None
        self._joined = False

    @property
    def state_file(self) -> Path:
        return self._dir / "server.json"

    @property
    def users_file(self) -> Path:
        return self._dir / "server.users"

    @property
    def log_file(self) -> Path:
        return self._dir / "server.log"

    @property
    def owned(self) -> bool:
        return self._process is not None

    def model_path(self) -> Path:
        if self._settings.local_gguf is not None:
            path = self._settings.local_gguf.expanduser()
            if not path.is_file():
                raise LLMUnavailable(f"NEWSDESK_LOCAL_GGUF points at {path}, which is not a file")
            return path.resolve()
        return ensure_model_file(QWEN_CODER_15B, self._settings.models_dir).resolve()

    def ensure(self) -> ServerInfo:
        """A running, healthy server: the one already up for this model, or a new one."""
        if self.info is not None and self._healthy(self.info):
            return self.info
        self._dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            model = str(self.model_path())
            running = self._read_state()
            if running is not None and running.model == model and self._healthy(running):
                self.info = running  # whatever its runtime: a new choice of runtime applies from the next start
            else:
                self.info = self._start(model, resolve_runtime(self._settings))
            self._join()
            return self.info

    def running(self) -> ServerInfo | None:
        """A healthy server for this model that is already up (started by this or another process), without
        starting one."""
        if self.info is not None and self._healthy(self.info):
            return self.info
        found = self._read_state()
        if found is None or not self._healthy(found):
            return None
        return found if found.model == str(self.model_path()) else None

    def stop(self) -> None:
        """This process is done with the server. The last process using it stops it; while others still
        use it, it stays up for them (the last of them stops it)."""
        if not self._joined and self._process is None:
            return
        self._dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            self._joined = False
            others = self._users() - {os.getpid()}
            self._write_users(others)
            info, process = self.info, self._process
            self.info, self._process = None, None
            if others:
                return
            registered = self._read_state()
            if process is not None:
                _terminate(process.pid, process)
            elif info is not None and registered == info:
                _terminate(info.pid, None)
            if registered is not None and registered == info:
                self.state_file.unlink(missing_ok=True)

    def _join(self) -> None:
        """List this process as a user (under the lock); it leaves the list at exit."""
        self._write_users(self._users() | {os.getpid()})
        if not self._joined:
            self._joined = True
            atexit.register(self.stop)

    def _users(self) -> set[int]:
        try:
            listed = {int(pid) for pid in json.loads(self.users_file.read_text())}
        except (OSError, ValueError, TypeError):
            return set()
        return {pid for pid in listed if alive(pid)}

    def _write_users(self, users: set[int]) -> None:
        self.users_file.write_text(json.dumps(sorted(users)))

    def _start(self, model: str, runtime: str) -> ServerInfo:
        s = self._settings
        port = s.local_port or _free_port()
        command = server_command(
            runtime, model, port, s.local_ctx, s.local_threads, s.local_speculative, reading_threads(s)
        )
        native = NativeRuntime(s)
        if runtime == "native" and not native.available():
            raise ConfigError(f"NEWSDESK_LOCAL_RUNTIME=native: the native runtime is {native.state().line()}")
        env = {**(native.env() if runtime == "native" else os.environ), "OMP_WAIT_POLICY": "PASSIVE"}
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        info = ServerInfo(self._process.pid, port, model, runtime)
        deadline = time.monotonic() + s.local_startup_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                raise LLMUnavailable(f"the embedded model server exited at start-up: {self._log_tail()}")
            if self._healthy(info):
                self.state_file.write_text(json.dumps(info.__dict__))
                return info
            time.sleep(0.5)
        _terminate(self._process.pid, self._process)
        self._process = None
        raise LLMUnavailable(f"the embedded model server did not start within {s.local_startup_s:g} s")

    def _read_state(self) -> ServerInfo | None:
        try:
            data = json.loads(self.state_file.read_text())
            return ServerInfo(
                int(data["pid"]), int(data["port"]), str(data["model"]), str(data.get("runtime", "xllamacpp"))
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @staticmethod
    def _healthy(info: ServerInfo) -> bool:
        try:
            response = httpx.get(f"{info.base_url}/models", timeout=3, trust_env=False)
            return response.status_code == 200 and LOCAL_ALIAS in response.text
        except httpx.HTTPError:
            return False

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        with (self._dir / "server.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _log_tail(self, lines: int = 3) -> str:
        try:
            tail = self.log_file.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return "no log"
        return " | ".join(line.strip()[:200] for line in tail) or "no output"


def reading_threads(settings: Settings) -> int:
    """Threads that read prompts: as set, or two where this process may use two CPUs (prompt processing is
    compute-bound and nearly halves on the second core; generation is bound by memory and keeps its own)."""
    if settings.local_prompt_threads:
        return settings.local_prompt_threads
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(settings.local_threads, min(2, usable))


def server_command(
    runtime: str, model: str, port: int, ctx: int, threads: int, speculative: str = "off", prompt_threads: int = 0
) -> list[str]:
    """The command that serves ``model`` on 127.0.0.1:``port``: llama.cpp's own server from xllamacpp (the
    prebuilt wheel, or under ``native`` the same server compiled for this CPU, which the environment puts
    first on the import path), or llama-cpp-python's server when that package is installed.
    ``speculative="lookup"`` turns on prompt-lookup decoding (draft tokens copied from the prompt);
    ``prompt_threads`` (0 = ``threads``) reads prompts on that many threads while generation keeps ``threads``."""
    reading = str(prompt_threads or threads)
    if runtime == "llama-cpp-python":
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "NEWSDESK_LOCAL_RUNTIME=llama-cpp-python needs 'pip install \"llama-cpp-python[server]\"' "
                "(it compiles llama.cpp); the default runtime, xllamacpp, needs nothing more"
            )
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", model, "--model_alias", LOCAL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(ctx), "--n_threads", str(threads), "--n_threads_batch", reading,
            "--interrupt_requests", "False", "--verbose", "False",
        ] + (["--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(LOOKUP_DRAFT)]
             if speculative == "lookup" else [])  # fmt: skip
    return [
        sys.executable, "-m", "service.llm.embedded_server",
        "--model", model, "--alias", LOCAL_ALIAS, "--port", str(port), "--ctx", str(ctx), "--threads", str(threads),
        "--prompt-threads", reading, "--speculative", speculative,
    ]  # fmt: skip


def _terminate(pid: int, process: subprocess.Popen[bytes] | None) -> None:
    """Stop the server's process group (it runs in its own session): politely, then by force."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return
        if process is None and not alive(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    if process is not None:
        process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
