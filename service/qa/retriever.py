"""Hybrid retrieval as a LangChain retriever: BM25 and vector search fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from service.embeddings.base import Embedder
from service.index.store import ArticleStore
from service.model import Chunk
from service.qa.keyword_index import KeywordIndex

RRF_K = 60  # the usual reciprocal-rank-fusion constant


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    fused: float
    cosine: float | None  # None when only BM25 found it
    bm25: float | None


def fuse(vector: list[tuple[Chunk, float]], keyword: list[tuple[Chunk, float]], k: int) -> list[Passage]:
    """Reciprocal rank fusion of two ranked lists, deduplicated by chunk."""
    fused: dict[tuple[str, int], float] = {}
    chunks: dict[tuple[str, int], Chunk] = {}
    cosines: dict[tuple[str, int], float] = {}
    bm25s: dict[tuple[str, int], float] = {}
    for ranking, store in ((vector, cosines), (keyword, bm25s)):
        for rank, (chunk, score) in enumerate(ranking, start=1):
            key = (chunk.article_id, chunk.index)
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank)
            chunks[key] = chunk
            store[key] = score
    order = sorted(fused, key=lambda key: fused[key], reverse=True)[:k]
    return [Passage(chunks[key], fused[key], cosines.get(key), bm25s.get(key)) for key in order]


class HybridRetriever(BaseRetriever):
    """LangChain retriever over newsdesk's index; metadata carries the exact span of each passage."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ArticleStore
    embedder: Embedder
    keyword_index: KeywordIndex
    k: int = 4
    fetch_k: int = 20
    article_id: str | None = None

    def passages(self, query: str) -> list[Passage]:
        vector = [
            (hit.chunk, hit.score)
            for hit in self.store.query(self.embedder.embed_query(query), self.fetch_k, self.article_id)
        ]
        keyword = self.keyword_index.search(query, self.fetch_k, self.article_id)
        return fuse(vector, keyword, self.k)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(p) for p in self.passages(query)]


def to_document(passage: Passage) -> Document:
    c = passage.chunk
    metadata: dict[str, Any] = {
        "article_id": c.article_id,
        "title": c.title,
        "chunk": c.index,
        "start": c.start,
        "end": c.end,
        "fused": passage.fused,
        "cosine": passage.cosine,
        "bm25": passage.bm25,
    }
    return Document(page_content=c.text, metadata=metadata)
