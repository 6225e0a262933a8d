"""The Articles tab: upload files, ingest a URL or feed with progress, list and delete articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from service.app import Newsdesk
from service.errors import InvalidInput
from service.logs import request
from service.model import ArticleInfo
from service.ui.errors import friendly
from service.ui.format_tables import ARTICLE_COLUMNS, article_choices, article_rows, ingest_message
from service.ui.uploads import store_upload

# No file-type filter on the upload box: Gradio would drop other files silently, while newsdesk names each
# file it cannot read in the ingest message.
UPLOAD_LABEL = "Upload articles (.txt .md .html .json .jsonl .xml .rss .atom)"


class ArticleHandlers:
    def __init__(self, desk: Newsdesk) -> None:
        self._desk = desk

    def listing(self) -> list[ArticleInfo]:
        return self._desk.catalog.list()

    @friendly
    def ingest(self, files: list[str] | None, url: str | None, progress: gr.Progress | None = None) -> str:
        """Copy uploads under the data directory, then ingest them and the URL; one bad item never stops the rest."""
        targets, problems = [], []
        uploads = self._desk.settings.data_dir / "uploads"
        for name in files or []:
            try:
                targets.append(str(store_upload(Path(name), uploads)))
            except InvalidInput as exc:
                problems.append(f"- ✗ {exc}")
        if url and url.strip():
            targets.append(url.strip())
        if not targets and not problems:
            raise InvalidInput("choose files to upload or paste a URL or feed address first")

        def report(done: int, total: int, current: str) -> None:
            if progress is not None and total:
                progress((done, total), desc=f"ingesting {Path(current).name or current}" if current else "done")

        with request():
            result = self._desk.ingest.ingest(targets, progress=report) if targets else None
        lines = [ingest_message(result)] if result else ["**Nothing was ingested.**"]
        return "\n".join([*lines, *problems])

    @friendly
    def delete(self, article_id: str | None) -> str:
        if not article_id:
            raise InvalidInput("choose an article to delete")
        info = self._desk.catalog.delete(article_id)
        return f"Deleted **{info.title}** ({info.id})."


def refreshed(articles: list[ArticleInfo], all_label: str) -> tuple[Any, Any, Any, Any]:
    """New values for the table and the three article pickers after the article set changed."""
    choices = article_choices(articles)
    return (
        gr.update(value=article_rows(articles)),
        gr.update(choices=[(all_label, ""), *choices]),
        gr.update(choices=choices),
        gr.update(choices=choices, value=None),
    )


def build() -> tuple[gr.File, gr.Textbox, gr.Button, gr.Markdown, gr.Dataframe, gr.Dropdown, gr.Button]:
    """The tab's components; events are wired by the app, which owns the pickers of the other tabs."""
    with gr.Row():
        files = gr.File(
            label=UPLOAD_LABEL, file_count="multiple", type="filepath",
            elem_id="articles-upload",
        )  # fmt: skip
        with gr.Column():
            url = gr.Textbox(label="…or a URL or RSS/Atom feed", placeholder="https://…", elem_id="articles-url")
            ingest = gr.Button("Ingest", variant="primary", elem_id="articles-ingest")
    message = gr.Markdown(elem_id="articles-message")
    table = gr.Dataframe(
        headers=ARTICLE_COLUMNS, label="Articles", interactive=False, wrap=True, elem_id="articles-table",
        column_widths=["40%", "30%", "10%", "6%", "14%"],
    )  # fmt: skip
    with gr.Row():
        doomed = gr.Dropdown(label="Delete an article", choices=[], value=None, scale=4, elem_id="articles-delete")
        delete = gr.Button("Delete", variant="stop", scale=1)
    return files, url, ingest, message, table, doomed, delete
