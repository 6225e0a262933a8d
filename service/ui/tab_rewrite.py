"""The Rewrite tab: pick, paste or upload an article; the rewrite streams in sentence by sentence, aligned
with the original; report below."""

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
from service.rewrite.result import AlignedUnit, RewriteResult, UnitDone
from service.rewrite.service import LEVELS
from service.rewrite.source import from_file, from_text
from service.rewrite.units import split_units
from service.ui.errors import friendly
from service.ui.format_rewrite import aligned_html, readability_chart, report_html

Outputs = tuple[str, str, Any, str | None]


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
        sources = [u.text for u in split_units(text)]
        done: list[AlignedUnit] = []
        result: RewriteResult | None = None
        waiting = Waiting()
        yield aligned_html(title, [], sources) + _waiting_html(waiting), "", None, None
        for event in ticking(self._desk.rewriter.rewrite(text, title, level)):
            if isinstance(event, Stage):
                waiting.update(event)
            elif isinstance(event, UnitDone):
                done.append(event.unit)
            elif isinstance(event, RewriteResult):
                result = event
            if isinstance(event, Stage | Tick | UnitDone):
                yield aligned_html(title, done, sources[len(done) :]) + _waiting_html(waiting), "", None, None
        assert result is not None
        download = self._write_markdown(result)
        yield aligned_html(title, result.units, []), report_html(result, text), readability_chart(result), str(download)

    def _write_markdown(self, result: RewriteResult) -> Path:
        folder = self._desk.settings.data_dir / "downloads"
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", result.title.lower()).strip("-")[:60] or "article"
        path = folder / f"{slug}-{result.level}.md"
        path.write_text(serialize.rewrite_markdown(result), encoding="utf-8")
        return path


def _waiting_html(waiting: Waiting) -> str:
    """Where the rewrite stands: sentences done of how many, time elapsed and an estimate of the rest."""
    return f'<p class="waiting"><i>⏳ {escape(waiting.line())}</i></p>'


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
    gr.Markdown("Each sentence of the original beside its plain-English rewrite; hover a row to follow the pair.")
    aligned = gr.HTML(elem_id="rewrite-output", elem_classes=["article-box"])
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            report = gr.HTML(elem_id="rewrite-report")
        with gr.Column(scale=1):
            chart = gr.Plot(label="Reading grade", elem_id="rewrite-chart")
            download = gr.File(label="Download (Markdown)", elem_id="rewrite-download", interactive=False)
    run.click(
        handlers.rewrite, [article, pasted, upload, level], [aligned, report, chart, download],
        concurrency_id="llm", concurrency_limit=1, api_visibility="private",
    )  # fmt: skip
    return article
