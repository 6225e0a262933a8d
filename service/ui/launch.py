"""`newsdesk serve`: environment for an offline Gradio, warm-up, queue, auth, limits, then launch."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from service.app import Newsdesk
from service.ui.auth import is_loopback, parse_auth

log = logging.getLogger("newsdesk.ui")
LOOPBACK_WARNING = (
    "newsdesk is listening on {host} without a login: anyone who can reach this address can read, add and delete "
    "articles. Set NEWSDESK_AUTH=user:password (or a users file) to require one."
)


def offline_environment(desk: Newsdesk) -> None:
    """No telemetry, no Hugging Face calls, and Gradio's uploads kept inside the data directory."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    uploads = desk.settings.data_dir / "gradio-uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(uploads.resolve())


def warm_up(desk: Newsdesk, check_llm: Callable[[], object] | None) -> None:
    """Load the embedding model and the index now, and start the LLM in the background, so the first question
    does not pay for them."""
    _ = desk.catalog.list(), desk.embedder, desk.keyword_index
    if check_llm is not None:
        threading.Thread(target=check_llm, name="llm-warm-up", daemon=True).start()


def serve(desk: Newsdesk, host: str, port: int, warn: Callable[[str], None] = print, warm_llm: bool = True) -> None:
    import gradio as gr

    from service.ui.app import CSS, build_app
    from service.ui.status import StatusHandlers

    s = desk.settings
    users = parse_auth(s.auth.get_secret_value()) if s.auth else None
    if not users and not is_loopback(host):
        warn(LOOPBACK_WARNING.format(host=host))
    offline_environment(desk)
    status = StatusHandlers(desk)
    warm_up(desk, status.check if warm_llm else None)
    blocks = build_app(desk, status)
    blocks.queue(max_size=s.ui_queue_size, default_concurrency_limit=4)
    theme = gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )
    blocks.launch(
        server_name=host,
        server_port=port,
        auth=users,
        auth_message="newsdesk: please log in" if users else None,
        share=False,
        quiet=True,  # Gradio's own banner suggests share links, which newsdesk never makes; `serve` prints the URL
        max_file_size=int(s.max_file_mb * 1_000_000),
        allowed_paths=[str(s.data_dir / "downloads"), str(s.data_dir / "reports")],
        ssr_mode=False,
        mcp_server=False,
        show_error=False,
        css=CSS,
        theme=theme,
        footer_links=["api"],
    )
