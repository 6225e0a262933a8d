"""Articles and chunks in two Chroma collections, written so that a crash never shows half an article.

Write order: chunks first (invisible), then the article record (the commit), then the clean-up
of what it replaced. Readers only trust chunks whose article record exists and names the same
chunking signature, so a process killed at any point leaves every article whole or absent;
``collect_garbage`` removes the leftovers later.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from service.errors import ConfigError, NewsdeskError, StoreUnavailable
from service.index.records import article_meta, chunk_from, chunk_meta, info_from
from service.model import Article, ArticleInfo, Chunk

P = ParamSpec("P")
R = TypeVar("R")
_PAGE = 1000
_GRACE = timedelta(minutes=10)


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn Chroma's many exception types into StoreUnavailable with a short reason."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except NewsdeskError:
            raise
        except Exception as exc:
            reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]
            raise StoreUnavailable(f"the Chroma index failed: {reason}") from None

    return wrapper


@dataclass(frozen=True)
class StoredHit:
    chunk: Chunk
    score: float


class ArticleStore:
    def __init__(self, client: Any, name: str, embedder_id: str) -> None:
        self._client = client
        self._embedder_id = embedder_id
        self._articles = self._open(f"{name}-articles")
        self._chunks = self._open(f"{name}-chunks")
        self._batch = max(1, min(int(client.get_max_batch_size()), 2000))

    @_guarded
    def _open(self, name: str) -> Any:
        collection = self._client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": self._embedder_id},
        )
        found = (collection.metadata or {}).get("embedder")
        if found != self._embedder_id:
            raise ConfigError(
                f"the index '{name}' was built with embeddings '{found}', but '{self._embedder_id}' is "
                "configured; switch back, or use another NEWSDESK_COLLECTION (or data directory)"
            )
        return collection

    # ---- reading ---------------------------------------------------------------------------
    @_guarded
    def get(self, article_id: str, with_text: bool = False) -> ArticleInfo | None:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        found = self._articles.get(ids=[article_id], include=include)
        if not found["ids"]:
            return None
        text = found["documents"][0] if with_text else None
        return info_from(found["ids"][0], found["metadatas"][0], text)

    @_guarded
    def articles(self) -> list[ArticleInfo]:
        infos = [info_from(i, m) for i, m in self._scan(self._articles)]
        return sorted(infos, key=lambda a: (a.ingested_at, a.id))

    @_guarded
    def ids_by_source(self, source: str) -> list[str]:
        found = self._articles.get(where={"source": source}, include=[])
        return list(found["ids"])

    @_guarded
    def count_chunks(self) -> int:
        return int(self._chunks.count())

    @_guarded
    def query(self, embedding: Sequence[float], k: int, article_id: str | None = None) -> list[StoredHit]:
        """The k nearest committed chunks; over-fetches a little to skip uncommitted leftovers."""
        if k <= 0:
            return []
        where = {"article_id": article_id} if article_id else None
        total = self._chunks.count()
        if total == 0:
            return []
        result = self._chunks.query(
            query_embeddings=[list(embedding)],
            n_results=min(total, k + 8),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        metas = result["metadatas"][0]
        committed = self._committed({m["article_id"] for m in metas})
        hits = []
        for doc, meta, distance in zip(result["documents"][0], metas, result["distances"][0], strict=True):
            if committed.get(meta["article_id"]) == meta["chunking"]:
                hits.append(StoredHit(chunk_from(doc, meta), 1.0 - float(distance)))
        return hits[:k]

    @_guarded
    def chunks_of(self, article_id: str) -> list[Chunk]:
        info = self._articles.get(ids=[article_id], include=["metadatas"])
        if not info["ids"]:
            return []
        signature = info["metadatas"][0]["chunking"]
        found = self._chunks.get(
            where={"$and": [{"article_id": article_id}, {"chunking": signature}]},
            include=["documents", "metadatas"],
        )
        chunks = [chunk_from(d, m) for d, m in zip(found["documents"], found["metadatas"], strict=True)]
        return sorted(chunks, key=lambda c: c.index)

    @_guarded
    def committed_chunks(self) -> list[Chunk]:
        """Every chunk of every committed article (for keyword indexes)."""
        committed = {i: m["chunking"] for i, m in self._scan(self._articles)}
        chunks: list[Chunk] = []
        offset = 0
        while True:
            page = self._chunks.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for document, meta in zip(page["documents"], page["metadatas"], strict=True):
                if committed.get(meta["article_id"]) == meta["chunking"]:
                    chunks.append(chunk_from(document, meta))
            if len(page["ids"]) < _PAGE:
                return chunks
            offset += _PAGE

    @_guarded
    def version(self) -> tuple[tuple[str, str], ...]:
        """Changes whenever an article is added, replaced, re-chunked or deleted."""
        return tuple(sorted((i, m["chunking"]) for i, m in self._scan(self._articles)))

    def _committed(self, article_ids: set[str]) -> dict[str, str]:
        if not article_ids:
            return {}
        found = self._articles.get(ids=sorted(article_ids), include=["metadatas"])
        return {i: m["chunking"] for i, m in zip(found["ids"], found["metadatas"], strict=True)}

    # ---- writing ---------------------------------------------------------------------------
    @_guarded
    def put(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        chunking: str,
        replaces: Sequence[str] = (),
    ) -> None:
        """Store an article whole: chunks, then the article record (commit), then clean-ups."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for begin in range(0, len(chunks), self._batch):
            part = chunks[begin : begin + self._batch]
            self._chunks.upsert(
                ids=[f"{c.article_id}-{chunking}-{c.index:05d}" for c in part],
                embeddings=[list(v) for v in vectors[begin : begin + self._batch]],
                documents=[c.text for c in part],
                metadatas=[chunk_meta(c, chunking, now) for c in part],
            )
        self._articles.upsert(
            ids=[article.id],
            embeddings=[_mean(vectors)],
            documents=[article.text],
            metadatas=[article_meta(article, len(chunks), chunking, now)],
        )
        for old in replaces:
            if old != article.id:
                self.delete(old)
        self._chunks.delete(where={"$and": [{"article_id": article.id}, {"chunking": {"$ne": chunking}}]})

    @_guarded
    def delete(self, article_id: str) -> None:
        """Remove the record first (the article disappears at once), then its chunks."""
        self._articles.delete(ids=[article_id])
        self._chunks.delete(where={"article_id": article_id})

    @_guarded
    def collect_garbage(self, now: datetime | None = None) -> int:
        """Remove what an interrupted write left: older duplicate records of one source, and
        chunks no committed record owns. Chunks younger than a grace period are left alone, since
        another process may be writing them. Returns the number of records removed."""
        now = now or datetime.now(UTC)
        records = list(self._scan(self._articles))
        by_source: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for article_id, meta in records:
            by_source[meta["source"]].append((meta["ingested_at"], article_id))
        doomed = {article_id for group in by_source.values() for _, article_id in sorted(group)[:-1]}
        for article_id in doomed:
            self.delete(article_id)
        committed = {i: m["chunking"] for i, m in records if i not in doomed}
        stale = [
            chunk_id
            for chunk_id, meta in self._scan(self._chunks)
            if committed.get(meta["article_id"]) != meta["chunking"]
            and now - datetime.fromisoformat(meta["written_at"]) > _GRACE
        ]
        for begin in range(0, len(stale), self._batch):
            self._chunks.delete(ids=stale[begin : begin + self._batch])
        return len(doomed) + len(stale)

    def _scan(self, collection: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        offset = 0
        while True:
            page = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            yield from zip(page["ids"], page["metadatas"], strict=True)
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE


def _mean(vectors: Sequence[Sequence[float]]) -> list[float]:
    dim = len(vectors[0])
    sums = [0.0] * dim
    for vector in vectors:
        for i, x in enumerate(vector):
            sums[i] += x
    norm = sum(s * s for s in sums) ** 0.5 or 1.0
    return [s / norm for s in sums]
