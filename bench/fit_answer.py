"""Fit the ``answer`` kind of the fidelity decision on labelled answer sentences of the `qa` suite, and measure it
on those of `qa-held-apart`, which no fit or rule has seen.

    .venv/bin/python bench/fit_answer.py [--dry-run]

Data: evals/datasets/judged/answers-{qa,qa-held-apart}.jsonl (bench/answer_claims.py, then labelled by hand:
docs/fidelity.md). Each row is one answer sentence with the passages it was checked against, its fast verdict
and features, and the judge's P(yes) (``judge``; ``judge_in_context``: the same for a short answer asked with
its question, "In which year was the constitution adopted: 2009.").

The combination keeps the weights of the shipped `answer` entry (the judge and the fast score, from the
article decision fitted on the judge's first prompt: a few dozen labelled sentences cannot fit weights
reliably); fitted on `qa` alone: which judge reading is used, the threshold (the best balanced accuracy,
judging every claim) and the cascade's band (the fewest judged claims within 0.01 of judging them all).
Each choice is printed with its figures; the held-apart figures are printed for every mode, never fitted on.
Writes the ``answer`` entry of service/fidelity/model/judged.json (the other kinds are left as they are).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.evals.metrics import balanced_accuracy, roc_auc
from service.fidelity.claim_judge import logit
from service.fidelity.decision import JUDGED, JudgedDecisions, KindDecision, fitted_decisions

DATA = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "judged"
MARGIN = 0.01
READINGS = ("judge_turn", "judge", "judge_in_context")
CHEAPER_BY = 0.02  # balanced accuracy a reading that reads the passages afresh must add over the cached one
Row = dict[str, Any]


def load(name: str) -> list[Row]:
    rows = [json.loads(line) for line in (DATA / f"answers-{name}.jsonl").read_text().splitlines() if line.strip()]
    unlabelled = [r["id"] for r in rows if not r.get("refused") and r.get("label") is None]
    if unlabelled:
        raise SystemExit(f"answers-{name}: unlabelled sentences {unlabelled[:5]}")
    return [r for r in rows if not r.get("refused")]


def decide(row: Row, decision: KindDecision, mode: str, reading: str) -> tuple[float, bool, bool]:
    """(score, supported, judged) of one answer sentence, as JudgeStage decides it."""
    fast, features = row["fast_score"], row["features"]
    unsure = decision.unsure(fast, bool(row["fast_supported"]))
    if mode == "off" or decision.ruled_out_features(features) or not (mode == "always" or unsure):
        return fast, bool(row["fast_supported"]), False
    yes = row[reading]
    score = decision.calibration.score({**features, "fast": logit(fast), "judge": logit(yes)})
    return score, score >= decision.calibration.threshold, True


def figures(rows: list[Row], decision: KindDecision, mode: str, reading: str) -> dict[str, float]:
    decided = [decide(r, decision, mode, reading) for r in rows]
    labels = [bool(r["label"]) for r in rows]
    supported = [ok for _, ok, _ in decided]
    natural = [i for i, r in enumerate(rows) if not r.get("planted")]
    return {
        "balanced_accuracy": round(balanced_accuracy(supported, labels), 3),
        "auc": round(roc_auc([s for s, _, _ in decided], labels), 3),
        "true_flagged": round(_share(supported, labels, natural, True, False), 3),  # faithful answers marked
        "errors_passed": round(_share(supported, labels, range(len(rows)), False, True), 3),
        "judged_share": round(sum(j for _, _, j in decided) / len(decided), 3),
    }


def _share(supported: list[bool], labels: list[bool], idx: Any, label: bool, verdict: bool) -> float:
    chosen = [i for i in idx if labels[i] == label]
    return sum(supported[i] == verdict for i in chosen) / len(chosen) if chosen else float("nan")


def best_threshold(rows: list[Row], decision: KindDecision, reading: str) -> KindDecision:
    options = [dataclasses.replace(decision, calibration=dataclasses.replace(decision.calibration, threshold=t))
               for t in np.round(np.linspace(0.02, 0.98, 97), 2)]  # fmt: skip
    # the best balanced accuracy; on a tie the threshold nearest the middle of the tied run
    scored = [(figures(rows, d, "always", reading)["balanced_accuracy"], d) for d in options]
    top = max(s for s, _ in scored)
    tied = [d for s, d in scored if s == top]
    return tied[len(tied) // 2]


def best_band(rows: list[Row], decision: KindDecision, reading: str) -> KindDecision:
    target = figures(rows, decision, "always", reading)["balanced_accuracy"] - MARGIN
    best, share = dataclasses.replace(decision, band=(0.0, 1.0)), 1.0
    for low, high in itertools.combinations_with_replacement(np.round(np.linspace(0.0, 1.0, 21), 2), 2):
        candidate = dataclasses.replace(decision, band=(float(low), float(high)))
        m = figures(rows, candidate, "auto", reading)
        if m["balanced_accuracy"] >= target and m["judged_share"] < share:
            best, share = candidate, m["judged_share"]
    return best


RESULTS: dict[str, Any] = {}


def show(label: str, m: dict[str, Any]) -> None:
    RESULTS[label] = m
    print(f"{label:58s} " + " ".join(f"{k} {v}" for k, v in m.items()), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    decisions = fitted_decisions()
    article = decisions.kinds["answer"]  # its weights; its threshold and band are refitted below
    dev = load("qa")
    held = load("qa-held-apart") if (DATA / "answers-qa-held-apart.jsonl").is_file() else []

    def counts(rows: list[Row]) -> str:
        return (f"{len(rows)} sentences ({sum(not r['label'] for r in rows)} unsupported, "
                f"{sum(bool(r.get('planted')) for r in rows)} of them planted)")  # fmt: skip

    print(f"qa: {counts(dev)}; held apart: {counts(held)}")
    show("qa, fast checker", figures(dev, article, "off", "judge"))
    show("qa, the article decision as it is (auto)", figures(dev, article, "auto", "judge_turn"))
    fits: dict[str, tuple[float, KindDecision]] = {}
    for reading in READINGS:
        if any(reading not in r for r in dev):
            print(f"qa, {reading}: not measured on every sentence, left out")
            continue
        alone = roc_auc([r[reading] for r in dev], [bool(r["label"]) for r in dev])
        fitted = best_threshold(dev, article, reading)
        m = figures(dev, fitted, "always", reading)
        show(f"qa, {reading} (alone AUC {alone:.3f}), judge every claim, t={fitted.calibration.threshold}", m)
        fits[reading] = (m["balanced_accuracy"], fitted)
    # the reading the conversation has cached costs a few tokens; another must beat it by more than CHEAPER_BY
    best = max(fits, key=lambda k: fits[k][0])
    reading = "judge_turn" if fits[best][0] - fits.get("judge_turn", (-1.0, article))[0] <= CHEAPER_BY else best
    answer = fits[reading][1]
    answer = best_band(dev, answer, reading)
    show(f"CHOSEN qa, {reading}, band {answer.band}", figures(dev, answer, "auto", reading))
    for mode in ("off", "auto", "always") if held else ():
        show(f"HELD APART qa-held-apart, {mode}", figures(held, answer, mode, reading))
    if not args.dry_run:
        kinds = {**decisions.kinds, "answer": answer}
        JUDGED.write_text(JudgedDecisions(kinds).to_json() + "\n", encoding="utf-8")
        print(f"wrote the answer decision to {JUDGED} (judge reading: {reading})")
        write_result("fit_answer", {"figures": RESULTS, "reading": reading, "answer": json.loads(
            JudgedDecisions({"answer": answer}).to_json())})  # fmt: skip


if __name__ == "__main__":
    main()
