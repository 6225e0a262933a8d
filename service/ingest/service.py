"""The ingest pipeline: sources → drafts → articles → chunks → vectors → the index."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from service.embeddings.base import Embedder
from service.errors import IngestError
from service.index.store import ArticleStore
from service.ingest.articles import build_article
from service.ingest.chunking import Chunker
from service.ingest.sources import DraftReader, Source, expand
from service.logs import Stopwatch, event
from service.model import Draft

Status = Literal["added", "unchanged", "replaced", "failed", "warning"]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ItemResult:
    status: Status
    source: str
    message: str = ""
    article_id: str | None = None
    title: str | None = None
    chunks: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class IngestReport:
    items: list[ItemResult] = field(default_factory=list)

    def count(self, *statuses: Status) -> int:
        return sum(item.status in statuses for item in self.items)

    @property
    def stored(self) -> int:
        return self.count("added", "replaced", "unchanged")

    @property
    def failed(self) -> int:
        return self.count("failed")


class IngestService:
    def __init__(
        self, store: ArticleStore, embedder: Embedder, chunker: Chunker, reader: DraftReader, max_chars: int
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._chunker = chunker
        self.reader = reader
        self._max_chars = max_chars

    def ingest(self, targets: Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Ingest every file, directory, URL or feed named; one bad item never stops the rest."""
        report = IngestReport()
        self._store.collect_garbage()
        sources = list(expand(list(targets)))
        for done, source in enumerate(sources):
            if progress:
                progress(done, len(sources), source.location if isinstance(source, Source) else "")
            if isinstance(source, IngestError):
                report.items.append(ItemResult("failed", "", str(source)))
                continue
            report.items.extend(self._ingest_source(source))
        if progress:
            progress(len(sources), len(sources), "")
        return report

    def _ingest_source(self, source: Source) -> list[ItemResult]:
        results: list[ItemResult] = []
        try:
            for draft in self.reader.read(source):
                if isinstance(draft, IngestError):
                    results.append(ItemResult("warning", source.location, str(draft)))
                else:
                    results.append(self.ingest_draft(draft))
        except IngestError as exc:
            results.append(ItemResult("failed", source.location, str(exc)))
        except OSError as exc:
            results.append(ItemResult("failed", source.location, f"{source.location}: {exc.strerror or exc}"))
        if results and all(r.status == "warning" for r in results):
            results.append(ItemResult("failed", source.location, f"{source.location}: nothing usable found"))
        return results

    def ingest_draft(self, draft: Draft) -> ItemResult:
        """Store one article; unchanged text is a no-op, a changed text at the same source replaces it."""
        result = self._store_draft(draft)
        fields: dict[str, Any] = {
            "status": result.status, "source": result.source, "article_id": result.article_id,
            "chunks": result.chunks, "message": result.message, **result.timings,
        }  # fmt: skip
        event("ingest_item", **fields)
        return result

    def _store_draft(self, draft: Draft) -> ItemResult:
        try:
            article = build_article(draft, self._max_chars)
        except IngestError as exc:
            return ItemResult("failed", draft.source, str(exc))
        existing = self._store.get(article.id)
        if existing is not None and existing.chunking == self._chunker.signature:
            return ItemResult("unchanged", draft.source, "", article.id, existing.title, existing.chunks)
        previous = [i for i in self._store.ids_by_source(article.source) if i != article.id]
        clock = Stopwatch()
        chunks = self._chunker.split(article)
        clock.lap("chunk_s")
        vectors = self._embedder.embed_documents([c.text for c in chunks])
        clock.lap("embed_s")
        self._store.put(article, chunks, vectors, self._chunker.signature, replaces=previous)
        clock.lap("write_s")
        status: Status = "replaced" if previous else "added"
        message = f"replaces {', '.join(previous)}" if previous else ""
        return ItemResult(status, article.source, message, article.id, article.title, len(chunks), clock.laps)
