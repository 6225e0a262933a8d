"""The rewrite metrics applied to the human rewrites: OneStopEnglish's own `elementary` versions.

    .venv/bin/python bench/rewrite_reference.py

For each OneStopEnglish article of the `rewrite` suite, the professional editors' elementary
version is scored against the `advanced` original with exactly the measures the suite applies to
newsdesk's rewrites: the fidelity checker's unsupported-sentence rate, fact recall (names and
numbers kept), Flesch-Kincaid grade drop and the share of sentences changed. No language model is
involved. It shows what those measures say about a rewrite that editors published: the ceiling a
model's rewrite can be expected to reach under the same checker. Writes bench/results/rewrite_reference.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.app import Newsdesk
from service.evals.corpus import load_onestopenglish
from service.rewrite.measures import changed_share, fact_recall, readability
from service.settings import load_settings

DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "rewrite.jsonl"


def main() -> None:
    desk = Newsdesk(load_settings())
    articles = load_onestopenglish(desk.settings.datasets_dir)
    rows = [json.loads(line) for line in DATASET.read_text().splitlines() if line.strip()]
    per_article = []
    unsupported = claims = 0
    for row in rows:
        article = articles.get(row["article"])
        if article is None:  # the seed article has no human rewrite
            continue
        report = desk.checker.check(article.advanced, article.elementary)
        recall, _ = fact_recall(article.advanced, article.elementary)
        before, after = readability(article.advanced), readability(article.elementary)
        unsupported += len(report.unsupported)
        claims += len(report.claims)
        per_article.append({
            "article": row["article"],
            "unsupported": f"{len(report.unsupported)}/{len(report.claims)}",
            "unsupported_rate": round(len(report.unsupported) / max(1, len(report.claims)), 3),
            "fact_recall": round(recall, 3),
            "grade": [before.grade, after.grade],
            "changed": round(changed_share(article.advanced, article.elementary), 3),
            "flagged_examples": [f"{c.reason}: {c.text[:100]}" for c in report.unsupported[:2]],
        })  # fmt: skip
        print(f"{row['article']:22s} unsupported {per_article[-1]['unsupported']:>6s}  facts kept {recall:.2f}  "
              f"grade {before.grade:.1f} → {after.grade:.1f}  changed {per_article[-1]['changed']:.2f}")  # fmt: skip
    n = len(per_article)
    overall = {
        "unsupported_rate": round(unsupported / max(1, claims), 3),
        "fact_recall": round(sum(a["fact_recall"] for a in per_article) / n, 3),
        "grade_drop": round(sum(a["grade"][0] - a["grade"][1] for a in per_article) / n, 2),
        "changed_share": round(sum(a["changed"] for a in per_article) / n, 3),
    }
    print("all:", ", ".join(f"{k} {v}" for k, v in overall.items()))
    path = write_result("rewrite_reference", {"articles": n, "overall": overall, "per_article": per_article})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
