"""The embedded model server: llama.cpp's OpenAI-compatible server as a managed subprocess.

Started on a free 127.0.0.1 port on first use, health-checked, reused by later newsdesk processes
(they attach through a small state file), and stopped when the process that started it exits.
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
from service.settings import Settings


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    model: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


class LocalServer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._dir = settings.llm_dir
        self._process: subprocess.Popen[bytes] | None = None
        self.info: ServerInfo | None = None

    @property
    def state_file(self) -> Path:
        return self._dir / "server.json"

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
                self.info = running
                return running
            self.info = self._start(model)
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
        """Stop the server if this process started it."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if self.info is not None and self._read_state() == self.info:
            self.state_file.unlink(missing_ok=True)
        self.info = None

    def _start(self, model: str) -> ServerInfo:
        s = self._settings
        port = s.local_port or _free_port()
        command = server_command(s.local_runtime, model, port, s.local_ctx, s.local_threads, s.local_speculative)
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        atexit.register(self.stop)
        info = ServerInfo(self._process.pid, port, model)
        deadline = time.monotonic() + s.local_startup_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                raise LLMUnavailable(f"the embedded model server exited at start-up: {self._log_tail()}")
            if self._healthy(info):
                self.state_file.write_text(json.dumps(info.__dict__))
                return info
            time.sleep(0.5)
        self.stop()
        raise LLMUnavailable(f"the embedded model server did not start within {s.local_startup_s:g} s")

    def _read_state(self) -> ServerInfo | None:
        try:
            data = json.loads(self.state_file.read_text())
            return ServerInfo(int(data["pid"]), int(data["port"]), str(data["model"]))
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


def server_command(runtime: str, model: str, port: int, ctx: int, threads: int, speculative: str = "off") -> list[str]:
    """The command that serves ``model`` on 127.0.0.1:``port``: llama.cpp's own server from the prebuilt
    xllamacpp wheel (the default), or llama-cpp-python's server when that package is installed.
    ``speculative="lookup"`` turns on prompt-lookup decoding (draft tokens copied from the prompt)."""
    if runtime == "llama-cpp-python":
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "NEWSDESK_LOCAL_RUNTIME=llama-cpp-python needs 'pip install \"llama-cpp-python[server]\"' "
                "(it compiles llama.cpp); the default runtime, xllamacpp, needs nothing more"
            )
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", model, "--model_alias", LOCAL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(ctx), "--n_threads", str(threads), "--interrupt_requests", "False", "--verbose", "False",
        ] + (["--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(LOOKUP_DRAFT)]
             if speculative == "lookup" else [])  # fmt: skip
    return [
        sys.executable, "-m", "service.llm.embedded_server",
        "--model", model, "--alias", LOCAL_ALIAS, "--port", str(port), "--ctx", str(ctx), "--threads", str(threads),
        "--speculative", speculative,
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
