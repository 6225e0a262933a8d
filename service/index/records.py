"""How articles and chunks are kept as Chroma metadata: the record written, and the model read back."""

from __future__ import annotations

from typing import Any

from service.model import Article, ArticleInfo, Chunk


def chunk_meta(chunk: Chunk, chunking: str, now: str) -> dict[str, Any]:
    return {
        "article_id": chunk.article_id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "title": chunk.title,
        "chunking": chunking,
        "written_at": now,
    }


def article_meta(article: Article, n_chunks: int, chunking: str, now: str) -> dict[str, Any]:
    return {
        "title": article.title,
        "source": article.source,
        "published": article.published or "",
        "language": article.language,
        "content_hash": article.content_hash,
        "chunks": n_chunks,
        "chars": len(article.text),
        "chunking": chunking,
        "ingested_at": now,
    }


def chunk_from(document: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(meta["article_id"], int(meta["index"]), int(meta["start"]), int(meta["end"]), document, meta["title"])


def info_from(article_id: str, meta: dict[str, Any], text: str | None = None) -> ArticleInfo:
    return ArticleInfo(
        id=article_id,
        title=meta["title"],
        source=meta["source"],
        published=meta["published"] or None,
        language=meta["language"],
        chunks=int(meta["chunks"]),
        chars=int(meta["chars"]),
        ingested_at=meta["ingested_at"],
        chunking=meta["chunking"],
        text=text,
    )
