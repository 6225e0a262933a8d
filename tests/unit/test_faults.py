"""Faults below newsdesk: a full disk during ingest, a Chroma server that is not there. Clear errors, nothing lost."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.app import Newsdesk
from service.errors import StoreUnavailable
from service.ui.errors import message
from service.ui.status import StatusHandlers
from tests.conftest import shown
from tests.integration.conftest import free_port


class FillsUp:
    """A Chroma collection whose disk fills after ``writes`` upserts."""

    def __init__(self, inner: Any, writes: int) -> None:
        self._inner = inner
        self.left = writes

    def upsert(self, **kwargs: Any) -> Any:
        if self.left <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.left -= 1
        return self._inner.upsert(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _articles(folder: Path, count: int) -> list[str]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"story-{i}.txt"
        path.write_text(f"Story {i}\n\n" + f"Paragraph about town number {i} and its new library. " * 40)
        paths.append(str(path))
    return paths


def test_a_full_disk_stops_the_ingest_with_a_clear_error_and_a_rerun_finishes(
    make_desk: Callable[..., Newsdesk], tmp_path: Path
) -> None:
    desk = make_desk(chunk_size=400, chunk_overlap=50)
    paths = _articles(tmp_path / "in", 5)
    store = desk.store
    store._chunks = FillsUp(store._chunks, writes=5)  # type: ignore[method-assign]  # each article: 1 batch of chunks
    store._articles = FillsUp(store._articles, writes=2)  # type: ignore[method-assign]  # 2 commits, then full
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        desk.ingest.ingest(paths)
    listed = desk.catalog.list()
    assert sorted(a.title for a in listed) == ["Story 0", "Story 1"]  # whole, committed; story 2 is not visible
    assert all(desk.catalog.show(a.id).text for a in listed)

    store._chunks, store._articles = store._chunks._inner, store._articles._inner  # the disk has room again
    assert store.collect_garbage(now=datetime.now(UTC) + timedelta(hours=1)) > 0  # story 2's orphan chunks
    report = desk.ingest.ingest(paths)
    assert report.count("added") == 3 and report.count("unchanged") == 2
    committed = store.committed_chunks()
    assert {c.article_id for c in committed} == {a.id for a in desk.catalog.list()}


def test_a_chroma_server_that_is_not_there_is_one_clear_sentence(make_desk: Callable[..., Newsdesk]) -> None:
    desk = make_desk(chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailable, match=r"cannot open the Chroma index at http://127\.0\.0\.1:\d+") as caught:
        desk.catalog.list()
    assert message(caught.value).startswith("The article index is not available: cannot open the Chroma index")
    line = StatusHandlers(desk).line()  # the UI's status line says so instead of failing to render
    assert "index: ✗ The article index is not available: cannot open the Chroma index" in shown(line)
