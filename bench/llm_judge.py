"""Does an LLM judge add a signal to the fidelity checker? Measured on FRANK (valid split by default).

    .venv/bin/python bench/llm_judge.py [--per-dataset 40] [--split valid] [--words 600]

One call per summary on the configured LLM (the embedded model unless NEWSDESK_LLM_BASE_URL or
OPENAI_API_KEY says otherwise): the article (first --words words) and the summary, "is every statement
supported? yes/no"; the score is P(yes) from the first token's log-probabilities (the answer text if
the server gives none). Prints, per dataset: ROC-AUC and balanced accuracy (P(yes) >= 0.5) of the
judge, of the default checker, and of their mean; seconds per call. Writes bench/results/llm_judge.json.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary, write_result
from service.app import Newsdesk
from service.evals.frank import FrankRow, fixed_sample, load_frank
from service.evals.metrics import balanced_accuracy, roc_auc
from service.settings import load_settings

SYSTEM = "You check news summaries against their article. Answer with one word: yes or no."
USER = (
    "Article:\n{article}\n\nSummary:\n{summary}\n\n"
    "Is every statement in the summary supported by the article (names, numbers, who did what)? "
    "Answer yes or no."
)


def judge(client: Any, model: str, row: FrankRow, words: int) -> float:
    article = " ".join(row.article.split()[:words])
    response = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": USER.format(article=article, summary=row.summary)},
        ],
        max_tokens=1,
        temperature=0,
        logprobs=True,
        top_logprobs=10,
    )
    choice = response.choices[0]
    yes = no = 0.0
    content = (choice.logprobs.content if choice.logprobs else None) or []
    for option in content[0].top_logprobs if content else []:
        token = option.token.strip().lower()
        if token in ("yes", "y"):
            yes += math.exp(option.logprob)
        elif token in ("no", "n"):
            no += math.exp(option.logprob)
    if yes + no > 0:
        return yes / (yes + no)
    return 1.0 if (choice.message.content or "").strip().lower().startswith("y") else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-dataset", type=int, default=40)
    parser.add_argument("--split", default="valid", choices=["valid", "test"])
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    desk = Newsdesk(load_settings())
    rows = fixed_sample(load_frank(desk.settings.datasets_dir, split=args.split), 2 * args.per_dataset)
    llm = desk.llm
    client, model = llm._client, llm.endpoint.model  # the bench reads log-probabilities, which LLM does not expose
    results: dict[str, Any] = {"split": args.split, "words": args.words, "model": model, "datasets": {}}
    seconds: list[float] = []
    for dataset in sorted({r.dataset for r in rows}):
        group = [r for r in rows if r.dataset == dataset]
        labels = [r.consistent for r in group]
        judged, checked, verdicts = [], [], []
        for n, row in enumerate(group, start=1):
            started = time.perf_counter()
            judged.append(judge(client, model, row, args.words))
            seconds.append(time.perf_counter() - started)
            report = desk.checker.check(row.article, row.summary)
            checked.append(report.score)
            verdicts.append(report.supported)
            print(f"\r{dataset}: {n}/{len(group)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        mean = [(j + c) / 2 for j, c in zip(judged, checked, strict=True)]
        threshold = desk.checker.calibration.threshold
        results["datasets"][dataset] = {
            "cases": len(group),
            "consistent_share": sum(labels) / len(labels),
            "judge_auc": roc_auc(judged, labels),
            "judge_ba": balanced_accuracy([j >= 0.5 for j in judged], labels),
            "checker_auc": roc_auc(checked, labels),
            "checker_ba": balanced_accuracy(verdicts, labels),
            "mean_auc": roc_auc(mean, labels),
            "mean_ba": balanced_accuracy([m >= (0.5 + threshold) / 2 for m in mean], labels),
            "judge_yes_share": sum(j >= 0.5 for j in judged) / len(judged),
        }
    results["seconds_per_call"] = summary(seconds)
    for dataset, figures in results["datasets"].items():
        print(dataset, {k: round(v, 3) for k, v in figures.items()})
    print("seconds per call", {k: round(v, 2) for k, v in results["seconds_per_call"].items()})
    write_result("llm_judge", results)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
