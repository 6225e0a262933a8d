"""Chroma's server goes down mid-session and comes back: a clear error meanwhile, the index intact after."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from service.app import Newsdesk
from service.errors import StoreUnavailable
from service.settings import load_settings
from tests.conftest import SEED
from tests.integration.conftest import BIN, free_port, wait_http


def _chroma(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", 60, proc)
    return proc


def test_a_chroma_server_that_goes_away_and_comes_back(tmp_path: Path) -> None:
    port = free_port()
    server = _chroma(tmp_path / "index", port, tmp_path / "chroma.log")
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}"))
    try:
        desk.ingest.ingest([str(SEED)])
        (article,) = desk.catalog.list()
        server.terminate()
        server.wait(30)
        with pytest.raises(StoreUnavailable, match="the Chroma index failed"):
            desk.catalog.list()
        with pytest.raises(StoreUnavailable):
            desk.search.search("Fedus post-training", k=3)
        server = _chroma(tmp_path / "index", port, tmp_path / "chroma.log")
        assert [a.id for a in desk.catalog.list()] == [article.id]  # the same client recovers
        assert desk.catalog.show(article.id).chunks == article.chunks
        hits = desk.search.search("Who took over the post-training team?", k=3)
        assert any("Fedus" in h.chunk.text for h in hits)
    finally:
        server.terminate()
        server.wait(30)
