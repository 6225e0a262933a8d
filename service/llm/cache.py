"""An opt-in cache of model responses, for deterministic re-runs (an eval in CI over unchanged inputs makes no
model call and gets the same answers).

It sits under both ways newsdesk calls the model (the openai client and LangChain's ChatOpenAI share this
HTTP transport), keyed by the endpoint's identity, the request path and the exact request body (model,
messages, temperature, max_tokens, stream...). Only successful answers are kept; each is one JSON file,
written atomically. A response being recorded streams through as it arrives (a rewrite's decoding speed is
measured from its chunks' timing), and is saved once it has arrived whole.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx2

_DROPPED = {"content-encoding", "content-length", "transfer-encoding", "connection"}


class ResponseCache(httpx2.BaseTransport):
    def __init__(self, directory: Path, identity: str, upstream: httpx2.BaseTransport | None = None) -> None:
        self._directory = directory
        self._identity = identity  # stable across runs (an embedded server's port is not)
        self._upstream = upstream or httpx2.HTTPTransport()
        self.model_calls = 0  # requests that reached the model
        self.replayed = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method != "POST":
            return self._upstream.handle_request(request)
        body = request.read()
        key = hashlib.sha256(json.dumps([self._identity, request.url.path, body.hex()]).encode()).hexdigest()
        path = self._directory / key[:2] / f"{key}.json"
        if path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.replayed += 1
            return httpx2.Response(
                saved["status"], headers=saved["headers"], content=base64.b64decode(saved["body"]), request=request
            )
        self.model_calls += 1
        response = self._upstream.handle_request(request)
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _DROPPED}
        if response.status_code == 200:
            return httpx2.Response(200, headers=headers, stream=_Recording(response, path, headers), request=request)
        try:
            content = response.read()
        finally:
            response.close()
        return httpx2.Response(response.status_code, headers=headers, content=content, request=request)

    def close(self) -> None:
        self._upstream.close()


class _Recording(httpx2.SyncByteStream):
    """The upstream body, passed on chunk by chunk (decoded) and saved once it has arrived whole: read to its
    end, or a server-sent event stream closed after its ``[DONE]`` event (where the openai client stops
    reading). A stream closed before that (a cancelled answer) is not saved."""

    def __init__(self, response: httpx2.Response, path: Path, headers: dict[str, str]) -> None:
        self._response, self._path, self._headers = response, path, headers
        self._parts: list[bytes] = []
        self._saved = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._response.iter_bytes():
            self._parts.append(chunk)
            yield chunk
        self._save()

    def close(self) -> None:
        try:
            if b"".join(self._parts[-2:]).rstrip().endswith(b"data: [DONE]"):
                self._save()
        finally:
            self._response.close()

    def _save(self) -> None:
        if not self._saved:
            body = base64.b64encode(b"".join(self._parts)).decode()
            _write_atomically(self._path, {"status": 200, "headers": self._headers, "body": body})
            self._saved = True


def _write_atomically(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(data, f)
    Path(tmp).replace(path)
