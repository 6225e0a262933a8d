"""The embedded llama.cpp server with the real bundled model, and real failing endpoints."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from service.errors import LLMUnavailable
from service.llm.client import Sampling
from service.llm.factory import build_llm
from service.llm.local_server import LocalServer
from service.llm.model_file import QWEN_CODER_15B
from service.settings import Settings, load_settings
from tests.integration.conftest import BIN, QuietHTTPServer, as_a_background_job, free_port

TEXT = "Text: The council of Lyon voted on Tuesday to close the Pont Wilson bridge for repairs costing 4 million euros."
SYSTEM = {"role": "system", "content": "Answer from the text only, in one short sentence."}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, LocalServer]]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("llm") / "data")
    server = LocalServer(settings)
    server.ensure()
    yield settings, server
    server.stop()


def _ask(question: str) -> list[dict[str, str]]:
    return [SYSTEM, {"role": "user", "content": f"{TEXT}\nQuestion: {question}"}]


def test_a_streamed_answer_about_a_short_text(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    llm = build_llm(settings, server)
    assert llm.endpoint.kind == "local" and llm.endpoint.base_url == server.ensure().base_url
    pieces = list(llm.stream(_ask("On which day did the council vote?")))  # type: ignore[arg-type]
    assert len(pieces) > 1
    assert "Tuesday" in "".join(pieces)


def test_a_sampled_answer_is_repeatable_by_seed_and_differs_from_greedy(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    llm = build_llm(settings, server)
    ask = _ask("Write three different words about the bridge, comma-separated.")
    draw = ["".join(llm.stream(ask, max_tokens=24, sample=Sampling(1.2, seed))) for seed in (7, 7, 8, 9)]  # type: ignore[arg-type]
    greedy = "".join(llm.stream(ask, max_tokens=24))  # type: ignore[arg-type]
    assert draw[0] == draw[1]  # the same seed, the same draw
    assert len({greedy, *draw}) > 1  # the temperature reached the server


def test_two_concurrent_requests_both_come_back_whole(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    llm = build_llm(settings, server)
    answers: dict[str, str] = {}

    def ask(key: str, question: str) -> None:
        answers[key] = llm.complete(_ask(question)).text  # type: ignore[arg-type]

    threads = [
        threading.Thread(target=ask, args=("cost", "How much will the repairs cost?")),
        threading.Thread(target=ask, args=("city", "In which city is the council?")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert "4 million" in answers["cost"]
    assert "Lyon" in answers["city"]


def test_the_same_server_through_llm_base_url(local: tuple[Settings, LocalServer], tmp_path: Path) -> None:
    _, server = local
    settings = load_settings(data_dir=tmp_path, llm_base_url=server.ensure().base_url, llm_model="local")
    llm = build_llm(settings)
    assert llm.endpoint.kind == "compatible"
    assert "Tuesday" in llm.complete(_ask("On which day did the council vote?")).text  # type: ignore[arg-type]
    assert not (tmp_path / "llm").exists()  # no embedded server was started


def test_langchain_chat_model_uses_the_same_endpoint(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    chat = build_llm(settings, server).langchain_model()
    reply = chat.invoke([("system", SYSTEM["content"]), ("user", f"{TEXT}\nQuestion: Which bridge will close?")])
    assert "Wilson" in reply.content


def test_another_process_attaches_instead_of_starting_a_second_server(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    other = LocalServer(settings)
    assert other.ensure() == server.ensure()
    assert not other.owned and server.owned
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run(
        [str(BIN / "newsdesk"), "llm", "status", "--json"], env=env, capture_output=True, text=True, timeout=300
    )
    status = json.loads(result.stdout)
    assert result.returncode == 0 and status["answers"] is True
    assert status["endpoint"] == server.ensure().base_url


def test_the_server_outlives_the_process_that_started_it_while_another_uses_it(tmp_path: Path) -> None:
    """The other user is started as a background job would be, with SIGINT ignored, and asked to stop the
    way service managers ask: SIGTERM. It exits 0 and, as the last user, stops the server."""
    settings = load_settings(data_dir=tmp_path / "data")
    starter = LocalServer(settings)
    info = starter.ensure()
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(settings.data_dir)}
    user = subprocess.Popen(
        [str(BIN / "newsdesk"), "llm", "serve"], env=env, stdout=subprocess.DEVNULL, preexec_fn=as_a_background_job
    )
    try:
        deadline = time.monotonic() + 120
        while user.pid not in json.loads(starter.users_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert user.pid in json.loads(starter.users_file.read_text())
        starter.stop()  # the starter is done; the other process still needs the server
        assert LocalServer._healthy(info)
        assert _ignores_sigint(user.pid)
        user.send_signal(signal.SIGTERM)  # the last user leaves: it stops the server
        assert user.wait(timeout=60) == 0  # bound: stopping the server takes at most 10 s, then SIGKILL
        deadline = time.monotonic() + 30
        while LocalServer._healthy(info) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not LocalServer._healthy(info) and not starter.state_file.exists()
    finally:
        if user.poll() is None:
            user.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(info.pid, signal.SIGKILL)


def _ignores_sigint(pid: int) -> bool:
    """SIGINT's bit in the process's ignored-signal mask (/proc/PID/status SigIgn)."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("SigIgn:"))
    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))


def test_a_corrupted_model_file_is_refused(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    settings.models_dir.mkdir(parents=True)
    (settings.models_dir / QWEN_CODER_15B.filename).write_bytes(b"GGUF" + b"\0" * 4096)
    with pytest.raises(LLMUnavailable, match="corrupted"):
        LocalServer(settings).ensure()


def test_an_endpoint_that_is_down(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_max_retries=1)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="cannot connect"):
        build_llm(settings).complete(_ask("?"))  # type: ignore[arg-type]
    assert time.monotonic() - started < 15


def test_an_endpoint_that_hangs_past_the_timeout(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # accepts connections, never answers
    port = listener.getsockname()[1]
    settings = load_settings(data_dir=tmp_path, llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout_s=2)
    started = time.monotonic()
    try:
        with pytest.raises(LLMUnavailable, match="no answer within 2 s"):
            list(build_llm(settings).stream(_ask("?")))  # type: ignore[arg-type]
    finally:
        listener.close()
    assert time.monotonic() - started < 15


class _Garbage(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<html><body>502 Bad Gateway from some proxy</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_endpoint_that_answers_garbage(tmp_path: Path) -> None:
    server = QuietHTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        llm = build_llm(load_settings(data_dir=tmp_path, llm_base_url=url))
        with pytest.raises(LLMUnavailable, match="malformed"):
            llm.complete(_ask("?"))  # type: ignore[arg-type]
    finally:
        server.shutdown()


def test_first_token_log_probabilities_for_the_judge_mode(local: tuple[Settings, LocalServer]) -> None:
    settings, server = local
    llm = build_llm(settings, server)
    question = [SYSTEM, {"role": "user", "content": f"{TEXT}\nAnswer yes or no: did the council vote on Tuesday?"}]
    answer, choices = llm.first_token_choices(question)  # type: ignore[arg-type]
    assert answer and len(choices) > 1 and all(0.0 <= p <= 1.0 for p in choices.values())
    assert max(choices, key=lambda token: choices[token]).strip().lower() == "yes"
