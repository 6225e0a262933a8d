"""Fit the threshold of the Q&A relevance judge (service/qa/relevance.py) on question/sentence pairs built from
the development question sets, and print how well the judge tells an answer from a sentence on the topic.

    .venv/bin/python bench/fit_relevance.py [--suites qa qa-held-apart qa-held-apart-2] [--dry-run]

Pairs (made by rule, no model; written to evals/datasets/judged/relevance-dev.jsonl with the judge's readings):
- an answer: an answerable question and the article sentence that holds its evidence span;
- not an answer: the same question and the article's other sentence sharing the most content words with it,
  holding none of the accepted answers (a sentence on the topic that does not answer);
- not an answer: an unanswerable question and the sentence of the suite's articles sharing the most content
  words with it (what a drawn reply to it looks like: "coca leaves are legal in Bolivia" for their price).
The threshold is the one with the best balanced accuracy on these pairs. A question set that decides whether
the judge is used must not be among ``--suites``. Writes bench/results/fit_relevance.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.evals.metrics import balanced_accuracy, roc_auc
from service.text import content_words, sentences, stem

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "evals" / "datasets" / "judged" / "relevance-dev.jsonl"
Row = dict[str, Any]


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _closest(question: str, candidates: list[str]) -> str | None:
    """The candidate sharing the most content words with the question (the first on a tie), None if none does."""
    wanted = _stems(question)
    best, hits = None, 0
    for text in candidates:
        shared = len(wanted & _stems(text))
        if shared > hits:
            best, hits = text, shared
    return best


def pairs(suite: str) -> list[Row]:
    from service.evals.corpus import eval_drafts
    from service.settings import load_settings

    settings = load_settings()
    dataset = settings.datasets_dir / f"{suite}.jsonl"
    cases = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    keys = sorted({c["article"] for c in cases if c.get("article")})
    articles = {k: d.text for k, d in eval_drafts(keys, settings.datasets_dir, dataset.parent).items()}
    split = {k: [s.text.strip() for s in sentences(t)] for k, t in articles.items()}
    everything = [s for k in keys for s in split[k]]
    rows: list[Row] = []
    for case in cases:
        question = case.get("followup") or case["question"]
        if case["kind"] == "unanswerable":
            near = _closest(question, everything)
            if near:
                rows.append({"id": case["id"], "suite": suite, "question": question, "reply": near, "label": False})
            continue
        evidence, accept = case.get("evidence"), [a.lower() for a in case.get("accept", [])]
        if not evidence:
            continue
        text = articles[case["article"]]
        at = text.find(evidence)
        if at < 0:
            at = text.lower().find(evidence.lower())
        holding = [s.text.strip() for s in sentences(text) if s.start <= at < s.end] if at >= 0 else []
        if not holding:
            raise SystemExit(f"{suite} {case['id']}: evidence not found in its article")
        rows.append({"id": case["id"], "suite": suite, "question": question, "reply": holding[0], "label": True})
        others = [s for s in split[case["article"]] if s != holding[0] and not any(a in s.lower() for a in accept)]
        near = _closest(question, others)
        if near:
            near_id = case["id"] + "-near"
            rows.append({"id": near_id, "suite": suite, "question": question, "reply": near, "label": False})
    return rows


def best_threshold(scores: list[float], labels: list[bool]) -> tuple[float, float]:
    """(threshold, balanced accuracy): the midpoint between neighbouring scores with the best balanced accuracy."""
    ordered = sorted(set(scores))
    cuts = [0.0] + [(a + b) / 2 for a, b in itertools.pairwise(ordered)] + [1.0]
    scored = [(balanced_accuracy([s >= c for s in scores], labels), -c, c) for c in cuts]
    ba, _, cut = max(scored)
    return cut, ba


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suites", nargs="+", default=["qa", "qa-held-apart", "qa-held-apart-2"])
    parser.add_argument("--dry-run", action="store_true", help="read the judge's readings from the pairs file")
    args = parser.parse_args()
    if args.dry_run:
        rows = [json.loads(line) for line in OUT.read_text().splitlines() if line.strip()]
    else:
        from service.app import Newsdesk
        from service.settings import load_settings

        judge = Newsdesk(load_settings()).relevance_judge
        rows = [r for suite in args.suites for r in pairs(suite)]
        for n, row in enumerate(rows, 1):
            row["judge"] = round(judge.probability(row["question"], row["reply"]), 4)
            print(f"{n}/{len(rows)} {row['id']} {row['label']} {row['judge']}", file=sys.stderr, flush=True)
        OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    scores, labels = [r["judge"] for r in rows], [bool(r["label"]) for r in rows]
    cut, ba = best_threshold(scores, labels)
    passed = [r for r in rows if r["judge"] >= cut]
    result = {
        "suites": sorted({r["suite"] for r in rows}),
        "pairs": len(rows),
        "answers": sum(labels),
        "roc_auc": round(roc_auc(scores, labels), 3),
        "threshold": round(cut, 4),
        "balanced_accuracy": round(ba, 3),
        "answers_passed": round(sum(r["label"] for r in passed) / max(1, sum(labels)), 3),
        "non_answers_passed": round(sum(not r["label"] for r in passed) / max(1, len(rows) - sum(labels)), 3),
    }
    print(json.dumps(result, indent=2))
    if not args.dry_run:
        write_result("fit_relevance", result)


if __name__ == "__main__":
    main()
