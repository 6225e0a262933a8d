"""Logging: one line per question, rewrite and ingest item, with a request id and per-stage timings.

``NEWSDESK_LOG_FORMAT=json`` writes one JSON object per line (for log shippers); ``text`` is for people.
Secrets never reach a log record: nothing here logs settings, and errors carry no API key (see llm/client.py).
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("newsdesk")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("newsdesk_request_id", default=None)
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


@contextmanager
def request(request_id: str | None = None) -> Iterator[str]:
    """Tag every record logged inside with one request id (a new one unless given)."""
    rid = request_id or new_request_id()
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)


def start_request() -> str:
    """Give the rest of this thread's work one request id (a CLI command is one request)."""
    rid = new_request_id()
    _request_id.set(rid)
    return rid


def current_request() -> str | None:
    return _request_id.get()


def event(name: str, request_id: str | None = None, **fields: Any) -> None:
    """Log one structured event (fields become JSON keys, or key=value pairs in text)."""
    extra: dict[str, Any] = {"fields": fields}
    if request_id:
        extra["request_id"] = request_id
    log.info(name, extra=extra)


class Stopwatch:
    """Named laps in seconds: ``lap("embed_s")`` records the time since the previous lap."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 4)
        self._last = now
        return self.laps[name]


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of the record (test captures and redirections follow)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


class _RequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        data.update({k: round(v, 4) if isinstance(v, float) else v for k, v in getattr(record, "fields", {}).items()})
        data.update({k: v for k, v in vars(record).items() if k not in _RESERVED and k not in ("fields", "request_id")})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", {})
        return line + "".join(f" {k}={_short(v)}" for k, v in fields.items())


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in value.items()})
    return str(value)


def configure(fmt: str = "text", level: str = "WARNING") -> None:
    """Send newsdesk's records to stderr in the chosen format (idempotent)."""
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_RequestFilter())
    log.handlers[:] = [handler]
    log.setLevel(level.upper())
    log.propagate = False
