"""URL and RSS ingest against a real HTTP server on loopback (no outside network)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from service.app import Newsdesk
from service.settings import load_settings
from tests.integration.conftest import QuietHTTPServer

PAGE = """<html><head><title>{title}</title></head><body><nav>Home | Sport | Login</nav>
<article><h1>{title}</h1><p>{body}</p><p>The report was published by the city council on Friday.</p></article>
<footer>Copyright. Cookie settings.</footer></body></html>"""


def _feed(base: str) -> str:
    items = [
        ("Bridge closes", f"{base}/bridge.html", ""),
        ("Market returns", f"{base}/market.html", ""),
        ("Broken link", f"{base}/missing.html", ""),
        ("Inline only", f"{base}/also-missing.html", "<p>" + "The library extends its opening hours. " * 10 + "</p>"),
    ]
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><description><![CDATA[{d}]]></description></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>City</title>{entries}</channel></rss>'


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/bridge.html": (
                "text/html",
                PAGE.format(title="Bridge closes", body="The old bridge closes for repairs. " * 8),
            ),
            "/market.html": (
                "text/html",
                PAGE.format(title="Market returns", body="The Saturday market returns. " * 8),
            ),
            "/feed.xml": ("application/rss+xml", _feed(base)),
            "/redirect": ("", ""),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/bridge.html")
            self.end_headers()
            return
        if self.path not in routes:
            self.send_error(404)
            return
        kind, body = routes[self.path]
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = QuietHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def local_desk(tmp_path: Path) -> Newsdesk:
    return Newsdesk(load_settings(data_dir=tmp_path / "data", allow_private_urls=True, fetch_timeout_s=1))


def test_a_url_is_fetched_extracted_and_searchable(local_desk: Newsdesk, site: str) -> None:
    [item] = local_desk.ingest.ingest([f"{site}/redirect"]).items
    assert item.status == "added" and item.title == "Bridge closes"
    [article] = local_desk.catalog.list()
    assert article.source == f"{site}/bridge.html"
    text = local_desk.catalog.show(article.id).text or ""
    assert "old bridge closes" in text and "Login" not in text and "Cookie" not in text


def test_a_feed_ingests_good_entries_and_warns_about_bad_ones(local_desk: Newsdesk, site: str) -> None:
    report = local_desk.ingest.ingest([f"{site}/feed.xml"])
    statuses = [i.status for i in report.items]
    assert statuses.count("added") == 3  # two fetched pages + one entry with inline text
    assert statuses.count("warning") == 1 and "HTTP 404" in report.items[statuses.index("warning")].message
    titles = sorted(a.title for a in local_desk.catalog.list())
    assert titles == ["Bridge closes", "Inline only", "Market returns"]


def test_404_timeout_and_refused_loopback_are_clear_failures(local_desk: Newsdesk, site: str, tmp_path: Path) -> None:
    report = local_desk.ingest.ingest([f"{site}/nope", f"{site}/slow"])
    assert [i.status for i in report.items] == ["failed", "failed"]
    assert "HTTP 404" in report.items[0].message and "timed out" in report.items[1].message
    guarded = Newsdesk(load_settings(data_dir=tmp_path / "guarded"))
    [refused] = guarded.ingest.ingest([f"{site}/bridge.html"]).items
    assert refused.status == "failed" and "NEWSDESK_ALLOW_PRIVATE_URLS" in refused.message
    assert local_desk.catalog.list() == [] and guarded.catalog.list() == []
