"""The real twin of the broken-stream unit test: the model server is killed while it is answering."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from service.errors import LLMUnavailable
from service.llm.factory import build_llm
from service.llm.local_server import LocalServer
from service.settings import load_settings

LONG = [{"role": "user", "content": "Write a long story about a lighthouse keeper, at least 400 words."}]


def test_a_model_server_killed_mid_answer_is_a_clear_error(tmp_path: Path, llm_server: str) -> None:
    settings = load_settings(data_dir=tmp_path / "client", llm_base_url=llm_server, llm_max_tokens=600)
    llm = build_llm(settings, LocalServer(settings))
    state = tmp_path / "llm-host" / "llm" / "server.json"
    pieces: list[str] = []
    with pytest.raises(LLMUnavailable, match=r"(?i)stream|interrupted|connect|closed") as caught:
        for piece in llm.stream(LONG):
            pieces.append(piece)
            if len(pieces) == 5:
                os.kill(json.loads(state.read_text())["pid"], signal.SIGKILL)
    assert len(pieces) >= 5 and llm_server in str(caught.value)
