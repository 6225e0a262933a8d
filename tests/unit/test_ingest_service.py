from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.app import Newsdesk
from service.errors import ConfigError, NotFound
from tests.conftest import SEED
from tests.fakes import FakeEmbedder

STORY = "The council voted on Monday to close the old bridge. Repairs will cost 4 million euros.\n\n" * 3


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ingest_then_list_show_search(desk: Newsdesk) -> None:
    report = desk.ingest.ingest([str(SEED)])
    assert [i.status for i in report.items] == ["added"]
    [info] = desk.catalog.list()
    assert info.title == "OpenAI brain drain: Luke Metz and Barret Zoph leave"
    assert info.chunks == desk.store.count_chunks() > 1
    shown = desk.catalog.show(info.id[:6])
    assert shown.text is not None and "William (Liam) Fedus" in shown.text
    hits = desk.search.search("post-training team Fedus", k=3)
    assert hits and hits[0].chunk.article_id == info.id
    assert shown.text[hits[0].chunk.start : hits[0].chunk.end] == hits[0].chunk.text


def test_reingesting_the_same_article_changes_nothing(desk: Newsdesk, tmp_path: Path) -> None:
    path = _write(tmp_path, "bridge.txt", STORY)
    desk.ingest.ingest([str(path)])
    before = (desk.catalog.list(), desk.store.count_chunks())
    embedder = desk.embedder
    assert isinstance(embedder, FakeEmbedder)
    calls = embedder.calls
    report = desk.ingest.ingest([str(path), str(tmp_path)])
    assert [i.status for i in report.items] == ["unchanged", "unchanged"]
    assert (desk.catalog.list(), desk.store.count_chunks()) == before
    assert embedder.calls == calls


def test_an_edited_file_replaces_its_old_version(desk: Newsdesk, tmp_path: Path) -> None:
    path = _write(tmp_path, "bridge.txt", STORY)
    [old] = desk.ingest.ingest([str(path)]).items
    path.write_text(STORY.replace("4 million euros", "9 million euros") + "A ferry will run instead.")
    [new] = desk.ingest.ingest([str(path)]).items
    assert new.status == "replaced" and new.article_id != old.article_id
    assert old.article_id is not None and old.article_id in new.message
    assert [a.id for a in desk.catalog.list()] == [new.article_id]
    texts = [h.chunk.text for h in desk.search.search("bridge repairs cost euros ferry", k=10)]
    assert texts and all("4 million" not in t for t in texts)
    assert any("9 million" in t for t in texts)


def test_same_text_from_two_places_is_one_article(desk: Newsdesk, tmp_path: Path) -> None:
    a = _write(tmp_path, "a.txt", STORY)
    b = _write(tmp_path, "b.txt", STORY)
    statuses = [i.status for i in desk.ingest.ingest([str(a), str(b)]).items]
    assert statuses == ["added", "unchanged"]
    assert len(desk.catalog.list()) == 1


def test_changed_chunking_rechunks_without_duplicates(make_desk: Callable[..., Newsdesk]) -> None:
    first = make_desk(chunk_size=700, chunk_overlap=100)
    first.ingest.ingest([str(SEED)])
    n_first = first.store.count_chunks()
    second = make_desk(chunk_size=300, chunk_overlap=50)
    [item] = second.ingest.ingest([str(SEED)]).items
    assert item.status == "added"
    assert second.store.count_chunks() == item.chunks > n_first
    assert {h.chunk.end - h.chunk.start <= 300 for h in second.search.search("Zoph", k=5)} == {True}


def test_delete_removes_the_article_and_its_chunks(desk: Newsdesk, tmp_path: Path) -> None:
    desk.ingest.ingest([str(SEED), str(_write(tmp_path, "bridge.txt", STORY))])
    seed_id = next(a.id for a in desk.catalog.list() if "OpenAI" in a.title)
    desk.catalog.delete(seed_id)
    assert [a.title for a in desk.catalog.list()] == ["Bridge"]
    assert all(h.chunk.article_id != seed_id for h in desk.search.search("OpenAI Zoph Fedus", k=10))
    assert desk.store.count_chunks() == desk.catalog.list()[0].chunks
    with pytest.raises(NotFound):
        desk.catalog.show(seed_id)


def test_a_crash_before_the_commit_leaves_no_visible_trace(desk: Newsdesk, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = desk.store._articles

    def boom(**_: Any) -> None:
        raise KeyboardInterrupt  # the process dies between writing chunks and the commit

    monkeypatch.setattr(articles, "upsert", boom)
    with pytest.raises(KeyboardInterrupt):
        desk.ingest.ingest([str(SEED)])
    monkeypatch.undo()
    assert desk.store.count_chunks() > 0  # orphans were written ...
    assert desk.catalog.list() == []  # ... but no article is visible
    assert desk.search.search("Fedus", k=5) == []  # ... and search never returns them
    assert desk.store.collect_garbage() == 0  # young orphans may belong to a running writer
    later = datetime.now(UTC) + timedelta(hours=1)
    assert desk.store.collect_garbage(now=later) > 0
    assert desk.store.count_chunks() == 0
    [item] = desk.ingest.ingest([str(SEED)]).items  # a re-run completes the job
    assert item.status == "added" and desk.store.count_chunks() == item.chunks


def test_a_crash_after_the_commit_of_an_edit_is_repaired(
    desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "bridge.txt", STORY)
    desk.ingest.ingest([str(path)])
    path.write_text(STORY + "New paragraph about a ferry.")
    monkeypatch.setattr(desk.store, "delete", lambda _id: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        desk.ingest.ingest([str(path)])
    monkeypatch.undo()
    assert len(desk.catalog.list()) == 2  # old and new both committed for one source
    assert desk.store.collect_garbage() >= 1
    [kept] = desk.catalog.list()
    assert kept.text is None and "ferry" in (desk.catalog.show(kept.id).text or "")


def test_switching_embedding_model_on_an_existing_index_is_refused(make_desk: Callable[..., Newsdesk]) -> None:
    make_desk().ingest.ingest([str(SEED)])
    other = make_desk(embedder=FakeEmbedder(model_id="another-model"))
    with pytest.raises(ConfigError, match="another-model"):
        other.catalog.list()


def test_bad_items_fail_alone(desk: Newsdesk, tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.txt", "  \n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00" * 100)
    report = desk.ingest.ingest([str(empty), str(binary), str(tmp_path / "missing.txt"), str(SEED)])
    assert [i.status for i in report.items] == ["failed", "failed", "failed", "added"]
    messages = " | ".join(i.message for i in report.items)
    assert "empty" in messages and "binary" in messages and "no such file" in messages


def test_size_limits(make_desk: Callable[..., Newsdesk], tmp_path: Path) -> None:
    desk = make_desk(max_file_mb=0.001, max_article_chars=5000)
    big = _write(tmp_path, "big.txt", "word " * 1000)
    [item] = desk.ingest.ingest([str(big)]).items
    assert item.status == "failed" and "over the 0.001 MB limit" in item.message
    long = make_desk(max_article_chars=1000)
    [item] = long.ingest.ingest([str(SEED)]).items
    assert item.status == "failed" and "NEWSDESK_MAX_ARTICLE_CHARS" in item.message
    assert long.catalog.list() == []


def test_progress_is_reported(desk: Newsdesk, tmp_path: Path) -> None:
    for i in range(3):
        _write(tmp_path, f"s{i}.txt", STORY + f"Story {i}.")
    seen: list[tuple[int, int]] = []
    desk.ingest.ingest([str(tmp_path)], lambda done, total, _label: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
