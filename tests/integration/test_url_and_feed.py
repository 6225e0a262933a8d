"""URL and RSS ingest against a real HTTP server on loopback (no outside network)."""

from __future__ import annotations

import contextlib
import gzip
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
        if self.path in HOSTILE:
            HOSTILE[self.path](self)
            return
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


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    """One byte a second, for ever (the client must give up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(600):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(1)


def _endless(handler: BaseHTTPRequestHandler) -> None:
    """A body that never ends, as fast as the client reads it (no Content-Length)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(100_000):
            handler.wfile.write(b"news " * 2000)


def _gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    """40 KB on the wire that would inflate to 40 MB."""
    body = gzip.compress(b"\0" * 40_000_000, compresslevel=9)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(body)


def _huge_feed(handler: BaseHTTPRequestHandler) -> None:
    """A feed of 100,000 entries with inline text and no links."""
    entry = "<item><title>Entry {n}</title><description>Council news number {n} for the town.</description></item>"
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>'
            + "".join(entry.format(n=n) for n in range(100_000)) + "</channel></rss>").encode()  # fmt: skip
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(body)


HOSTILE = {"/trickle": _trickle, "/endless": _endless, "/bomb": _gzip_bomb, "/huge-feed": _huge_feed}


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


def test_slow_endless_and_inflating_sources_are_cut_off_with_a_clear_message(tmp_path: Path, site: str) -> None:
    desk = Newsdesk(
        load_settings(data_dir=tmp_path / "data", allow_private_urls=True, fetch_timeout_s=3, max_file_mb=2)
    )
    started = time.monotonic()
    trickle, endless, bomb = desk.ingest.ingest([f"{site}/trickle", f"{site}/endless", f"{site}/bomb"]).items
    assert time.monotonic() - started < 60  # bounded by the time and size limits, not by the servers
    assert trickle.status == "failed" and "timed out" in trickle.message
    assert endless.status == "failed" and "over the 2 MB limit" in endless.message
    assert bomb.status == "failed" and "over the 2 MB limit" in bomb.message
    assert desk.catalog.list() == []


def test_a_feed_of_100000_entries_is_read_up_to_its_limit(tmp_path: Path, site: str) -> None:
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data", allow_private_urls=True, max_file_mb=20))
    report = desk.ingest.ingest([f"{site}/huge-feed"])
    messages = " ".join(i.message for i in report.items)
    assert "only the first 200" in messages
    assert report.count("added") <= 200 and report.count("added") + report.count("failed") >= 1
