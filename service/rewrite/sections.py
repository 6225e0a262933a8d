"""Splitting an article into sections that fit the model: whole paragraphs where possible."""

from __future__ import annotations

from service.text import sentences


def split_sections(text: str, max_chars: int) -> list[str]:
    """Consecutive paragraphs grouped up to ``max_chars``; a longer paragraph is cut between sentences."""
    pieces: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        if len(paragraph) <= max_chars:
            pieces.append(paragraph)
            continue
        current = ""
        for sentence in sentences(paragraph):
            if current and len(current) + 1 + len(sentence.text) > max_chars:
                pieces.append(current)
                current = sentence.text
            else:
                current = f"{current} {sentence.text}".strip()
        if current:
            pieces.append(current)
    sections: list[str] = []
    for piece in pieces:
        if sections and len(sections[-1]) + 1 + len(piece) <= max_chars:
            sections[-1] = f"{sections[-1]}\n{piece}"
        else:
            sections.append(piece)
    return sections


def join_sections(parts: list[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p.strip())
