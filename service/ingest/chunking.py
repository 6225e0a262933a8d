"""Splitting an article into passages on paragraph and sentence boundaries, keeping offsets."""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from service.ingest.model import Article, Chunk

_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


class Chunker:
    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        # The version part changes when the same settings give other chunks or offsets, so that ingesting an
        # article again re-chunks it (v2: offsets of repeated passages).
        self.signature = f"c{chunk_size}o{chunk_overlap}v2"
        self._overlap = chunk_overlap
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            separators=_SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    def split(self, article: Article) -> list[Chunk]:
        chunks: list[Chunk] = []
        cursor = covered = 0
        for piece in self._splitter.split_text(article.text):
            start = _locate(article.text, piece, cursor, covered)
            end = start + len(piece)
            chunks.append(Chunk(article.id, len(chunks), start, end, piece, article.title))
            cursor, covered = max(cursor, start + 1, end - self._overlap), max(covered, end)
        return chunks


def _locate(text: str, piece: str, cursor: int, covered: int) -> int:
    """Where the next chunk starts. It overlaps the one before by at most chunk_overlap characters (so not
    before ``cursor``) and it reaches past the text covered so far: searching that way keeps a repeated
    passage, or a short piece that also occurs inside the overlap, from matching an earlier copy."""
    start = text.find(piece, cursor)
    while start >= 0 and start + len(piece) <= covered:
        start = text.find(piece, start + 1)
    if start < 0:  # cannot happen with strip_whitespace; guard offsets anyway
        start = text.find(piece, cursor)
    return start if start >= 0 else max(text.find(piece), 0)
