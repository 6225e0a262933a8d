"""How well the fast checker and the judge tell the hand-labelled errors among rewritten units the check passed.

    .venv/bin/python bench/rewrite_audit.py evals/datasets/judged/audit-rewrite-held-apart-fixed.jsonl [...]

Each file holds units the rewriter changed and its check passed, labelled by hand (`error`, `minor`, `ok`; the
README beside them says how). For every unit: the fast checker's score of each output sentence against the
source sentence (the `rewrite` kind, no judge), and the judge's P(yes) for each (the per-claim judge, the source
sentence as its prefix). Prints, per file, the ROC-AUC of the unit's weakest score telling `error` from `ok`
units (fast and judge), and how many units of each label the shipped bar for passes (`judge_passes` in
service/fidelity/model/judged.json) flags. Runs on the configured LLM; writes bench/results/rewrite_audit.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.app import Newsdesk
from service.evals.metrics import roc_auc
from service.fidelity.decision import fitted_decisions
from service.settings import load_settings

LABELS = ("error", "minor", "ok")


def read_units(desk: Newsdesk, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fast = desk.checker_judging("off")
    out = []
    for row in rows:
        report = fast.check(row["source"], row["rewrite"], kind="rewrite")
        claims = [c.text for c in report.claims]
        yes = desk.claim_judge.probabilities(row["source"], claims)
        out.append({"label": row["label"], "fast": [c.score for c in report.claims], "judge": yes})
        print(f"{len(out)}/{len(rows)} {row['label']:5s} judge {[round(p, 2) for p in yes]}", flush=True)
    return out


def figures(units: list[dict[str, Any]], bar: float) -> dict[str, Any]:
    by = {label: [u for u in units if u["label"] == label] for label in LABELS}
    result: dict[str, Any] = {label: len(by[label]) for label in LABELS}
    for signal in ("fast", "judge"):
        pairs = [(min(u[signal], default=1.0), label == "ok") for label in ("ok", "error") for u in by[label]]
        result[f"auc_{signal}"] = round(roc_auc([s for s, _ in pairs], [ok for _, ok in pairs]), 3)
    for label in LABELS:
        result[f"flagged_{label}"] = sum(any(p < bar for p in u["judge"]) for u in by[label])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    bar = fitted_decisions().kinds["rewrite"].judge_passes or 0.0
    desk = Newsdesk(load_settings())
    results = {}
    try:
        for path in args.files:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            results[path.name] = figures(read_units(desk, rows), bar)
    finally:
        desk.local_server.stop()
    print(f"bar for passes: P(yes) {bar}")
    for name, m in results.items():
        print(f"{name}: " + " ".join(f"{k} {v}" for k, v in m.items()))
    print(f"written to {write_result('rewrite_audit', {'bar': bar, 'sets': results})}")


if __name__ == "__main__":
    main()
