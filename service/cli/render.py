"""Plain functions that turn results into rich renderables or JSON-able dicts (tested without a terminal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from service.evals.batch import BatchSummary
from service.fidelity.report import ClaimVerdict, FidelityReport
from service.index.store import StoredHit
from service.ingest.service import IngestReport, ItemResult
from service.model import ArticleInfo
from service.qa.answer import Answer
from service.rewrite.result import RewriteResult

if TYPE_CHECKING:
    from service.evals.ablation import AblationRow

_STATUS_STYLE = {"added": "green", "replaced": "cyan", "unchanged": "dim", "failed": "red", "warning": "yellow"}


def articles_table(articles: list[ArticleInfo]) -> Table:
    table = Table(title=f"{len(articles)} article(s)", title_justify="left")
    for name in ("id", "title", "source", "date", "chunks"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "chunks"))
    for a in articles:
        table.add_row(a.id, a.title, a.source, a.published or "—", str(a.chunks))
    return table


def ingest_line(item: ItemResult) -> Text:
    line = Text(f"{item.status:<9}", style=_STATUS_STYLE[item.status])
    if item.article_id:
        line.append(f" {item.article_id}  {item.title}  ({item.chunks} chunks)")
        if item.message:
            line.append(f"  {item.message}", style="dim")
    else:
        line.append(f" {item.message}")
    return line


def ingest_summary(report: IngestReport) -> str:
    parts = [f"{report.count(s)} {s}" for s in ("added", "replaced", "unchanged", "failed") if report.count(s)]
    warnings = report.count("warning")
    if warnings:
        parts.append(f"{warnings} warning(s)")
    return ", ".join(parts) or "nothing to ingest"


def hit_text(rank: int, hit: StoredHit) -> Text:
    c = hit.chunk
    text = Text()
    text.append(f"[{rank}] ", style="bold")
    text.append(f"{hit.score:.3f}  ", style="magenta")
    text.append(c.title, style="bold")
    text.append(f"  {c.article_id} chars {c.start}–{c.end}\n", style="dim")
    text.append(c.text)
    return text


def number(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:.3f}" if not float(value).is_integer() else f"{value:g}"


def fidelity_table(report: FidelityReport) -> Table:
    verdict = "all claims supported" if report.supported else f"{len(report.unsupported)} claim(s) unsupported"
    judged = f"; the language model read {report.judged} of {len(report.claims)}" if report.judged else ""
    title = f"{verdict} (score {report.score:.2f}{judged})"
    table = Table(title=title, title_justify="left", show_lines=True, caption=report.judge_note or None)
    for name in ("claim", "verdict", "score", "decided by", "evidence in the source / words without support"):
        table.add_column(name, overflow="fold")
    for claim in report.claims:
        mark = Text("supported", style="green") if claim.supported else Text(claim.reason, style="red")
        if claim.supported:
            detail = Text(" … ".join(f"[{e.start}:{e.end}] {e.text}" for e in claim.evidence), style="dim")
        else:
            detail = Text(", ".join(claim.unsupported_words) or "—", style="red")
        table.add_row(claim.text, mark, f"{claim.score:.2f}", decided_by(claim), detail)
    return table


def decided_by(claim: ClaimVerdict) -> str:
    """Which signals decided the claim, for people."""
    if claim.decided_by == "judge":
        return f"language model (P(yes) {claim.features.get('judge_yes', 0.0):.2f}) + verifier"
    if claim.decided_by == "rule":
        return f"rule: {claim.kind}"
    return "verifier + word overlap"


def answer_footer(answer: Answer) -> Text:
    """What follows a streamed answer: the verdict, then numbered sources with their spans."""
    text = Text()
    if answer.withheld:
        text.append("⚠ The reply above is not supported by the articles and is withdrawn. ", style="yellow")
        text.append(f"Answer: {answer.text}\n", style="bold")
    if answer.refused:
        text.append("No passage answers this question.\n", style="dim")
        return text
    if answer.unsupported_sentences:
        text.append("Not supported by the cited passages:\n", style="bold red")
        for sentence in answer.unsupported_sentences:
            text.append(f"  ✗ {sentence}\n", style="red")
    else:
        text.append("✓ every sentence is supported by the cited passages\n", style="green")
    if answer.fidelity is not None and answer.fidelity.judge_note:
        text.append(f"({answer.fidelity.judge_note})\n", style="dim")
    elif answer.fidelity is not None and answer.fidelity.judged:
        text.append(f"(the language model read {answer.fidelity.judged} of the sentences)\n", style="dim")
    for conflict in answer.conflicts:
        text.append(
            f"⚠ The sources disagree: [{conflict.supported_by}] supports “{conflict.sentence}”, but "
            f"[{conflict.disputed_by}] says: “{conflict.says}”\n", style="yellow",
        )  # fmt: skip
    for problem in answer.quote_problems:
        text.append(f"  ✗ quote not found in the cited passage: “{problem}”\n", style="red")
    if answer.repaired_citations:
        text.append(
            f"  ({answer.repaired_citations} sentence(s) given the citation of the passage that supports them)\n",
            style="dim",
        )
    if answer.removed_citations:
        text.append(f"  (removed citations to passages that do not exist: {answer.removed_citations})\n", style="dim")
    text.append("Sources:\n", style="bold")
    for citation in answer.citations:
        c = citation.passage.chunk
        text.append(f"[{citation.number}] ", style="bold")
        text.append(f"{c.title}", style="bold")
        text.append(f"  {c.article_id} chars {c.start}–{c.end}\n", style="dim")
        text.append(f"    {c.text}\n")
    if not answer.citations:
        text.append("  (the answer cites no passage)\n", style="yellow")
    return text


def rewrite_report(result: RewriteResult) -> Table:
    table = Table(title=result.verdict, title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    b, a = result.before, result.after
    table.add_row("reading grade (Flesch-Kincaid)", f"{b.grade:.1f} → {a.grade:.1f}")
    table.add_row("reading ease (Flesch)", f"{b.ease:.0f} → {a.ease:.0f}")
    table.add_row("words per sentence", f"{b.words_per_sentence:.1f} → {a.words_per_sentence:.1f}")
    table.add_row("names and numbers kept", f"{result.fact_recall:.0%}")
    table.add_row(
        "dropped", Text(", ".join(result.dropped_facts) or "none", style="red" if result.dropped_facts else "green")
    )
    table.add_row("sentences changed", f"{result.changed_share:.0%}")
    for line in result.removed_promotion:
        table.add_row(Text("removed as promotion", style="yellow"), Text(line, style="dim"))
    for line in result.dropped_repeats:
        table.add_row(Text("dropped as a repeat", style="yellow"), Text(line, style="dim"))
    retried = sum(u.retried for u in result.units)
    table.add_row("sentences", f"{result.sentence_summary} ({retried} retried after the check)")
    for unit in result.units:
        if unit.status == "kept original":
            table.add_row(Text("kept as written", style="yellow"), Text(f"{unit.source}  [{'; '.join(unit.problems)}]"))
    for claim in result.unsupported:
        table.add_row(
            Text("not in the original", style="red"), Text(f"{claim.text}  [{', '.join(claim.unsupported_words)}]")
        )
    table.add_row("split into shorter sentences", f"{result.split_units}")
    table.add_row(
        "time", f"{result.seconds:.0f} s ({100 * result.seconds / max(1, result.source_words):.1f} s per 100 words; "
        f"floor {result.timings.get('floor_s', 0.0):.0f} s: the output once at the model's speed)",
    )  # fmt: skip
    return table


def batch_summary(summary: BatchSummary, results: list[dict[str, Any]]) -> Text:
    """The end of a batch check: counts, then each unsupported text or bad line, one line each."""
    text = Text()
    text.append(f"{summary.pairs} pair(s): {summary.supported} supported, ", style="bold")
    text.append(f"{summary.unsupported} unsupported", style="bold red" if summary.unsupported else "bold")
    text.append(f", {summary.errors} not checked" if summary.errors else "", style="bold yellow")
    text.append(f" ({summary.unsupported_claims} of {summary.claims} claims unsupported)\n")
    for r in results:
        if "error" in r:
            text.append(f"  ✗ {r['error']}\n", style="yellow")
        elif not r["supported"]:
            worst = min(r["claims"], key=lambda c: c["score"])
            text.append(f"  ✗ {r['id']}: {worst['text'][:100]} — {worst['reason']}\n", style="red")
    return text


def ablation(rows: list[AblationRow]) -> Table:
    """Each Q&A rule switched off in turn: the metrics, and the change against every rule on."""
    from service.evals.ablation import SHOWN, deltas

    table = Table(title="Q&A rules switched off one at a time (change against every rule on)", title_justify="left")
    for column in ("suite", "switched off", *SHOWN):
        table.add_column(column.replace("_", " "), justify="left" if column in ("suite", "switched off") else "right")
    for suite, off, metrics in deltas(rows):
        cells = [f"{v:.3f}" + (f" ({d:+.3f})" if d and d == d else "") for v, d in metrics.values()]
        table.add_row(suite, off, *cells)
    return table
