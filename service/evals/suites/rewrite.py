"""rewrite: plain-English rewrites of the seed and OneStopEnglish `advanced` articles, against the
originals (facts, support) and the human `elementary` versions (readability reference only)."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from service.evals.corpus import FILE_SUFFIXES, SEED_KEY, eval_drafts, load_onestopenglish
from service.evals.suite import CaseResult, Progress, SuiteResult
from service.ingest.articles import build_article
from service.rewrite.measures import readability
from service.rewrite.quotes import quote_recall
from service.rewrite.result import AlignedUnit
from service.rewrite.service import RewriteService
from service.rewrite.units import restates
from service.text import sentences, words


def repeated_sentences(text: str) -> int:
    """Output sentences that restate an earlier one (the same word-overlap test the rewrite's rule uses, so
    with the rule on this counts what slipped past it, e.g. across a kept original)."""
    seen: list[set[str]] = []
    count = 0
    for span in sentences(text):
        own = set(words(span.text))
        count += any(restates(own, earlier) for earlier in seen)
        seen.append(own)
    return count


def kept_reasons(units: list[AlignedUnit]) -> str:
    """Why sentences were kept as written, counted: " (3 unchanged, 2 adds, 1 drops)" (adds: a sentence the
    source does not support; drops: a name, number, date or quote lost; empty: no reply)."""
    counts: Counter[str] = Counter()
    for unit in units:
        if unit.status == "kept original":
            said = " ".join(unit.problems)
            if "unchanged" in said or "returned nothing" in said:
                counts["unchanged" if "unchanged" in said else "empty"] += 1
            else:
                counts["adds" if "says something" in said else "drops"] += 1
    return f" ({', '.join(f'{n} {why}' for why, n in counts.most_common())})" if counts else ""


class RewriteSuite:
    name = "rewrite"
    description = "Plain-English rewrites on the embedded defaults: support, facts kept, readability, change"

    def __init__(self, rewriter: RewriteService, dataset: Path, datasets_dir: Path) -> None:
        self._rewriter = rewriter
        self._dataset = dataset
        self._datasets_dir = datasets_dir

    def run(self, limit: int | None, progress: Progress) -> SuiteResult:
        rows = [json.loads(line) for line in self._dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = rows[:limit] if limit else rows
        drafts = eval_drafts([r["article"] for r in rows], self._datasets_dir, self._dataset.parent)
        # the human elementary versions, where the article is a OneStopEnglish one, are the grade reference
        named = any(r["article"] != SEED_KEY and not r["article"].endswith(FILE_SUFFIXES) for r in rows)
        ose = load_onestopenglish(self._datasets_dir) if named else {}
        started = time.perf_counter()
        cases: list[CaseResult] = []
        totals: dict[str, list[float]] = {
            k: []
            for k in (
                "fact_recall", "grade_drop", "gap", "changed", "per100", "rewritten", "retried", "kept", "harder",
                "split", "ruled", "floor100", "over_floor", "quotation", "quotes",
            )
        }  # fmt: skip
        unsupported = claims = repeats = out_sentences = 0
        for n, row in enumerate(rows):
            article = build_article(drafts[row["article"]], 10**7)
            result = self._rewriter.run(article.text, article.title, row["level"])
            unsupported += len(result.unsupported)
            claims += result.claims
            totals["fact_recall"].append(result.fact_recall)
            totals["grade_drop"].append(result.before.grade - result.after.grade)
            totals["changed"].append(result.changed_share)
            totals["per100"].append(100 * result.seconds / max(1, result.source_words))
            totals["rewritten"].append(float(result.is_rewrite))
            rewritable = [u for u in result.units if not u.status.startswith("dropped")]
            totals["retried"].extend(float(u.retried) for u in rewritable)
            totals["kept"].extend(float(u.status == "kept original") for u in rewritable)
            totals["quotation"].extend(float(u.status == "quotation") for u in rewritable)
            quotes, changed_quotes = quote_recall(article.text, result.text)
            totals["quotes"].append(quotes)
            totals["split"].extend(float(len(u.sentences) > 1) for u in rewritable)
            totals["ruled"].extend(float(u.status == "split by rule") for u in rewritable)
            floor = result.timings.get("floor_s", 0.0)
            if floor > 0:
                totals["floor100"].append(100 * floor / max(1, result.source_words))
                totals["over_floor"].append(result.seconds / floor)
            totals["harder"].append(float(result.after.grade > result.before.grade))
            repeats += repeated_sentences(result.text)
            out_sentences += len(sentences(result.text))
            reference = None
            if row["article"] in ose:
                reference = readability(ose[row["article"]].elementary).grade
                totals["gap"].append(abs(result.after.grade - reference))
            fields = {
                "grade": f"{result.before.grade:.1f} → {result.after.grade:.1f}"
                + (f" (human elementary {reference:.1f})" if reference is not None else ""),
                "facts kept": f"{result.fact_recall:.0%}",
                "dropped": ", ".join(result.dropped_facts[:12]),
                "unsupported": f"{len(result.unsupported)} of {result.claims}",
                "kept as written": f"{result.kept_original} of {len(result.units)}" + kept_reasons(result.units),
                "quotations kept as said": f"{result.quotations}",
                "quotes kept": f"{quotes:.0%}"
                + (f" (changed: {'; '.join(changed_quotes)[:300]})" if changed_quotes else ""),
                "changed": f"{result.changed_share:.0%}",
                "s/100 words": f"{100 * result.seconds / max(1, result.source_words):.1f}",
                "floor s/100 words": f"{100 * result.timings.get('floor_s', 0.0) / max(1, result.source_words):.1f}",
                "split": f"{sum(len(u.sentences) > 1 for u in rewritable)} of {len(rewritable)}",
                "text": result.text,
            }
            passed = result.is_rewrite and result.fact_recall >= 0.9 and not result.unsupported
            words = [w for c in result.unsupported for w in c.unsupported_words]
            cases.append(CaseResult(row["id"], passed, fields, words))
            progress(n + 1, len(rows))

        def mean(values: list[float]) -> float:
            return sum(values) / len(values) if values else float("nan")

        metrics = {
            "cases": float(len(rows)),
            "unsupported_rate": unsupported / claims if claims else float("nan"),
            "fact_recall": mean(totals["fact_recall"]),
            "grade_drop": mean(totals["grade_drop"]),
            "grade_gap_to_elementary": mean(totals["gap"]),
            "changed_share": mean(totals["changed"]),
            "rewritten_share": mean(totals["rewritten"]),
            "repeated_share": repeats / out_sentences if out_sentences else float("nan"),
            "retried_units": mean(totals["retried"]),
            "kept_original_units": mean(totals["kept"]),  # kept as written after failing the check
            "quotation_units": mean(totals["quotation"]),  # a speaker's words with an attribution, kept by rule
            "quote_recall": mean(totals["quotes"]),  # the source's quotations the rewrite keeps word for word
            "harder_articles": mean(totals["harder"]),
            "split_units": mean(totals["split"]),  # output of more than one sentence, by rule or by the model
            "rule_split_units": mean(totals["ruled"]),
            "seconds_per_100_words": mean(totals["per100"]),
            "floor_seconds_per_100_words": mean(totals["floor100"]),  # the output once at decoding speed
            "time_over_floor": mean(totals["over_floor"]),
        }
        return SuiteResult(self.name, self.description, metrics, cases, time.perf_counter() - started)
