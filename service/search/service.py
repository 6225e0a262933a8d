"""Vector search over committed chunks."""

from __future__ import annotations

from service.embeddings.base import Embedder
from service.errors import InvalidInput
from service.index.store import ArticleStore, StoredHit

MAX_K = 50
MAX_QUERY_CHARS = 2000


class SearchService:
    def __init__(self, store: ArticleStore, embedder: Embedder) -> None:
        self._store = store
        self._embedder = embedder

    def search(self, query: str, k: int = 5, article_id: str | None = None) -> list[StoredHit]:
        query = " ".join(query.split())
        if not query:
            raise InvalidInput("the query is empty")
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}")
        vector = self._embedder.embed_query(query[:MAX_QUERY_CHARS])
        return self._store.query(vector, k, article_id)
