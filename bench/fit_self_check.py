"""Fit the threshold of the Q&A self-check (service/qa/self_check.py) on the answers that the development
question sets' runs showed, and print what it would have done to each set.

    NEWSDESK_QA_SELF_CHECK_THRESHOLD=0 .venv/bin/newsdesk eval SUITE --report data/reports/NAME   # each set
    .venv/bin/python bench/fit_self_check.py data/reports/NAME ... [--keep 0.95]

Each report must come from a run that recorded the model's reading of every shown answer (threshold 0: nothing
withheld). A shown answer is right when it holds an accepted answer to an answerable question, wrong when it
does not or when the question has no answer in the articles. The threshold is the highest that keeps
``--keep`` of the right answers; the script prints how many wrong ones it catches, the ROC-AUC, and each
set's accuracy and refusal recall / precision with the threshold applied. A question set that decides whether
the rule is shipped must not be among the reports. Writes bench/results/fit_self_check.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.evals.metrics import roc_auc

Case = dict[str, Any]


def shown(cases: list[Case]) -> list[tuple[float, bool]]:
    """(P(yes), right) for every answer a run showed with the model's reading recorded."""
    out = []
    for case in cases:
        fields = case["fields"]
        if fields.get("self_check") is None or fields["text"].startswith("The articles don't say"):
            continue
        right = fields["kind"] != "unanswerable" and bool(case["passed"])
        out.append((float(fields["self_check"]), right))
    return out


def threshold_keeping(rows: list[tuple[float, bool]], keep: float) -> float:
    """The highest threshold under which at least ``keep`` of the right answers stay shown."""
    right = sorted(p for p, ok in rows if ok)
    if not right:
        return 0.0
    allowed = int(len(right) * (1 - keep))  # right answers that may fall below
    return right[allowed]


def applied(cases: list[Case], threshold: float) -> dict[str, float]:
    """A set's figures with answers below ``threshold`` withheld as refusals (accuracy over factual questions,
    as the qa suite counts it)."""
    factual = right = tp = fp = fn = wrong_shown = 0
    for case in cases:
        fields = case["fields"]
        p = fields.get("self_check")
        refused = fields["text"].startswith("The articles don't say") or (p is not None and p < threshold)
        if fields["kind"] == "unanswerable":
            tp, fn = tp + refused, fn + (not refused)
            wrong_shown += not refused
            continue
        fp += refused
        ok = bool(case["passed"]) and not refused
        wrong_shown += not refused and not ok
        if fields["kind"] == "factual":
            factual, right = factual + 1, right + ok
    return {
        "accuracy": right / factual if factual else float("nan"),
        "refusal_recall": tp / (tp + fn) if tp + fn else float("nan"),
        "refusal_precision": tp / (tp + fp) if tp + fp else float("nan"),
        "wrong_shown": wrong_shown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--keep", type=float, default=0.95, help="share of right answers the threshold keeps")
    parser.add_argument("--threshold", type=float, help="apply this threshold instead of fitting one")
    args = parser.parse_args()
    suites = {}
    for report in args.reports:
        for suite in json.loads((report / "results.json").read_text(encoding="utf-8"))["suites"]:
            suites[f"{report.name}/{suite['name']}"] = suite["cases"]
    rows = [row for cases in suites.values() for row in shown(cases)]
    right = [p for p, ok in rows if ok]
    wrong = [p for p, ok in rows if not ok]
    t = args.threshold if args.threshold is not None else threshold_keeping(rows, args.keep)
    result: dict[str, Any] = {
        "answers": len(rows),
        "right": len(right),
        "wrong": len(wrong),
        "roc_auc": round(roc_auc([p for p, _ in rows], [ok for _, ok in rows]), 3),
        "threshold": round(t, 4),
        "right_kept": round(sum(p >= t for p in right) / max(1, len(right)), 3),
        "wrong_caught": round(sum(p < t for p in wrong) / max(1, len(wrong)), 3),
        "sets": {
            name: {"before": applied(cases, 0.0), "after": applied(cases, t)} for name, cases in suites.items()
        },
    }
    print(json.dumps(result, indent=1))
    write_result("fit_self_check", result)


if __name__ == "__main__":
    main()
