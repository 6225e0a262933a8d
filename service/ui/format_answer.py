"""An Answer as chat Markdown: the text with unsupported sentences marked, the verdict, expandable sources.

Article and answer text is HTML-escaped everywhere: an article that contains ``<script>`` shows as text.
"""

from __future__ import annotations

from service.qa.answer import Answer, Citation
from service.qa.citations import strip_markers
from service.text import sentences
from service.ui.markup import html_block_text, inert

UNSUPPORTED_TITLE = "Not supported by the cited passages"


def answer_markdown(answer: Answer) -> str:
    """The whole assistant message for a finished answer."""
    if answer.refused:
        return refusal_markdown(answer)
    parts = [marked_text(answer.text, answer.unsupported_sentences), verdict_line(answer)]
    parts.extend(
        f"⚠ **The sources disagree:** [{c.supported_by}] supports this answer, but [{c.disputed_by}] says: "
        f"“{inert(c.says)}”"
        for c in answer.conflicts
    )
    parts.extend(f"⚠ Quote not found in the cited passage: “{inert(q)}”" for q in answer.quote_problems)
    if answer.citations:
        parts.append("\n".join(source_details(c) for c in answer.citations))
    else:
        parts.append("*This answer cites no passage.*")
    return "\n\n".join(parts)


def refusal_markdown(answer: Answer) -> str:
    lines = [f"**{inert(answer.text)}**", "*None of the retrieved passages answers this question.*"]
    if answer.withheld:
        lines.append("*(A draft answer was withheld: the passages do not support it.)*")
    return "\n\n".join(lines)


def marked_text(text: str, unsupported: list[str]) -> str:
    """Escape the answer and wrap each unsupported sentence (compared without citation markers) in a mark."""
    flagged = {_normal(u) for u in unsupported}
    out, last = [], 0
    for span in sentences(text):
        out.append(inert(text[last : span.start]))
        piece = inert(span.text)
        if _normal(strip_markers(span.text)) in flagged:
            piece = f'<mark title="{UNSUPPORTED_TITLE}">⚠ {piece}</mark>'
        out.append(piece)
        last = span.end
    out.append(inert(text[last:]))
    return "".join(out)


def _normal(sentence: str) -> str:
    return " ".join(sentence.split()).lower()


def verdict_line(answer: Answer) -> str:
    unsupported = len(answer.unsupported_sentences)
    if unsupported:
        noun = "sentence is" if unsupported == 1 else "sentences are"
        line = f"⚠ **{unsupported} {noun} not supported by the cited passages** (marked above)."
    else:
        line = "✓ Every sentence is supported by the cited passages."
    return line + judged_note(answer)


def judged_note(answer: Answer) -> str:
    """Which signals decided: the fast checker alone, or the language model too (and when it could not)."""
    fidelity = answer.fidelity
    if fidelity is None:
        return ""
    if fidelity.judge_note:
        return " *(The language model did not answer: checked by the fast checker alone.)*"
    if fidelity.judged:
        n = fidelity.judged
        return f" *(Checked by the verifier; the language model read {n} sentence{'s' if n > 1 else ''}.)*"
    return " *(Checked by the verifier.)*"


def source_details(citation: Citation) -> str:
    """A numbered citation that expands to the quoted passage, its article and its position."""
    c = citation.passage.chunk
    summary = f"[{citation.number}] {html_block_text(c.title)} · characters {c.start:,}–{c.end:,}"
    return (
        f"<details><summary>{summary}</summary>\n"
        f"<blockquote>{html_block_text(c.text)}</blockquote>\n"
        f"<small>article {html_block_text(c.article_id)}</small>\n</details>"
    )


def timings_line(timings: dict[str, float]) -> str:
    names = {
        "retrieval_s": "retrieval",
        "first_token_s": "first token",
        "generation_s": "generation",
        "second_look_s": "second look",
        "check_s": "fidelity check",
    }
    parts = [f"{label} {timings[key]:.2f} s" for key, label in names.items() if key in timings]
    return " · ".join(parts)
