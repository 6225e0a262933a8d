"""Splitting an article into passages on paragraph and sentence boundaries, keeping offsets."""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from service.model import Article, Chunk

_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


class Chunker:
    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        # The version part changes when the same settings give other chunks or offsets, so that ingesting an
        # article again re-chunks it (v2: offsets of repeated passages).
        self.signature = f"c{chunk_size}o{chunk_overlap}v2"
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            separators=_SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    def split(self, article: Article) -> list[Chunk]:
        chunks: list[Chunk] = []
        previous_start, covered = -1, 0
        for piece in self._splitter.split_text(article.text):
            start = _locate(article.text, piece, previous_start, covered)
            end = start + len(piece)
            chunks.append(Chunk(article.id, len(chunks), start, end, piece, article.title))
            previous_start, covered = start, max(covered, end)
        return chunks


def _locate(text: str, piece: str, previous_start: int, covered: int) -> int:
    """Where the next chunk starts. The splitter keeps the text in order and drops only whitespace, so a
    chunk starts after the previous one's start and no later than the first character not yet covered.
    In repetitive text the piece may occur more than once in that range: the last occurrence is taken (a
    chunk continues the text; an earlier copy would leave a gap). Every candidate is an exact span."""
    limit = covered + len(text[covered:]) - len(text[covered:].lstrip())  # the first non-blank character
    start = text.rfind(piece, previous_start + 1, limit + len(piece))
    if start < 0:  # cannot happen with strip_whitespace; guard offsets anyway
        start = text.find(piece, previous_start + 1)
    return start if start >= 0 else max(text.find(piece), 0)
