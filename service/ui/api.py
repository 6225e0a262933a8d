"""Named API endpoints (Gradio's API, callable with gradio_client): the same operations as the tabs, as JSON."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from gradio.events import api as endpoint

from service import serialize
from service.app import Newsdesk
from service.errors import InvalidInput
from service.logs import request
from service.model import Draft
from service.qa.answer import Turn
from service.rewrite.source import from_text
from service.ui.errors import friendly
from service.ui.status import StatusHandlers

MAX_SEARCH_K = 20


class ApiHandlers:
    def __init__(self, desk: Newsdesk, status: StatusHandlers) -> None:
        self._desk = desk
        self._status = status

    @friendly
    def ask(
        self, question: str, article_id: str = "", previous_question: str = "", previous_answer: str = ""
    ) -> dict[str, Any]:
        """Answer a question from the articles (all, or one by id); pass the previous turn for a follow-up."""
        history = [Turn(previous_question, previous_answer)] if previous_question else []
        answer = self._desk.qa.answer(question, self._article(article_id), history=history)
        return serialize.answer_dict(answer)

    @friendly
    def rewrite(self, article_id: str = "", text: str = "", level: str = "plain") -> dict[str, Any]:
        """Rewrite a stored article (by id) or the given text in plain English, with the fidelity report."""
        if text.strip():
            title, body = from_text(text, self._desk.settings.max_article_chars)
        elif article_id:
            info = self._desk.catalog.show(article_id)
            title, body = info.title, info.text or ""
        else:
            raise InvalidInput("give an article_id or a text to rewrite")
        return serialize.rewrite_dict(self._desk.rewriter.run(body, title, level))

    @friendly
    def ingest(self, url: str = "", text: str = "", title: str = "") -> dict[str, Any]:
        """Ingest a URL or RSS/Atom feed, or a pasted article text (with an optional title)."""
        if text.strip():
            items = [self._desk.ingest.ingest_draft(Draft(text=text, source="api", title=title or None))]
        elif url.strip():
            items = self._desk.ingest.ingest([url.strip()]).items
        else:
            raise InvalidInput("give a url or a text to ingest")
        return {"items": [item.__dict__ for item in items]}

    @friendly
    def articles(self) -> list[dict[str, Any]]:
        """Every stored article (without its text)."""
        return [serialize.article_dict(a) for a in self._desk.catalog.list()]

    @friendly
    def delete(self, article_id: str) -> dict[str, Any]:
        """Delete one article (id or a unique prefix of 4+ characters)."""
        return serialize.article_dict(self._desk.catalog.delete(article_id))

    @friendly
    def search(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        """The passages closest to the query (vector search, no LLM)."""
        if not query.strip():
            raise InvalidInput("the query is empty")
        hits = self._desk.search.search(query, k=max(1, min(int(k), MAX_SEARCH_K)))
        return [serialize.hit_dict(rank, hit) for rank, hit in enumerate(hits, start=1)]

    @friendly
    def status(self) -> dict[str, Any]:
        """Probe the LLM and report the backends in use."""
        return {"status": self._status.check()}

    def _article(self, article_id: str) -> str | None:
        return self._desk.catalog.resolve(article_id) if article_id.strip() else None


def _tagged(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Each API call is one request: its log lines share a request id."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with request():
            return fn(*args, **kwargs)

    return call


def register(handlers: ApiHandlers) -> None:
    """Declare the endpoints inside an open gr.Blocks; those that use the LLM share its queue slot."""
    endpoint(_tagged(handlers.ask), api_name="ask", concurrency_id="llm", concurrency_limit=1)
    endpoint(_tagged(handlers.rewrite), api_name="rewrite", concurrency_id="llm", concurrency_limit=1)
    endpoint(_tagged(handlers.status), api_name="status", concurrency_id="llm", concurrency_limit=1)
    endpoint(_tagged(handlers.ingest), api_name="ingest", concurrency_id="ingest", concurrency_limit=1)
    endpoint(_tagged(handlers.articles), api_name="articles")
    endpoint(_tagged(handlers.delete), api_name="delete", concurrency_id="ingest", concurrency_limit=1)
    endpoint(_tagged(handlers.search), api_name="search")
