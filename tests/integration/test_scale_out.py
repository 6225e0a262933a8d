"""Scale-out: two newsdesk app processes sharing one Chroma server and one LLM server.

An article ingested through one app is listed by and answerable through the other.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED
from tests.integration.conftest import free_port, serve, wait_http


def test_two_apps_share_one_index_and_one_model(tmp_path: Path, chroma_server: str, llm_server: str) -> None:
    from gradio_client import Client

    shared = {"NEWSDESK_CHROMA_URL": chroma_server, "NEWSDESK_LLM_BASE_URL": llm_server}
    ports = [free_port(), free_port()]
    apps = [serve(tmp_path / f"app{i}", port, tmp_path / f"app{i}.log", **shared) for i, port in enumerate(ports)]
    try:
        for proc, port in zip(apps, ports, strict=True):
            wait_http(f"http://127.0.0.1:{port}/", 120, proc)
        first, second = (Client(f"http://127.0.0.1:{port}", verbose=False) for port in ports)
        added = first.predict(text=SEED.read_text(encoding="utf-8"), api_name="/ingest")["items"][0]
        assert added["status"] == "added"
        assert [a["id"] for a in second.predict(api_name="/articles")] == [added["article_id"]]
        answer = second.predict(question="Who took over from Barret Zoph?", api_name="/ask")
        assert "Fedus" in answer["answer"]
        assert {c["article_id"] for c in answer["citations"]} == {added["article_id"]}
        assert "answers" in second.predict(api_name="/status")["status"]
    finally:
        for proc in apps:
            proc.terminate()
            proc.wait(30)
    assert not (tmp_path / "app0" / "chroma").exists() and not (tmp_path / "app1" / "chroma").exists()
