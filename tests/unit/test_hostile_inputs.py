"""Hostile inputs at every entry point (CLI, web UI upload/URL, API): a clear error, and nothing lost.

The list and its results are recorded in docs/robustness.md. Real on-disk Chroma; the fake embedder.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import pytest

from service import app as app_module
from service.app import Newsdesk
from service.cli.app import main
from service.settings import load_settings
from service.ui.api import ApiHandlers
from service.ui.status import StatusHandlers
from service.ui.tab_articles import ArticleHandlers
from service.ui.tab_ask import AskHandlers
from tests.conftest import SEED
from tests.fakes import FakeEmbedder

LIMIT_MB = 1.0
FEED = "".join(
    f"<item><title>Story {i}</title><description>Market {i} opened.</description></item>" for i in range(1000)
)
NESTED = (
    "<script>alert('x')</script>"
    + "<div>" * 10000
    + "<p>The council approved the new bridge over the river on Tuesday.</p>"
    + "</div>" * 10000
)

# name, file name, bytes, what must happen: an error matching the pattern, or ("stored", text the article must hold)
FILES: list[tuple[str, str, bytes, tuple[str, str]]] = [
    ("empty", "empty.txt", b"", ("error", "empty")),
    ("whitespace only", "blank.txt", b"  \n\t \n", ("error", "empty")),
    ("binary", "photo.txt", bytes(range(256)) * 64, ("error", "binary file")),
    ("over the size limit", "huge.txt", b"word " * 300_000, ("error", r"over the 1 MB limit")),
    ("one line of 900 KB", "line.txt", b"a" * 900_000, ("error", r"over the 500,000 limit")),
    ("non-UTF-8 (cp1252)", "latin.txt", "Café à Montréal\n\nLe maire a parlé.".encode("cp1252"), ("stored", "Café")),
    ("control characters", "ctrl.txt", b"Harbour\x07\x1b[31m news\n\nIt reopened\x0b on Monday.", ("stored", "Harbour news")),  # noqa: E501
    ("HTML: scripts, 10,000 nested tags", "deep.html", NESTED.encode(), ("stored", "The council approved the new bridge")),  # noqa: E501
    ("RSS with 1,000 entries, no links", "feed.xml", f"<rss><channel>{FEED}</channel></rss>".encode(), ("error", "nothing usable")),  # noqa: E501
    ("unsupported type", "tool.exe", b"MZ\x90\x00", ("error", r"unsupported file type|newsdesk reads")),
]  # fmt: skip
URLS = [
    "http://127.0.0.1:8080/admin",
    "http://localhost/",
    "http://10.0.0.7/internal",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "file:///etc/passwd",
    "gopher://example.com/",
]


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Newsdesk:
    """The seed article stored; CLI runs in this test build the same stack from the same settings."""
    monkeypatch.setattr(app_module, "build_embedder", lambda _settings: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_MAX_FILE_MB", str(LIMIT_MB))
    desk = Newsdesk(load_settings())
    desk.ingest.ingest([str(SEED)])
    return desk


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    old = sys.argv
    sys.argv = ["newsdesk", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def nothing_lost(desk: Newsdesk, before: set[str], stored: bool) -> None:
    """The seed article is whole and findable; a refused input left no article behind."""
    after = {a.id for a in desk.catalog.list()}
    assert before <= after
    assert len(after - before) == (1 if stored else 0)
    assert any("Fedus" in hit.chunk.text for hit in desk.search.search("Fedus post-training", k=3))


def expect(outcome: tuple[str, str], message: str, desk: Newsdesk, before: set[str]) -> None:
    kind, pattern = outcome
    message = " ".join(message.split())  # the terminal wraps long lines
    if kind == "error":
        assert re.search(pattern, message, re.IGNORECASE), message
        nothing_lost(desk, before, stored=False)
    else:
        new = [a for a in desk.catalog.list() if a.id not in before]
        assert len(new) == 1 and pattern in (desk.catalog.show(new[0].id).text or ""), message
        nothing_lost(desk, before, stored=True)


@pytest.mark.parametrize(("name", "filename", "payload", "outcome"), FILES, ids=[f[0] for f in FILES])
def test_files_through_the_cli(
    desk: Newsdesk, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, filename: str, payload: bytes, outcome: tuple[str, str],
) -> None:  # fmt: skip
    path = tmp_path / filename
    path.write_bytes(payload)
    before = {a.id for a in desk.catalog.list()}
    code, output = cli(capsys, "ingest", str(path))
    assert "Traceback" not in output
    assert code == (0 if outcome[0] == "stored" else 1), output
    expect(outcome, output, desk, before)


@pytest.mark.parametrize(("name", "filename", "payload", "outcome"), FILES, ids=[f[0] for f in FILES])
def test_files_through_the_web_upload(
    desk: Newsdesk, tmp_path: Path, name: str, filename: str, payload: bytes, outcome: tuple[str, str]
) -> None:
    path = tmp_path / "gradio-upload" / filename
    path.parent.mkdir()
    path.write_bytes(payload)
    before = {a.id for a in desk.catalog.list()}
    message = ArticleHandlers(desk).ingest([str(path)], "")
    expect(outcome, message, desk, before)
    uploads = desk.settings.data_dir / "uploads"
    stored = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    assert stored == ([] if filename.endswith(".exe") else [filename])  # one copy, in the data directory only


TEXTS = [
    ("empty", "", ("error", "give a url or a text")),
    ("whitespace only", " \n\t ", ("error", "give a url or a text")),
    ("one line of 900 KB", "a" * 900_000, ("error", r"over the 500,000 limit")),
    ("control characters", "Harbour\x07\x1b[31m news\x00\n\nIt reopened on Monday.", ("stored", "Harbour news")),
    ("markup is text", "<script>alert(1)</script> The mayor spoke on Monday.", ("stored", "<script>alert(1)</script>")),
]


@pytest.mark.parametrize(("name", "text", "outcome"), TEXTS, ids=[t[0] for t in TEXTS])
def test_texts_through_the_api(desk: Newsdesk, name: str, text: str, outcome: tuple[str, str]) -> None:
    api = ApiHandlers(desk, StatusHandlers(desk))
    before = {a.id for a in desk.catalog.list()}
    try:
        result = api.ingest(text=text)
        message = " ".join(f"{i['status']}: {i['message']}" for i in result["items"])
    except gr.Error as exc:
        message = str(exc.message)
    expect(outcome, message, desk, before)


@pytest.mark.parametrize("url", URLS)
def test_internal_and_odd_urls_are_refused_everywhere(
    desk: Newsdesk, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    before = {a.id for a in desk.catalog.list()}
    refused = r"refus|not allowed|private|loopback|link-local|scheme|only http"
    code, output = cli(capsys, "ingest", url)
    assert code == 1 and re.search(refused, " ".join(output.split()), re.IGNORECASE), output
    assert re.search(refused, ArticleHandlers(desk).ingest(None, url), re.IGNORECASE)
    result = ApiHandlers(desk, StatusHandlers(desk)).ingest(url=url)
    assert result["items"][0]["status"] == "failed"
    assert re.search(refused, result["items"][0]["message"], re.IGNORECASE)
    nothing_lost(desk, before, stored=False)


@pytest.mark.parametrize(
    ("question", "pattern"),
    [("x" * 100_000, "too long"), ("   ", "empty"), ("\x00\x07\x1b", "empty")],
    ids=["100 KB", "blank", "only control characters"],
)
def test_bad_questions_get_a_clear_answer_everywhere(
    desk: Newsdesk, capsys: pytest.CaptureFixture[str], question: str, pattern: str
) -> None:
    code, output = cli(capsys, "ask", question)
    assert code == 1 and re.search(pattern, output) and "Traceback" not in output
    with pytest.raises(gr.Error, match=pattern):
        ApiHandlers(desk, StatusHandlers(desk)).ask(question)
    if question.strip():
        chat, *_ = list(AskHandlers(desk).ask(question, [], "", []))[-1]
        assert re.search(pattern, chat[-1]["content"])


def test_a_question_with_control_characters_is_cleaned_not_refused(make_desk: Callable[..., Newsdesk]) -> None:
    from service.qa.service import clean_question

    assert clean_question("Who\x00 took\x1b[31m over\u200b?") == "Who took over?"
