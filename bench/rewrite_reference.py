"""The rewrite metrics applied to the human rewrites: OneStopEnglish's own `elementary` versions.

    .venv/bin/python bench/rewrite_reference.py [--held-apart]

For each OneStopEnglish article of the `rewrite` suite, the professional editors' elementary
version is scored against the `advanced` original with exactly the measures the suite applies to
newsdesk's rewrites: the fidelity checker's unsupported-sentence rate, fact recall (names and
numbers kept), Flesch-Kincaid grade drop and the share of sentences changed. The checker is the shipped
one: the language model's judge confirms the fast checker's failures, as in a rewrite, so the model runs.
It shows what those measures say about a rewrite that editors published: the ceiling a model's rewrite can
be expected to reach under the same checker. Writes bench/results/rewrite_reference.json, with what failed
each flagged sentence (an override rule, the judge, or the fast score alone).

--held-apart scores, instead, the 14 shipped OneStopEnglish articles that no fidelity or rewrite suite uses
(nor this benchmark without the flag), so that a change to the checker made while reading the suite's flags
is measured on texts that did not shape it. It writes rewrite_reference_held_apart.json, without examples.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.app import Newsdesk
from service.evals.corpus import load_onestopenglish
from service.fidelity.report import ClaimVerdict
from service.rewrite.measures import changed_share, fact_recall, readability
from service.settings import load_settings

DATASETS = Path(__file__).resolve().parents[1] / "evals" / "datasets"
SUITES = ("rewrite.jsonl", "fidelity-pairs.jsonl", "fidelity-synthetic.jsonl")


def _articles(name: str) -> list[str]:
    rows = [json.loads(line) for line in (DATASETS / name).read_text().splitlines() if line.strip()]
    return list(dict.fromkeys(row["article"] for row in rows))


def suite_names() -> list[str]:
    """The articles of the `rewrite` suite."""
    return _articles("rewrite.jsonl")


def held_apart_names(articles: Mapping[str, object]) -> list[str]:
    """The shipped OneStopEnglish articles that no fidelity or rewrite suite uses."""
    used = {name for suite in SUITES for name in _articles(suite)}
    return [name for name in articles if name not in used]


def flag_cause(claim: ClaimVerdict) -> str:
    """What failed a claim: an override rule (which), the judge, or the fast score alone (the judge not asked)."""
    if claim.decided_by == "rule":
        return f"rule: {claim.kind}"
    return "judge" if claim.decided_by == "judge" else "fast score"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held-apart", action="store_true", help="the articles no fidelity or rewrite suite uses")
    args = parser.parse_args()
    desk = Newsdesk(load_settings())
    articles = load_onestopenglish(desk.settings.datasets_dir)
    names = held_apart_names(articles) if args.held_apart else suite_names()
    per_article = []
    unsupported = claims = 0
    flagged_by: Counter[str] = Counter()
    for name in names:
        article = articles.get(name)
        if article is None:  # the seed article has no human rewrite
            continue
        report = desk.checker.check(article.advanced, article.elementary, kind="rewrite")
        recall, _ = fact_recall(article.advanced, article.elementary)
        before, after = readability(article.advanced), readability(article.elementary)
        unsupported += len(report.unsupported)
        flagged_by.update(flag_cause(c) for c in report.unsupported)
        claims += len(report.claims)
        per_article.append({
            "article": name,
            "unsupported": f"{len(report.unsupported)}/{len(report.claims)}",
            "unsupported_rate": round(len(report.unsupported) / max(1, len(report.claims)), 3),
            "fact_recall": round(recall, 3),
            "grade": [before.grade, after.grade],
            "changed": round(changed_share(article.advanced, article.elementary), 3),
        })  # fmt: skip
        if not args.held_apart:
            per_article[-1]["flagged_examples"] = [f"{c.reason}: {c.text[:100]}" for c in report.unsupported[:2]]
        print(f"{name:22s} unsupported {per_article[-1]['unsupported']:>6s}  facts kept {recall:.2f}  "
              f"grade {before.grade:.1f} → {after.grade:.1f}  changed {per_article[-1]['changed']:.2f}")  # fmt: skip
    n = len(per_article)
    overall = {
        "unsupported_rate": round(unsupported / max(1, claims), 3),
        "fact_recall": round(sum(a["fact_recall"] for a in per_article) / n, 3),
        "grade_drop": round(sum(a["grade"][0] - a["grade"][1] for a in per_article) / n, 2),
        "changed_share": round(sum(a["changed"] for a in per_article) / n, 3),
    }
    print("all:", ", ".join(f"{k} {v}" for k, v in overall.items()))
    print("flagged by:", ", ".join(f"{k} {v}" for k, v in flagged_by.most_common()))
    name = "rewrite_reference_held_apart" if args.held_apart else "rewrite_reference"
    causes = dict(flagged_by.most_common())
    path = write_result(name, {"articles": n, "overall": overall, "flagged_by": causes, "per_article": per_article})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
