"""BM25 over all committed chunks (rank_bm25), rebuilt only when the set of articles changes."""

from __future__ import annotations

import threading

from rank_bm25 import BM25Okapi

from service.index.store import ArticleStore
from service.model import Chunk
from service.text import STOPWORDS, stem, words


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed words without stopwords (BM25 on raw str.split is much worse)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


class KeywordIndex:
    def __init__(self, store: ArticleStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._version: object = None
        self._chunks: list[Chunk] = []
        self._bm25: BM25Okapi | None = None

    def search(self, query: str, k: int, article_id: str | None = None) -> list[tuple[Chunk, float]]:
        self._refresh()
        query_terms = terms(query)
        if self._bm25 is None or not query_terms:
            return []
        scores = self._bm25.get_scores(query_terms)
        ranked = sorted(range(len(self._chunks)), key=lambda i: scores[i], reverse=True)
        hits = [(self._chunks[i], float(scores[i])) for i in ranked if scores[i] > 0]
        if article_id:
            hits = [h for h in hits if h[0].article_id == article_id]
        return hits[:k]

    def _refresh(self) -> None:
        version = self._store.version()
        with self._lock:
            if version == self._version:
                return
            chunks = self._store.committed_chunks()
            self._chunks = chunks
            self._bm25 = BM25Okapi([terms(c.text) for c in chunks]) if chunks else None
            self._version = version
