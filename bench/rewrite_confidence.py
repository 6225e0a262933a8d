"""Does the writer's own confidence tell a rewrite's errors apart, so that a confident output could skip the judge?

    .venv/bin/python bench/rewrite_confidence.py evals/datasets/judged/audit-*.jsonl

For every hand-labelled unit of the audit files (deduplicated by source and rewrite; the README beside them says
how they were labelled), the rewrite is read again under its sentence's first-attempt prompt, teacher-forced: a
llama.cpp grammar allows only that text, and the server reports each token's probability from the model's raw
distribution, before the grammar. Scores per unit: the lowest token probability (whitespace tokens aside) and the
mean token log-probability; beside them the judge's lowest P(yes) over the unit's output sentences. Prints the
ROC-AUC of each telling `error` from `ok` units, and for a cascade (a unit whose lowest token probability reaches
a threshold skips the judge) the share of `ok` units that would skip it and the errors the judge fails (P(yes)
under the bar for passes) that would skip it too. Needs the embedded llama.cpp server (the grammar is its own
request field); writes bench/results/rewrite_confidence.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.app import Newsdesk
from service.evals.metrics import roc_auc
from service.fidelity.decision import fitted_decisions
from service.rewrite.service import LEVELS
from service.rewrite.vocabulary import hard_words_line
from service.settings import load_settings

THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def grammar(text: str) -> str:
    """A GBNF grammar whose only sentence is ``text``."""
    return 'root ::= "' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def forced_tokens(desk: Newsdesk, source: str, rewrite: str) -> list[float]:
    """Each token's raw log-probability when the writer is made to write ``rewrite`` for ``source``."""
    llm = desk.llm
    messages = desk.rewriter._prompt.render(
        level=LEVELS["plain"], problems="", hard=hard_words_line(source), sentence=source
    )
    create: Any = llm._client.chat.completions.create  # the grammar is llama.cpp's own field, outside LLM's calls
    response = create(
        model=llm.endpoint.model, messages=list(messages), max_tokens=3 * len(rewrite) // 2 + 40, temperature=0,
        logprobs=True, top_logprobs=1, stream=False, extra_body={"grammar": grammar(rewrite)},
    )  # fmt: skip
    choice = response.choices[0]
    if choice.message.content != rewrite:
        raise SystemExit(f"the grammar did not force the text: {rewrite!r}")
    return [t.logprob for t in (choice.logprobs.content or []) if t.token.strip()]


def read_units(desk: Newsdesk, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fast = desk.checker_judging("off")
    out = []
    for row in rows:
        logprobs = forced_tokens(desk, row["source"], row["rewrite"])
        claims = [c.text for c in fast.check(row["source"], row["rewrite"], kind="rewrite").claims]
        yes = desk.claim_judge.probabilities(row["source"], claims)
        out.append({
            "label": row["label"], "lowest": math.exp(min(logprobs, default=0.0)),
            "mean_logprob": sum(logprobs) / max(1, len(logprobs)), "judge": min(yes, default=1.0),
        })  # fmt: skip
        print(f"{len(out)}/{len(rows)} {row['label']:5s} lowest {out[-1]['lowest']:.2f}", flush=True)
    return out


def figures(units: list[dict[str, Any]], bar: float) -> dict[str, Any]:
    scored = [u for u in units if u["label"] in ("ok", "error")]
    result: dict[str, Any] = {label: sum(u["label"] == label for u in units) for label in ("error", "minor", "ok")}
    for signal in ("lowest", "mean_logprob", "judge"):
        result[f"auc_{signal}"] = round(roc_auc([u[signal] for u in scored], [u["label"] == "ok" for u in scored]), 3)
    ok = [u for u in units if u["label"] == "ok"]
    caught = [u for u in units if u["label"] == "error" and u["judge"] < bar]
    result["errors_judge_fails"] = len(caught)
    result["cascade"] = {
        str(t): {"ok_skipping": round(sum(u["lowest"] >= t for u in ok) / max(1, len(ok)), 3),
                 "caught_errors_skipping": sum(u["lowest"] >= t for u in caught)}
        for t in THRESHOLDS
    }  # fmt: skip
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    bar = fitted_decisions().kinds["rewrite"].judge_passes or 0.0
    rows, seen = [], set()
    for path in args.files:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and (row["source"], row["rewrite"]) not in seen and row["status"] in ("rewritten", "split by rule"):
                seen.add((row["source"], row["rewrite"]))
                rows.append(row)
    desk = Newsdesk(load_settings())
    try:
        result = figures(read_units(desk, rows), bar)
    finally:
        desk.local_server.stop()
    print(json.dumps(result, indent=1))
    print(f"written to {write_result('rewrite_confidence', {'bar': bar, 'units': len(rows), **result})}")


if __name__ == "__main__":
    main()
