"""The web UI's handlers over a real on-disk Chroma with the fake embedder and a scripted chat model (no Gradio
server); uploads, login parsing and error translation."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import pytest

from service.app import Newsdesk
from service.errors import ConfigError, LLMUnavailable, NotFound
from service.qa.answer import Turn
from service.ui.api import ApiHandlers
from service.ui.auth import is_loopback, parse_auth
from service.ui.errors import UNEXPECTED, friendly
from service.ui.status import StatusHandlers
from service.ui.tab_articles import ArticleHandlers
from service.ui.tab_ask import NO_ARTICLES, AskHandlers
from service.ui.tab_rewrite import RewriteHandlers
from service.ui.uploads import safe_name, store_upload
from tests.conftest import SEED, shown
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM

FEDUS = "Zoph's position was taken over by William (Liam) Fedus. [1]"


@pytest.fixture
def seeded(make_desk: Callable[..., Newsdesk]) -> Newsdesk:
    desk = make_desk(embedder=FakeEmbedder(dim=256))
    desk.ingest.ingest([str(SEED)])
    return desk


def _with_llm(desk: Newsdesk, *replies: str) -> FakeLLM:
    llm = FakeLLM(list(replies))
    desk.__dict__["llm"] = llm
    return llm


def test_ask_streams_into_the_chat_then_shows_the_verified_answer(seeded: Newsdesk) -> None:
    _with_llm(seeded, FEDUS)
    steps = list(AskHandlers(seeded).ask("Who took over from Barret Zoph?", [], "", []))
    first_chat = steps[0][0]
    assert first_chat[-2] == {"role": "user", "content": "Who took over from Barret Zoph?"}
    waits = [step[0][-1]["content"] for step in steps if "⏳" in step[0][-1]["content"]]
    assert "Waiting for the model" in waits[0] and any("Reading 3 passages…" in w for w in waits)
    assert "⏳" not in steps[-1][0][-1]["content"]  # the finished answer carries no waiting line
    assert any("Fedus" in step[0][-1]["content"] and "<details>" not in step[0][-1]["content"] for step in steps[1:-1])
    chat, cleared, turns, details, timings = steps[-1]
    assert "<details><summary>[1]" in chat[-1]["content"] and "Every sentence is supported" in chat[-1]["content"]
    assert cleared == "" and turns == [Turn("Who took over from Barret Zoph?", details["answer"])]
    assert details["citations"][0]["article_id"] == seeded.catalog.list()[0].id
    assert "first token" in timings


def test_a_follow_up_passes_the_previous_turn(seeded: Newsdesk) -> None:
    llm = _with_llm(seeded, "Fedus replaced him [1].")
    history = [Turn("Who led post-training at OpenAI?", "Barret Zoph led it [1].")]
    list(AskHandlers(seeded).ask("And who replaced him?", [], "", history))
    assert "Earlier question: Who led post-training at OpenAI?" in str(llm.prompts[0])


def test_ask_errors_become_a_chat_message_not_a_trace(seeded: Newsdesk) -> None:
    class Down(FakeLLM):
        def langchain_model(self, **_: object) -> object:
            raise LLMUnavailable("local model at http://127.0.0.1:1/v1: connection refused")

    seeded.__dict__["llm"] = Down([])
    chat, *_ = list(AskHandlers(seeded).ask("Who took over from Barret Zoph?", [], "", []))[-1]
    assert shown(chat[-1]["content"]).startswith("⚠ The language model is not answering: local model")
    assert "Traceback" not in chat[-1]["content"]


def test_ask_with_no_articles_says_where_to_add_them(make_desk: Callable[..., Newsdesk]) -> None:
    desk = make_desk()
    llm = _with_llm(desk)
    chat, *_ = list(AskHandlers(desk).ask("Anything?", [], "", []))[-1]
    assert chat[-1]["content"] == NO_ARTICLES and llm.prompts == []


def test_an_empty_question_changes_nothing(seeded: Newsdesk) -> None:
    assert list(AskHandlers(seeded).ask("   ", [{"role": "user", "content": "x"}], "", [])) == [
        ([{"role": "user", "content": "x"}], "", [], {}, "")
    ]


def test_uploads_are_copied_under_the_data_dir_with_safe_names(seeded: Newsdesk, tmp_path: Path) -> None:
    upload = tmp_path / "gradio" / "Harbour news (draft).txt"
    upload.parent.mkdir()
    upload.write_text("Harbour reopens\n\nThe harbour of Saint-Malo reopened on Monday after repairs.")
    bad = tmp_path / "gradio" / "tool.exe"
    bad.write_bytes(b"MZ\x00\x01")
    message = ArticleHandlers(seeded).ingest([str(upload), str(bad)], "")
    assert "1 added" in message and "tool.exe: newsdesk reads" in message
    stored = seeded.settings.data_dir / "uploads" / "Harbour-news-draft.txt"
    assert stored.read_text() == upload.read_text()
    assert any(a.source == str(stored.resolve()) for a in seeded.catalog.list())


def test_upload_names_cannot_climb_out_and_clashes_get_a_prefix(tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\win.ini") == "win.ini"
    assert safe_name("résumé of news?.TXT") == "r-sum-of-news.txt"
    assert safe_name("....") == "upload"
    a, b = tmp_path / "a" / "same.md", tmp_path / "b" / "same.md"
    for path, text in ((a, "one"), (b, "two")):
        path.parent.mkdir()
        path.write_text(text)
    uploads = tmp_path / "uploads"
    first, second = store_upload(a, uploads), store_upload(b, uploads)
    assert first.name == "same.md" and second.name.endswith("-same.md") and second.read_text() == "two"
    assert store_upload(a, uploads) == first  # the same file again is not duplicated
    assert sorted(p.parent for p in uploads.iterdir()) == [uploads, uploads]


def test_delete_and_the_picker_errors_are_friendly(seeded: Newsdesk) -> None:
    handlers = ArticleHandlers(seeded)
    with pytest.raises(gr.Error, match="choose an article to delete"):
        handlers.delete(None)
    with pytest.raises(gr.Error, match="no article has the id 'ffff'"):
        handlers.delete("ffff")
    article = seeded.catalog.list()[0]
    assert handlers.delete(article.id).startswith("Deleted **OpenAI brain drain")
    assert seeded.catalog.list() == []


def test_rewrite_source_priority_and_missing_input(seeded: Newsdesk, tmp_path: Path) -> None:
    handlers = RewriteHandlers(seeded)
    article = seeded.catalog.list()[0]
    upload = tmp_path / "x.md"
    upload.write_text("# Upload title\n\nUploaded body text here.")
    assert handlers.source(article.id, "Pasted title\n\nPasted body.", str(upload))[0] == "Upload title"
    assert handlers.source(article.id, "Pasted title\n\nPasted body.", None)[0] == "Pasted title"
    assert handlers.source(article.id, "  ", None)[0] == article.title
    with pytest.raises(gr.Error, match="choose an article, paste text or upload a file"):
        list(handlers.rewrite(None, "", None, "plain"))


def test_rewrite_streams_then_reports_and_writes_the_markdown(seeded: Newsdesk) -> None:
    _with_llm(seeded, *["The Saint-Malo harbour reopened on Monday after storm repairs."] * 2)
    text = "Harbour news\n\nThe harbour of Saint-Malo reopened on Monday following extensive storm repairs."
    steps = list(RewriteHandlers(seeded).rewrite(None, text, None, "plain"))
    aligned, report, chart, download = steps[-1]
    assert any("Rewriting sentence 2 of 2" in step[0] for step in steps) and "⏳" not in aligned
    assert any('<td class="out">…</td>' in step[0] for step in steps)  # sentences still to come are shown
    assert "<h3>Harbour news</h3>" in aligned and '<td class="src">The harbour of Saint-Malo' in aligned
    assert "harbour reopened on Monday after" in aligned and "Reading grade" in report and chart is not None
    assert download is not None and Path(download).parent == seeded.settings.data_dir / "downloads"
    assert "The Saint-Malo harbour reopened on Monday after storm repairs." in Path(download).read_text()


def test_api_handlers_answer_as_json(seeded: Newsdesk) -> None:
    _with_llm(seeded, FEDUS)
    api = ApiHandlers(seeded, StatusHandlers(seeded))
    assert [a["title"] for a in api.articles()] == [seeded.catalog.list()[0].title]
    assert api.search("Fedus post-training", k=50)[0]["rank"] == 1
    answer = api.ask("Who took over from Barret Zoph?")
    assert "Fedus" in answer["answer"] and answer["citations"]
    added = api.ingest(text="Harbour reopens\n\nThe harbour of Saint-Malo reopened on Monday.", title="Harbour")
    assert added["items"][0]["status"] == "added" and added["items"][0]["title"] == "Harbour"
    with pytest.raises(gr.Error, match="give a url or a text"):
        api.ingest()
    with pytest.raises(gr.Error, match="the query is empty"):
        api.search("  ")
    assert api.delete(added["items"][0]["article_id"][:8])["title"] == "Harbour"


def test_friendly_translates_errors_and_logs_only_the_unexpected(caplog: pytest.LogCaptureFixture) -> None:
    @friendly
    def missing() -> None:
        raise NotFound("no article has the id 'beef'")

    @friendly
    def broken() -> None:
        raise KeyError("internal detail")

    @friendly
    def broken_stream():  # type: ignore[no-untyped-def]
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(gr.Error, match="no article has the id 'beef'"):
        missing()
    with caplog.at_level(logging.ERROR, logger="newsdesk.ui"), pytest.raises(gr.Error) as caught:
        broken()
    assert caught.value.message == UNEXPECTED and "internal detail" in caplog.text
    with pytest.raises(gr.Error, match="unexpected problem"):
        list(broken_stream())


def test_auth_parsing_never_echoes_a_password(tmp_path: Path) -> None:
    assert parse_auth("editor:pa:ss") == [("editor", "pa:ss")]
    users = tmp_path / "users"
    users.write_text("# newsroom\nalice:one\n\nbob:two\n")
    assert parse_auth(str(users)) == [("alice", "one"), ("bob", "two")]
    users.write_text("alice:one\nbob-secretword\n")
    with pytest.raises(ConfigError, match="line 2: expected user:password") as caught:
        parse_auth(str(users))
    assert "secretword" not in str(caught.value)
    with pytest.raises(ConfigError, match="NEWSDESK_AUTH, line 1") as caught:
        parse_auth("justapassword")
    assert "justapassword" not in str(caught.value)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


def test_serve_configures_an_offline_queued_app_and_warns_about_an_open_host(
    make_desk: Callable[..., Newsdesk], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.ui.launch import serve

    launched: dict[str, object] = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: launched.update(kw, queue=self._queue))
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    desk = make_desk(max_file_mb=2.0)
    warnings: list[str] = []
    serve(desk, "0.0.0.0", 7999, warn=warnings.append, warm_llm=False)
    assert len(warnings) == 1 and "without a login" in warnings[0] and "NEWSDESK_AUTH" in warnings[0]
    assert launched["server_name"] == "0.0.0.0" and launched["server_port"] == 7999
    assert launched["share"] is False and launched["quiet"] is True  # no banner suggesting share links
    assert launched["auth"] is None and launched["max_file_size"] == 2_000_000
    assert Path(os.environ["GRADIO_TEMP_DIR"]).is_relative_to(desk.settings.data_dir.resolve())
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    queue = launched["queue"]
    assert queue.max_size == desk.settings.ui_queue_size  # type: ignore[attr-defined]

    locked = make_desk(auth="editor:pw")
    warnings.clear()
    serve(locked, "0.0.0.0", 7999, warn=warnings.append, warm_llm=False)
    assert warnings == [] and launched["auth"] == [("editor", "pw")]


def test_ask_with_the_index_down_says_so_in_the_chat(make_desk: Callable[..., Newsdesk]) -> None:
    from tests.integration.conftest import free_port

    desk = make_desk(chroma_url=f"http://127.0.0.1:{free_port()}")
    chat, *_ = list(AskHandlers(desk).ask("Who took over?", [], "", []))[-1]
    assert shown(chat[-1]["content"]).startswith("⚠ The article index is not available: cannot open the Chroma index")


def test_the_status_line_reports_the_latest_answers_first_token_time(
    seeded: Newsdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.llm.status import Status
    from service.ui import status as status_module

    _with_llm(seeded, FEDUS)
    monkeypatch.setattr(status_module, "probe", lambda _llm: Status("local", "local", "u", True, "ok", 0.43, 20.0))
    status = StatusHandlers(seeded)
    assert "(probe)" in status.check()
    list(AskHandlers(seeded).ask("Who took over from Barret Zoph?", [], "", []))
    assert "(latest answer, just now)" in status.line()
