"""The Evals tab: run suites with a case limit and progress, see the summary and open the HTML report."""

from __future__ import annotations

from html import escape
from typing import Any

import gradio as gr

from service.app import Newsdesk
from service.errors import InvalidInput
from service.ui.errors import friendly
from service.ui.format_tables import EVAL_COLUMNS, eval_message, eval_rows

DEFAULT_SUITES = ["fidelity-synthetic"]


class EvalHandlers:
    def __init__(self, desk: Newsdesk) -> None:
        self._desk = desk

    def suite_names(self) -> list[str]:
        from service.evals.registry import builtin_names

        return builtin_names(self._desk)

    @friendly
    def run(
        self, names: list[str] | None, limit: float | None, progress: gr.Progress | None = None
    ) -> tuple[str, list[list[Any]], str, str]:
        from service.evals.registry import suite_files
        from service.evals.runner import run_suites

        if not names:
            raise InvalidInput("choose at least one suite")
        s = self._desk.settings

        def tracker(name: str):  # type: ignore[no-untyped-def]
            def update(done: int, total: int | None) -> None:
                if progress is not None:
                    progress((done, total) if total else None, desc=f"{name}: {done} case(s)")

            return update

        results, failures, html_path = run_suites(
            self._desk, suite_files(self._desk, names), int(limit) if limit else None, s.data_dir / "reports" / "ui",
            tracker,
        )  # fmt: skip
        report = html_path.read_text(encoding="utf-8")
        frame = f'<iframe sandbox srcdoc="{escape(report)}" title="eval report" class="report-frame"></iframe>'
        return eval_message(results, failures), eval_rows(results), str(html_path), frame


def build(handlers: EvalHandlers) -> None:
    names = handlers.suite_names()
    with gr.Row():
        suites = gr.Dropdown(
            names, value=DEFAULT_SUITES, multiselect=True, label="Suites", scale=3, elem_id="evals-suites",
            info="fidelity-frank is the fast checker alone; the other fidelity-* suites ask the LLM about the claims "
            "it is unsure of; qa and rewrite use it for every case (minutes per case on the local model)",
        )  # fmt: skip
        limit = gr.Number(value=20, precision=0, minimum=0, label="Cases per suite (0 = all)", scale=1)
        run = gr.Button("Run", variant="primary", scale=1, elem_id="evals-run")
    message = gr.Markdown(elem_id="evals-message")
    table = gr.Dataframe(headers=EVAL_COLUMNS, label="Summary", interactive=False, elem_id="evals-table")
    report = gr.File(label="report.html", interactive=False)
    with gr.Accordion("Report", open=False):
        frame = gr.HTML()
    run.click(
        handlers.run, [suites, limit], [message, table, report, frame],
        concurrency_id="evals", concurrency_limit=1, api_visibility="private",
    )  # fmt: skip
