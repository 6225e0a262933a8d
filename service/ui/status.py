"""The status line: which LLM and embeddings are in use and whether the LLM answers (probed on demand)."""

from __future__ import annotations

import threading

from service.app import Newsdesk
from service.llm.endpoint import configured_endpoint
from service.llm.model_file import QWEN_CODER_15B
from service.llm.runtime_choice import resolve_runtime
from service.llm.status import Status, probe
from service.ui.errors import message
from service.ui.format_tables import status_markdown


class StatusHandlers:
    def __init__(self, desk: Newsdesk) -> None:
        self._desk = desk
        self._lock = threading.Lock()
        self._last: Status | None = None
        self._error: str | None = None

    def check(self) -> str:
        """Probe the LLM (starting the embedded one if needed) and return the new status line."""
        with self._lock:
            try:
                self._last, self._error = probe(self._desk.llm), None
            except Exception as exc:
                self._last, self._error = None, message(exc)
        return self.line()

    def line(self) -> str:
        """The status line from the last probe, without calling the LLM."""
        pending = None
        if self._last is None and self._error is None:
            endpoint = configured_endpoint(self._desk.settings)
            pending = f"{self._model() or endpoint.model} is starting or not checked yet (press Check)"
        try:
            articles: int | str = len(self._desk.catalog.list())
        except Exception as exc:  # the line must render whatever is down
            articles = message(exc)
        qa = self._desk.__dict__.get("qa")  # only once a question was asked
        recent = qa.latest_first_token() if qa is not None else None
        return status_markdown(self._last, self._embeddings(), articles, self._error, pending, self._model(), recent)

    def _model(self) -> str | None:
        """A readable name for the embedded model (its endpoint calls every model 'local')."""
        s = self._desk.settings
        if configured_endpoint(s).kind != "local":
            return None
        build = "built for this CPU" if resolve_runtime(s) == "native" else "prebuilt"
        return f"embedded {s.local_gguf.name if s.local_gguf else QWEN_CODER_15B.name} (llama.cpp {build}, CPU)"

    def _embeddings(self) -> str:
        s = self._desk.settings
        return s.embedding_model if s.embeddings == "openai" else f"{s.embeddings} (bundled, offline)"
