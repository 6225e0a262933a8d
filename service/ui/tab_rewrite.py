"""The Rewrite tab: pick, paste or upload an article; the rewrite streams beside the original; report below."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from service import serialize
from service.app import Newsdesk
from service.errors import InvalidInput
from service.progress import Stage, Tick, Waiting, ticking
from service.rewrite.service import LEVELS, Delta, RewriteResult, SectionDone
from service.rewrite.source import from_file, from_text
from service.ui.errors import friendly
from service.ui.format_rewrite import highlighted_rewrite, readability_chart, report_html

Outputs = tuple[str, str, str, Any, str | None]


class RewriteHandlers:
    def __init__(self, desk: Newsdesk) -> None:
        self._desk = desk

    def source(self, article_id: str | None, pasted: str | None, upload: str | None) -> tuple[str, str]:
        """(title, text): an uploaded file wins, then pasted text, then the chosen article."""
        s = self._desk.settings
        if upload:
            return from_file(self._desk.ingest.reader, Path(upload), s.max_article_chars)
        if pasted and pasted.strip():
            return from_text(pasted, s.max_article_chars)
        if article_id:
            info = self._desk.catalog.show(article_id)
            return info.title, info.text or ""
        raise InvalidInput("choose an article, paste text or upload a file to rewrite")

    @friendly
    def rewrite(self, article_id: str | None, pasted: str | None, upload: str | None, level: str) -> Iterator[Outputs]:
        title, text = self.source(article_id, pasted, upload)
        original = _paragraphs_html(title, text)
        pieces: list[str] = []
        result: RewriteResult | None = None
        waiting = Waiting()
        yield original, _waiting_html(waiting), "", None, None
        for event in ticking(self._desk.rewriter.rewrite(text, title, level)):
            if isinstance(event, Stage):
                waiting.update(event)
            elif isinstance(event, Delta):
                pieces.append(event.text)
            if isinstance(event, Stage | Tick | Delta):
                yield original, _paragraphs_html(None, "".join(pieces)) + _waiting_html(waiting), "", None, None
            elif isinstance(event, SectionDone) and event.regenerated:
                pieces.append(f"\n\n(section {event.index + 1} regenerated after the fidelity check)\n\n")
            elif isinstance(event, RewriteResult):
                result = event
        assert result is not None
        download = self._write_markdown(result)
        yield (
            original,
            highlighted_rewrite(result.text, result.unsupported),
            report_html(result, text),
            readability_chart(result),
            str(download),
        )

    def _write_markdown(self, result: RewriteResult) -> Path:
        folder = self._desk.settings.data_dir / "downloads"
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", result.title.lower()).strip("-")[:60] or "article"
        path = folder / f"{slug}-{result.level}.md"
        path.write_text(serialize.rewrite_markdown(result), encoding="utf-8")
        return path


def _waiting_html(waiting: Waiting) -> str:
    """Where the rewrite stands: the section under way of how many, time elapsed and an estimate of the rest."""
    return f'<p class="waiting"><i>⏳ {escape(waiting.line())}</i></p>'


def _paragraphs_html(title: str | None, text: str) -> str:
    """Escaped paragraphs under the title (a first line that repeats the title is not shown twice). Every line
    break starts a paragraph: many articles put one paragraph on each line, with no blank line between."""
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    head = f"<h3>{escape(title)}</h3>" if title else ""
    return head + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def build(handlers: RewriteHandlers) -> gr.Dropdown:
    """The tab's components and events; returns the article picker to keep in sync."""
    with gr.Row():
        with gr.Column(scale=2):
            article = gr.Dropdown(label="Article", choices=[], value=None, elem_id="rewrite-article", filterable=True)
            pasted = gr.Textbox(label="…or paste text", lines=4, max_lines=12, elem_id="rewrite-text")
        with gr.Column(scale=1):
            upload = gr.File(
                label="…or upload a file", file_types=[".txt", ".md", ".html", ".htm", ".json"], type="filepath"
            )
            level = gr.Radio(list(LEVELS), value="plain", label="Level", info="plain ≈ grade 8, simple ≈ grade 6")
            run = gr.Button("Rewrite", variant="primary", elem_id="rewrite-run")
    gr.Markdown("An uploaded file is used first, then pasted text, then the chosen article.")
    with gr.Row(equal_height=False):
        with gr.Column():
            gr.Markdown("### Original")
            original = gr.HTML(elem_id="rewrite-original", elem_classes=["article-box"])
        with gr.Column():
            gr.Markdown("### Plain English")
            rewritten = gr.HTML(elem_id="rewrite-output", elem_classes=["article-box"])
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            report = gr.HTML(elem_id="rewrite-report")
        with gr.Column(scale=1):
            chart = gr.Plot(label="Reading grade", elem_id="rewrite-chart")
            download = gr.File(label="Download (Markdown)", elem_id="rewrite-download", interactive=False)
    run.click(
        handlers.rewrite, [article, pasted, upload, level], [original, rewritten, report, chart, download],
        concurrency_id="llm", concurrency_limit=1, api_visibility="private",
    )  # fmt: skip
    return article
