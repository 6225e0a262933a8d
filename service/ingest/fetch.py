"""Fetching URLs safely: http(s) only, public addresses only, size and time limits."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from service.errors import FetchError

_MAX_REDIRECTS = 5
_USER_AGENT = "newsdesk/0.1 (+article fetcher)"


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float
    max_bytes: int
    allow_private: bool


def fetch(url: str, policy: FetchPolicy, transport: httpx.BaseTransport | None = None) -> Fetched:
    """GET ``url``, following redirects by hand so that every hop is checked."""
    deadline = time.monotonic() + policy.timeout_s
    timeout = httpx.Timeout(policy.timeout_s, connect=min(policy.timeout_s, 10.0))
    headers = {"User-Agent": _USER_AGENT}
    with httpx.Client(timeout=timeout, headers=headers, trust_env=False, transport=transport) as client:
        for _ in range(_MAX_REDIRECTS + 1):
            check_url(url, policy.allow_private)
            try:
                with client.stream("GET", url, follow_redirects=False) as response:
                    _check_peer(response, url, policy.allow_private)
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"{url}: the server answered HTTP {response.status_code}")
                    body = _read_limited(response, url, policy.max_bytes, deadline)
                    return Fetched(str(response.url), response.headers.get("content-type", ""), body)
            except httpx.TimeoutException:
                raise FetchError(f"{url}: timed out after {policy.timeout_s:g} s") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: could not connect ({exc.__class__.__name__})") from None
    raise FetchError(f"{url}: more than {_MAX_REDIRECTS} redirects")


def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to non-public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http:// and https:// URLs can be fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: the URL has no host")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise FetchError(f"{url}: the host name could not be resolved") from None
    for info in infos:
        _refuse_private(str(info[4][0]), url)


def _refuse_private(address: str, url: str) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global:
        raise FetchError(
            f"{url}: refused, it points at a private or local address ({ip}); "
            "set NEWSDESK_ALLOW_PRIVATE_URLS=true to allow it"
        )


def _check_peer(response: httpx.Response, url: str, allow_private: bool) -> None:
    """Check the address actually connected to (defeats DNS rebinding between check and connect)."""
    if allow_private:
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        _refuse_private(str(peer[0]), url)


def _read_limited(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: {int(declared) / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: the download is over the {max_bytes / 1e6:g} MB limit")
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: timed out while downloading")
        chunks.append(chunk)
    return b"".join(chunks)
