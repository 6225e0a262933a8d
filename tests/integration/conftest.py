from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from service.app import Newsdesk
from service.settings import load_settings

BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


class QuietHTTPServer(ThreadingHTTPServer):
    """A test HTTP server that does not print when a client hangs up early (time-out tests do)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s")


@pytest.fixture
def real_desk(tmp_path: Path) -> Newsdesk:
    """The real default stack: bundled MiniLM embeddings, embedded on-disk Chroma."""
    return Newsdesk(load_settings(data_dir=tmp_path / "data"))


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """Chroma's own server (`chroma run`) on a free loopback port, stopped afterwards."""
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "chroma"), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v2/heartbeat", 60, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def serve(data: Path, port: int, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """`newsdesk serve` in its own process on a loopback port, with the given NEWSDESK_* settings."""
    environment = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(data),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    return subprocess.Popen(
        [str(BIN / "newsdesk"), "serve", "--port", str(port)],
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        preexec_fn=as_a_background_job,  # tests stop it with SIGTERM, as service managers do
    )


def as_a_background_job() -> None:
    """What a shell does to a job started with `&` (and nohup, and many job runners): SIGINT ignored. The
    servers tests start get the same, so no test depends on SIGINT reaching them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture
def llm_server(tmp_path: Path) -> Iterator[str]:
    """The embedded model as its own server (`newsdesk llm serve`), the way a separate LLM host runs."""
    port = free_port()
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "llm-host"), "NEWSDESK_LOCAL_PORT": str(port)}
    log = (tmp_path / "llm.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "newsdesk"), "llm", "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=as_a_background_job,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", 240, proc)
        state = tmp_path / "llm-host" / "llm" / "server.json"  # written just after llama.cpp reports healthy
        deadline = time.monotonic() + 30
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
