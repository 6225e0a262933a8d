"""Negation flips in rewritten sentences, on OneStopEnglish articles that no suite uses: what sending a claim
whose negation clashes with its evidence to the judge (``judge_negations``) catches and costs.

    .venv/bin/python bench/negation_pairs.py [--planted 40] [--faithful 300]

Optional work: reads ../shared/datasets/onestopenglish (the 99 `train` articles of training/splits.py, never
the 30 the suites use or hold apart), through training/pairs.py's pairs: each sentence's window of the advanced
text as the source, and as claims (a) the first ``--planted`` sentences with a negation added or removed
(advanced sentences and the editors' elementary ones), (b) the first ``--faithful`` editors' elementary
sentences aligned to their window (faithful). Each claim is checked as a rewrite is (``kind="rewrite"``, the
language model confirming failures), under the shipped rewrite decision with ``judge_negations`` off and
on. Prints, per setting, the planted flips caught, the faithful sentences flagged and the judge calls; writes
bench/results/negation_pairs.json. The verifier was trained on pairs of these articles (not on these
planted flips' verdicts by this decision), so its fast verdicts here are, if anything, kinder than on new text.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.app import Newsdesk
from service.fidelity.decision import JudgedDecisions, fitted_decisions
from service.fidelity.judge_stage import JudgeStage
from service.settings import load_settings
from training.pairs import ose_pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--planted", type=int, default=40)
    ap.add_argument("--faithful", type=int, default=300)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    args = ap.parse_args()
    path = args.shared / "onestopenglish" / "onestopenglish-dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} not found: this measurement needs ../shared (optional work)")
    pairs = list(ose_pairs(path))
    planted = [p for p in pairs if p.source.endswith("-negation")][: args.planted]
    faithful = [p for p in pairs if p.source == "ose-elementary"][: args.faithful]
    desk = Newsdesk(load_settings())
    fast = desk.checker_judging("off")
    shipped = fitted_decisions()
    stages = {}
    for flag in (False, True):
        rewrite = dataclasses.replace(shipped.kinds["rewrite"], judge_negations=flag)
        stages[str(flag)] = JudgeStage(desk.claim_judge, JudgedDecisions({**shipped.kinds, "rewrite": rewrite}), "auto")
    figures: dict[str, Any] = {"planted": len(planted), "faithful": len(faithful)}
    for name, items, label in (("planted", planted, False), ("faithful", faithful, True)):
        reports = [(p, fast.check(p.premise, p.claim, kind="rewrite")) for p in items]
        figures[f"{name}_fast_supported"] = sum(r.supported for _, r in reports)
        for flag, stage in stages.items():
            judged = [(stage.apply(r, p.premise, "rewrite"), r) for p, r in reports]
            key = f"{name}_judge_negations_{flag.lower()}"
            figures[key] = {
                "supported": sum(j.supported for j, _ in judged),
                "judge_calls": sum(j.judged for j, _ in judged),
                "changed": [p.claim for (j, r), p in zip(judged, items, strict=True) if j.supported != r.supported],
            }
        wrong = sum(r.supported != label for _, r in reports)
        print(f"{name}: {len(items)} claims, the fast checker wrong on {wrong}", flush=True)
        for flag in stages:
            f = figures[f"{name}_judge_negations_{flag.lower()}"]
            print(f"  judge_negations={flag}: supported {f['supported']}, judge calls {f['judge_calls']}", flush=True)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()
    write_result("negation_pairs", figures)


if __name__ == "__main__":
    main()
