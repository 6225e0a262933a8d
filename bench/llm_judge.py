"""Does the LLM judge add a signal to the fidelity checker? Measured on FRANK with the shipped judge mode.

    .venv/bin/python bench/llm_judge.py --split valid [--per-dataset 60]     # tune: prints the best threshold
    .venv/bin/python bench/llm_judge.py --split test --per-dataset 60        # report, with the shipped threshold

One call per summary on the configured LLM (the embedded model unless NEWSDESK_LLM_BASE_URL or
OPENAI_API_KEY says otherwise) through service/fidelity/judge.py: P(yes) from the first token's
log-probabilities. Per dataset: ROC-AUC and balanced accuracy of the judge alone (P(yes) >= 0.5), the
checker alone (its own verdict), and the combination (mean of the two scores >= the threshold); seconds
per call. The sample is FRANK's fixed stratified sample (the one `--limit` uses). Writes
bench/results/llm_judge_<split>.json with every case's scores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary, write_result
from service.app import Newsdesk
from service.evals.frank import fixed_sample, load_frank
from service.evals.metrics import balanced_accuracy, roc_auc
from service.fidelity.judge import COMBINED_THRESHOLD
from service.settings import load_settings


def figures(cases: list[dict[str, Any]], threshold: float) -> dict[str, float]:
    labels = [c["consistent"] for c in cases]
    combined = [(c["judge"] + c["checker"]) / 2 for c in cases]
    return {
        "cases": len(cases),
        "consistent_share": sum(labels) / len(labels),
        "judge_auc": roc_auc([c["judge"] for c in cases], labels),
        "judge_ba": balanced_accuracy([c["judge"] >= 0.5 for c in cases], labels),
        "checker_auc": roc_auc([c["checker"] for c in cases], labels),
        "checker_ba": balanced_accuracy([c["checker_supported"] for c in cases], labels),
        "combined_auc": roc_auc(combined, labels),
        "combined_ba": balanced_accuracy([m >= threshold for m in combined], labels),
    }


def best_threshold(cases: list[dict[str, Any]]) -> float:
    """The threshold with the best mean balanced accuracy over the datasets (valid split only)."""
    datasets = sorted({c["dataset"] for c in cases})
    grid = [round(0.30 + 0.01 * i, 2) for i in range(61)]
    return max(
        grid,
        key=lambda t: sum(figures([c for c in cases if c["dataset"] == d], t)["combined_ba"] for d in datasets),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-dataset", type=int, default=60)
    parser.add_argument("--split", default="valid", choices=["valid", "test"])
    args = parser.parse_args()
    desk = Newsdesk(load_settings())
    rows = fixed_sample(load_frank(desk.settings.datasets_dir, split=args.split), 2 * args.per_dataset)
    cases: list[dict[str, Any]] = []
    seconds: list[float] = []
    for n, row in enumerate(rows, start=1):
        report = desk.checker.check(row.article, row.summary)
        started = time.perf_counter()
        judge = desk.judge.probability(row.article, row.summary)
        seconds.append(time.perf_counter() - started)
        cases.append({
            "id": row.id, "dataset": row.dataset, "consistent": row.consistent, "judge": round(judge, 4),
            "checker": round(report.score, 4), "checker_supported": report.supported,
        })  # fmt: skip
        print(f"\r{n}/{len(rows)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    threshold = best_threshold(cases) if args.split == "valid" else COMBINED_THRESHOLD
    results: dict[str, Any] = {
        "split": args.split,
        "model": desk.llm.endpoint.model,
        "threshold": threshold,
        "threshold_source": "tuned on this (valid) sample" if args.split == "valid" else "COMBINED_THRESHOLD",
        "seconds_per_call": summary(seconds),
        "datasets": {d: figures([c for c in cases if c["dataset"] == d], threshold) for d in ("cnndm", "bbc")},
        "cases": cases,
    }
    print(f"threshold {threshold} ({results['threshold_source']})")
    for dataset, values in results["datasets"].items():
        print(dataset, {k: round(v, 3) for k, v in values.items()})
    print("seconds per call", {k: round(v, 2) for k, v in results["seconds_per_call"].items()})
    write_result(f"llm_judge_{args.split}", results)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
