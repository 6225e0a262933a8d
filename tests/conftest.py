from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from service.app import Newsdesk
from service.settings import Settings, load_settings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "openai-brain-drain.md"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """No test reads the developer's NEWSDESK_* variables, .env or API keys. Unit tests run on fake
    embeddings, beside which the verifier's signals mean little: they use the word-overlap checker, and
    the verifier has unit tests of its own and the integration tests."""
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name)
    if request.node.get_closest_marker("integration") is None:
        monkeypatch.setenv("NEWSDESK_FIDELITY_MODEL", "lexical")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture
def make_desk(tmp_path: Path) -> Callable[..., Newsdesk]:
    """A Newsdesk on a real on-disk Chroma in tmp_path, with the fake embedder."""

    def make(embedder: FakeEmbedder | None = None, **overrides: object) -> Newsdesk:
        overrides.setdefault("data_dir", tmp_path / "data")
        desk = Newsdesk(load_settings(**overrides))
        desk.__dict__["embedder"] = embedder or FakeEmbedder()
        return desk

    return make


@pytest.fixture
def desk(make_desk: Callable[..., Newsdesk]) -> Newsdesk:
    return make_desk()


def shown(markdown: str) -> str:
    """Roughly what a reader sees of inert Markdown text: backslash escapes and HTML entities undone."""
    import html
    import re

    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown))
