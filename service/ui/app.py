"""The web UI's layout: four tabs over one Newsdesk, a status line, and the named API endpoints."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.app import Newsdesk
from service.ui import api, tab_articles, tab_ask, tab_evals, tab_rewrite
from service.ui.errors import friendly
from service.ui.format_tables import ALL_ARTICLES
from service.ui.status import StatusHandlers

CSS = """
.article-box { max-height: 520px; overflow-y: auto; padding: 0 0.5rem; }
mark.unsupported, mark[title] { background: #fee2e2; color: #991b1b; }
span.dropped { color: #b91c1c; font-weight: 600; }
span.kept { color: #15803d; }
table.aligned { width: 100%; border-collapse: collapse; }
table.aligned th { text-align: left; }
table.aligned td { vertical-align: top; padding: 0.25rem 0.5rem; width: 50%; border-top: 1px solid #f3f4f6; }
table.aligned tr.unit:hover td { background: #fef9c3; }
table.aligned tr.para td { height: 0.6rem; border: none; }
table.aligned tr.pending td.out, table.aligned span.note { color: #9ca3af; }
table.aligned tr[class*="dropped"] td.src { text-decoration: line-through; color: #9ca3af; }
span.kept-original { color: #92400e; }
.report-frame { width: 100%; height: 640px; border: 1px solid #e5e7eb; }
#status-line { font-size: 0.9rem; }
"""
TITLE = "newsdesk"


def build_app(desk: Newsdesk, status: StatusHandlers | None = None) -> gr.Blocks:
    status = status or StatusHandlers(desk)
    articles = tab_articles.ArticleHandlers(desk)
    blocks = gr.Blocks(title=TITLE, analytics_enabled=False)
    with blocks:
        api.register(api.ApiHandlers(desk, status))  # first, so the endpoints keep their plain names
        with gr.Row():
            gr.Markdown("## newsdesk · questions and plain-English rewrites of the news, checked against the source")
        with gr.Row():
            line = gr.Markdown(elem_id="status-line")
            check = gr.Button("Check the LLM", size="sm", scale=0)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask_pick = tab_ask.build(tab_ask.AskHandlers(desk))
            with gr.Tab("Rewrite", id="rewrite"):
                rewrite_pick = tab_rewrite.build(tab_rewrite.RewriteHandlers(desk))
            with gr.Tab("Articles", id="articles"):
                files, url, ingest, message, table, doomed, delete = tab_articles.build()
            with gr.Tab("Evals", id="evals"):
                tab_evals.build(tab_evals.EvalHandlers(desk))
        pickers = [table, ask_pick, rewrite_pick, doomed]

        @friendly
        def refresh() -> tuple[Any, ...]:
            return (*tab_articles.refreshed(articles.listing(), ALL_ARTICLES), status.line())

        blocks.load(refresh, None, [*pickers, line], api_visibility="private")
        gr.Timer(10).tick(status.line, None, line, api_visibility="private", queue=False)  # LLM start, counts
        check.click(status.check, None, line, concurrency_id="llm", concurrency_limit=1, api_visibility="private")
        ingested = ingest.click(
            articles.ingest, [files, url], message, concurrency_id="ingest", concurrency_limit=1,
            api_visibility="private",
        )  # fmt: skip
        ingested.then(refresh, None, [*pickers, line], api_visibility="private")
        ingested.success(lambda: (None, ""), None, [files, url], api_visibility="private")  # kept for a retry on error
        delete.click(
            articles.delete, doomed, message, concurrency_id="ingest", concurrency_limit=1, api_visibility="private"
        ).then(refresh, None, [*pickers, line], api_visibility="private")
    return blocks
