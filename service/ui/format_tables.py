"""Tables and one-line summaries for the Articles and Evals tabs and the status line."""

from __future__ import annotations

from service.evals.suite import SuiteResult
from service.evals.thresholds import Failure
from service.ingest.service import IngestReport
from service.llm.status import Status
from service.model import ArticleInfo
from service.ui.markup import inert

ARTICLE_COLUMNS = ["title", "source", "date", "chunks", "id"]
ALL_ARTICLES = "All articles"
EVAL_COLUMNS = ["suite", "metric", "value", "cases"]


def article_rows(articles: list[ArticleInfo]) -> list[list[str | int]]:
    return [[a.title, a.source, a.published or "—", a.chunks, a.id] for a in articles]


def article_choices(articles: list[ArticleInfo]) -> list[tuple[str, str]]:
    """Dropdown choices (label, article id), the label short enough to read."""
    return [(f"{_short(a.title)} · {a.id[:8]}", a.id) for a in articles]


def _short(title: str, limit: int = 70) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def ingest_message(report: IngestReport) -> str:
    """Markdown: a summary line, then one line per item that failed or warned."""
    counts = [f"{report.count(s)} {s}" for s in ("added", "replaced", "unchanged", "failed") if report.count(s)]
    lines = [f"**Ingest finished:** {', '.join(counts) or 'nothing to ingest'}."]
    for item in report.items:
        if item.status in ("added", "replaced") and item.title:
            lines.append(f"- ✓ {item.status}: {inert(item.title)} ({item.chunks} chunks)")
        elif item.status in ("failed", "warning"):
            icon = "✗" if item.status == "failed" else "⚠"
            lines.append(f"- {icon} {inert(item.message)}")
    return "\n".join(lines)


def status_markdown(
    status: Status | None,
    embeddings: str,
    articles: int | str,
    error: str | None = None,
    pending: str | None = None,
    model: str | None = None,
    recent_first_token: tuple[float, float] | None = None,
) -> str:
    """The status line: which LLM and embeddings, whether the LLM answers (with the first-token time of the
    latest answer when there is one: ``(seconds, seconds ago)``; else the probe's), how many articles."""
    if pending is not None:
        llm = f"LLM: … {inert(pending)}"
    elif status is None:
        llm = f"LLM: ✗ {inert(error or 'not checked')}"
    else:
        name = inert(model or f"{status.kind} {status.model}")
        if status.answers:
            speed = f", first token {status.first_token_s:.1f} s (probe)" if status.first_token_s is not None else ""
            if recent_first_token is not None:
                seconds, ago = recent_first_token
                speed = f", first token {seconds:.1f} s (latest answer, {_ago(ago)})"
            llm = f"LLM: ✓ {name} answers{speed}"
        else:
            llm = f"LLM: ✗ {name} does not answer: {inert(status.detail)}"
    index = f"{articles} article(s) indexed" if isinstance(articles, int) else f"index: ✗ {inert(articles)}"
    return f"{llm} · embeddings: {inert(embeddings)} · {index}"


def _ago(seconds: float) -> str:
    return "just now" if seconds < 60 else f"{seconds / 60:.0f} min ago" if seconds < 3600 else "over an hour ago"


def eval_rows(results: list[SuiteResult]) -> list[list[str | float | int]]:
    return [
        [r.name, metric, round(value, 4) if value == value else "n/a", len(r.cases)]
        for r in results
        for metric, value in sorted(r.metrics.items())
    ]


def eval_message(results: list[SuiteResult], failures: list[Failure]) -> str:
    ran = ", ".join(f"{r.name} ({len(r.cases)} cases, {r.seconds:.0f} s)" for r in results)
    if not failures:
        return f"✓ **Every threshold passed** — {ran}."
    listed = "\n".join(f"- ✗ {inert(str(f))}" for f in failures)
    return f"⚠ **{len(failures)} threshold(s) failed** — {ran}.\n\n{listed}"
