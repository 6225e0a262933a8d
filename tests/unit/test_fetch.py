import socket

import httpx
import pytest

from service.errors import FetchError
from service.ingest.fetch import FetchPolicy, check_url, fetch

POLICY = FetchPolicy(timeout_s=5, max_bytes=10_000, allow_private=False)
PUBLIC = "http://93.184.215.14"  # an IP literal: no DNS lookup is made for it


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a",
        "http://localhost/a",
        "http://[::1]/a",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_loopback_and_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="private or local address"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "http:///nohost"])
def test_other_schemes_and_hostless_urls_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        check_url(url, allow_private=False)


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(*_: object, **__: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 80))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match=r"10\.0\.0\.7"):
        check_url("http://innocent-looking.example/", allow_private=False)


def test_allow_private_lets_loopback_through() -> None:
    check_url("http://127.0.0.1:9/", allow_private=True)


def _transport(routes: dict[str, httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: routes[str(request.url)])


def test_a_redirect_to_a_private_address_is_refused() -> None:
    transport = _transport({f"{PUBLIC}/story": httpx.Response(302, headers={"location": "http://127.0.0.1/admin"})})
    with pytest.raises(FetchError, match="private or local"):
        fetch(f"{PUBLIC}/story", POLICY, transport)


def test_redirects_are_followed_to_a_public_page() -> None:
    transport = _transport(
        {
            f"{PUBLIC}/a": httpx.Response(301, headers={"location": "/b"}),
            f"{PUBLIC}/b": httpx.Response(200, text="<html>ok</html>", headers={"content-type": "text/html"}),
        }
    )
    fetched = fetch(f"{PUBLIC}/a", POLICY, transport)
    assert fetched.url == f"{PUBLIC}/b" and fetched.body == b"<html>ok</html>"


def test_redirect_loops_stop() -> None:
    transport = _transport({f"{PUBLIC}/loop": httpx.Response(302, headers={"location": "/loop"})})
    with pytest.raises(FetchError, match="redirects"):
        fetch(f"{PUBLIC}/loop", POLICY, transport)


def test_http_errors_and_oversized_bodies_are_clear() -> None:
    transport = _transport(
        {
            f"{PUBLIC}/gone": httpx.Response(404),
            f"{PUBLIC}/big": httpx.Response(200, content=b"x" * 20_000),
            f"{PUBLIC}/liar": httpx.Response(200, headers={"content-length": "99999999"}, content=b"x"),
        }
    )
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{PUBLIC}/gone", POLICY, transport)
    with pytest.raises(FetchError, match=r"over the 0\.01 MB limit"):
        fetch(f"{PUBLIC}/big", POLICY, transport)
    with pytest.raises(FetchError, match="MB is over"):
        fetch(f"{PUBLIC}/liar", POLICY, transport)
