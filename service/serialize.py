"""Results as JSON-able dicts: the CLI's --json output and the web API's answers share these."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from service.fidelity.report import FidelityReport
from service.index.store import StoredHit
from service.model import ArticleInfo
from service.qa.answer import Answer
from service.rewrite.result import AlignedUnit, RewriteResult


def article_dict(article: ArticleInfo) -> dict[str, Any]:
    data = asdict(article)
    if data.get("text") is None:
        data.pop("text", None)
    return data


def hit_dict(rank: int, hit: StoredHit) -> dict[str, Any]:
    c = hit.chunk
    return {
        "rank": rank,
        "score": round(hit.score, 4),
        "article_id": c.article_id,
        "title": c.title,
        "chunk": c.index,
        "start": c.start,
        "end": c.end,
        "text": c.text,
    }


def fidelity_dict(report: FidelityReport) -> dict[str, Any]:
    return {
        "supported": report.supported,
        "score": report.score,
        "judged": report.judged,
        **({"judge_note": report.judge_note} if report.judge_note else {}),
        "claims": [
            {
                "text": c.text,
                "start": c.start,
                "end": c.end,
                "supported": c.supported,
                "score": c.score,
                "reason": c.reason,
                "kind": c.kind,
                "decided_by": c.decided_by,
                **({"judge_yes": c.features["judge_yes"]} if "judge_yes" in c.features else {}),
                "unsupported_words": c.unsupported_words,
                "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in c.evidence],
            }
            for c in report.claims
        ],
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {
                "number": c.number,
                "article_id": c.passage.chunk.article_id,
                "title": c.passage.chunk.title,
                "start": c.passage.chunk.start,
                "end": c.passage.chunk.end,
                "passage": c.passage.chunk.text,
            }
            for c in answer.citations
        ],
        "unsupported_sentences": answer.unsupported_sentences,
        "fidelity": fidelity_dict(answer.fidelity) if answer.fidelity else None,
        "quote_problems": answer.quote_problems,
        "removed_citations": answer.removed_citations,
        "repaired_citations": answer.repaired_citations,
        "withheld": answer.withheld,
        "conflicts": [asdict(c) for c in answer.conflicts],
        "timings": {k: round(v, 3) for k, v in answer.timings.items()},
        "prompt_chars": answer.prompt_chars,
        "request_id": answer.request_id,
    }


def rewrite_dict(result: RewriteResult) -> dict[str, Any]:
    return {
        "title": result.title,
        "level": result.level,
        "verdict": result.verdict,
        "text": result.text,
        "readability": {"before": asdict(result.before), "after": asdict(result.after)},
        "fact_recall": round(result.fact_recall, 3),
        "dropped_facts": result.dropped_facts,
        "removed_promotion": result.removed_promotion,
        "changed_share": round(result.changed_share, 3),
        "unsupported": [{"text": c.text, "reason": c.reason, "words": c.unsupported_words} for c in result.unsupported],
        "unsupported_rate": round(result.unsupported_rate, 3),
        "kept_original": result.kept_original,
        "quotations": result.quotations,
        "dropped_repeats": result.dropped_repeats,
        "units": [_unit_dict(u) for u in result.units],
        "seconds": round(result.seconds, 1),
        "seconds_per_100_words": round(100 * result.seconds / max(1, result.source_words), 2),
        "timings": result.timings,
        "request_id": result.request_id,
    }


def _unit_dict(u: AlignedUnit) -> dict[str, Any]:
    """One source sentence (its character span in the article) and what the rewrite says for it."""
    return {
        "index": u.index,
        "paragraph": u.paragraph,
        "source": {"start": u.start, "end": u.end, "text": u.source},
        "text": u.text,
        "sentences": u.sentences,
        "status": u.status,
        "retried": u.retried,
        "problems": list(u.problems),
        "unsupported": [c.text for c in u.unsupported],
    }


def rewrite_markdown(result: RewriteResult) -> str:
    b, a = result.before, result.after
    lines = [
        f"# {result.title} (plain English)",
        "",
        result.text,
        "",
        "---",
        f"*{result.verdict}. Reading grade {b.grade:.1f} → {a.grade:.1f}; names and numbers kept: "
        f"{result.fact_recall:.0%}{'; dropped: ' + ', '.join(result.dropped_facts) if result.dropped_facts else ''}.*",
    ]
    return "\n".join(lines) + "\n"
