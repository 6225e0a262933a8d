"""Fit the fidelity decision with the language model in it (service/fidelity/model/judged.json), on
development data only, and measure it on held-apart data.

    .venv/bin/python bench/fit_judged.py [--dry-run]        # fit on FRANK valid, measure on test
    .venv/bin/python bench/fit_judged.py --band-only        # keep the shipped weights and threshold, refit the band
    .venv/bin/python bench/fit_judged.py --reads whole      # on the article-whole readings (default: as shipped)

Needs the judge's P(yes) per claim for the current judge prompt (bench/judge_claims.py, kept in
evals/datasets/judged/) and the fast signals per claim (bench/fit_fidelity.py's caches in data/, made here if
missing). Steps, each printed:

1. ``article`` (FRANK `valid`): a logistic regression on each summary's worst signals, the judge's logit among
   them (each (dataset, label) group weighted equally, as bench/fit_fidelity.py does); the threshold
   maximises mean balanced accuracy; each override rule of the shipped calibration is kept only if dropping
   it costs at least half a point; then the cascade's band: the fewest judged claims with each dataset's
   balanced accuracy within 0.01 of judging every claim.
2. ``rewrite``: fitted on claims of the model's own rewrites by bench/fit_rewrite.py, kept here as shipped.
3. ``answer``: fitted on labelled answer sentences by bench/fit_answer.py, kept here as shipped.
4. Held apart, never tuned on: FRANK `test` (the judged article sample) and the 14 held-apart editors'
   rewrites, for every mode (off, auto, always), with the share of claims judged.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.band import choose_band
from bench.common import write_result
from bench.fit_fidelity import SIGNALS, contradicted, fit, measure
from bench.judge_claims import cache_path, read_judged
from bench.judged_data import FAST, Claims, claim_decision, judge_cost, rewrite_set, text_figures, with_judge
from service.evals.frank import article_sample, load_frank
from service.evals.metrics import balanced_accuracy
from service.fidelity.calibration import Calibration
from service.fidelity.claim_judge import WINDOW_WORDS
from service.fidelity.decision import JUDGED, JudgedDecisions, KindDecision, fitted_decisions
from service.fidelity.verifier import MODEL_PATH
from service.settings import load_settings

MARGIN = 0.01  # the cascade may cost at most this much balanced accuracy against judging every claim


def best_threshold(texts: list[Claims], labels: list[bool], groups: list[str], decision: KindDecision
                   ) -> KindDecision:  # fmt: skip
    options = [dataclasses.replace(decision, calibration=dataclasses.replace(decision.calibration, threshold=t))
               for t in np.round(np.linspace(0.02, 0.98, 97), 2)]  # fmt: skip
    return max(options, key=lambda d: text_figures(texts, labels, groups, d, "always")["mean"])


RESULTS: dict[str, Any] = {}


def cross_validated(rows: list[Any], texts: list[Claims], labels: list[bool], groups: list[str],
                    names: tuple[str, ...], rules: frozenset[str], folds: int = 5) -> float:  # fmt: skip
    """Mean balanced accuracy of fitting ``names`` (weights and threshold) on four fifths of `valid` and
    deciding the rest, folds made by article: how the candidates are compared, so that the one with more
    weights does not win by fitting the same summaries it is scored on."""
    fold = [int(hashlib.sha256(r.id.split(":")[0].encode()).hexdigest(), 16) % folds for r in rows]
    supported = [False] * len(rows)
    for k in range(folds):
        train = [i for i in range(len(rows)) if fold[i] != k]
        base = fit([rows[i] for i in train], [texts[i] for i in train], names)
        cal = Calibration(base.weights, base.bias, 0.5, rules, FAST.veto, FAST.veto_negated)
        sub = ([texts[i] for i in train], [labels[i] for i in train], [groups[i] for i in train])
        decision = best_threshold(*sub, KindDecision(cal))
        for i in range(len(rows)):
            if fold[i] == k:
                supported[i] = all(claim_decision(c, decision, "always")[1] for c in texts[i])
    balanced = []
    for g in sorted(set(groups)):
        idx = [i for i, x in enumerate(groups) if x == g]
        balanced.append(balanced_accuracy([supported[i] for i in idx], [labels[i] for i in idx]))
    return sum(balanced) / len(balanced)


def show(label: str, m: dict[str, Any]) -> None:
    RESULTS[label] = m
    print(f"{label:52s} " + " ".join(f"{k} {v}" for k, v in m.items()), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("data"), help="where the fast signal caches are")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--reads", choices=["whole", "window"],
                    help="the judge's readings to fit on: the article whole, or each claim's window "
                         "(default: as the shipped article decision reads)")  # fmt: skip
    ap.add_argument("--band-only", action="store_true",
                    help="keep the shipped article weights and threshold; refit only the cascade's band")  # fmt: skip
    ap.add_argument(
        "--band-rule",
        choices=["point", "bootstrap"],
        default="point",
        help="the band's margin on valid as measured, or in 90%% of bootstrap resamples (bench/band.py)",
    )
    ap.add_argument(
        "--test-articles",
        default="",
        help="FROM:TO: measure FRANK test only on these articles of the judged sample (ranks per dataset)",
    )
    args = ap.parse_args()
    args.reads = args.reads or ("window" if fitted_decisions().kinds["article"].window_words else "whole")
    settings = load_settings()
    rows = load_frank(settings.datasets_dir, split="valid")
    fast = measure(rows, MODEL_PATH, args.data / "fit-fidelity-valid.json")
    contradicted(fast, FAST)
    judged = {r["id"]: r for r in read_judged(cache_path("frank-valid", args.reads))}
    keep = [i for i, r in enumerate(rows) if r.id in judged]
    print(f"FRANK valid: {len(keep)} of {len(rows)} summaries judged ({args.reads})")
    ids = [rows[i].id for i in keep]
    texts = with_judge([fast[i] for i in keep], judged, ids)
    labels = [rows[i].consistent for i in keep]
    groups = [rows[i].dataset for i in keep]
    articles = [rows[i].id.split(":")[0] for i in keep]
    baseline = KindDecision(dataclasses.replace(FAST, weights={**FAST.weights, "judge": 0.0}))
    show("fast checker (shipped calibration)", text_figures(texts, labels, groups, baseline, "off"))
    shipped = fitted_decisions().kinds
    for mode in ("auto", "always"):
        show(f"shipped article decision, {mode}", text_figures(texts, labels, groups, shipped["article"], mode))
    if args.band_only:
        article = choose_band(texts, labels, groups, articles, shipped["article"], MARGIN, args.band_rule)
    else:
        article = choose_article([rows[i] for i in keep], texts, labels, groups, articles, args.band_rule)
    # the swap contrast is read live (bench/swap_contrast.py), not replayed here: a refit keeps its margin
    window = WINDOW_WORDS if args.reads == "window" else 0
    article = dataclasses.replace(article, window_words=window, judge_swaps=shipped["article"].judge_swaps)
    show(f"CHOSEN article, cascade band {article.band}", text_figures(texts, labels, groups, article, "auto"))

    # the answer and rewrite kinds are fitted on their own data (bench/fit_answer.py, bench/fit_rewrite.py)
    decisions = JudgedDecisions({"article": article, "answer": shipped["answer"], "rewrite": shipped["rewrite"]})
    ranks = tuple(int(x) for x in args.test_articles.split(":")) if args.test_articles else None
    held_apart(args.data, settings, decisions, args.reads, shipped["article"], ranks)
    cost = judge_cost(args.reads)
    print("judge cost per call (s):", json.dumps(cost))
    if not args.dry_run:
        JUDGED.write_text(decisions.to_json() + "\n", encoding="utf-8")
        print(f"wrote {JUDGED}")
        write_result(
            "fit_judged", {"figures": RESULTS, "judge_cost": cost, "decisions": json.loads(decisions.to_json())}
        )


def choose_article(frank_rows: list[Any], texts: list[Claims], labels: list[bool], groups: list[str],
                   articles: list[str], band_rule: str = "point") -> KindDecision:  # fmt: skip
    """The weights chosen by cross-validation among four candidate sets, their threshold, the override rules
    that pay, then the cascade's band."""
    rules = frozenset(r for r in FAST.rules)
    control = fit(frank_rows, texts, SIGNALS)  # the same refit without the judge: what it adds
    control_cal = Calibration(control.weights, control.bias, 0.5, rules, FAST.veto, FAST.veto_negated)
    show("refit without the judge (control)",
         text_figures(texts, labels, groups, best_threshold(texts, labels, groups, KindDecision(control_cal)),
                      "always"))  # fmt: skip
    candidates = []
    for names in (("judge",), ("fast", "judge"), ("verifier", "judge"), (*SIGNALS, "judge")):
        cv = cross_validated(frank_rows, texts, labels, groups, names, rules)
        base = fit(frank_rows, texts, names)
        cal = Calibration(base.weights, base.bias, 0.5, rules, FAST.veto, FAST.veto_negated)
        decision = best_threshold(texts, labels, groups, KindDecision(cal))
        for rule in sorted(rules):  # a rule stays only where it pays half a point
            without = dataclasses.replace(decision.calibration, rules=decision.calibration.rules - {rule})
            trial = best_threshold(texts, labels, groups, KindDecision(without))
            if (text_figures(texts, labels, groups, trial, "always")["mean"]
                    > text_figures(texts, labels, groups, decision, "always")["mean"] - 0.005):  # fmt: skip
                decision = trial
        m = text_figures(texts, labels, groups, decision, "always")
        show(f"judge every claim: {'+'.join(names)} rules={sorted(decision.calibration.rules)}", m)
        print(f"{'':52s} 5-fold cross-validated on valid (by article): mean {cv:.4f}")
        candidates.append((cv, -len(names), decision))
    article = max(candidates, key=lambda c: (c[0], c[1]))[2]
    return choose_band(texts, labels, groups, articles, article, MARGIN, band_rule)


def held_apart(data: Path, settings: Any, decisions: JudgedDecisions, reads: str = "whole",
               shipped: KindDecision | None = None, ranks: tuple[int, ...] | None = None) -> None:  # fmt: skip
    """Measured, never tuned on: FRANK `test`'s judged sample (``ranks``: only its articles FROM:TO per
    dataset, in article_sample's order) and the held-apart editors' rewrites."""
    judged = {r["id"]: r for r in read_judged(cache_path("frank-test", reads))}
    if judged:
        rows = load_frank(settings.datasets_dir, split="test")
        if ranks:
            inside = {r.id for r in article_sample(rows, ranks[1])} - {r.id for r in article_sample(rows, ranks[0])}
            judged = {k: v for k, v in judged.items() if k in inside}
        fast = measure(rows, MODEL_PATH, data / "fit-fidelity-test.json")
        contradicted(fast, FAST)
        keep = [i for i, r in enumerate(rows) if r.id in judged]
        texts = with_judge([fast[i] for i in keep], judged, [rows[i].id for i in keep])
        labels = [rows[i].consistent for i in keep]
        groups = [rows[i].dataset for i in keep]
        for mode in ("off", "auto", "always"):
            show(f"HELD APART FRANK test ({len(keep)} summaries), {mode}",
                 text_figures(texts, labels, groups, decisions.kinds["article"], mode))  # fmt: skip
        for mode in ("auto", "always") if shipped else ():
            show(f"HELD APART FRANK test, shipped article decision, {mode}",
                 text_figures(texts, labels, groups, shipped, mode))  # fmt: skip
    if read_judged(cache_path("rewrite-held-apart")):
        texts, labels = rewrite_set(data, "rewrite-held-apart")
        for mode in ("off", "auto", "always"):
            for kind in ("rewrite", "article"):
                decided = [claim_decision(t[0], decisions.kinds[kind], mode) for t in texts]
                flagged = sum(not ok for _, ok, _ in decided) / len(decided)  # every claim is supported
                judged = sum(j for _, _, j in decided) / len(decided)
                show(f"HELD APART editors' rewrites ({len(texts)} claims), {kind} decision, {mode}",
                     {"flagged": round(flagged, 3), "judged_share": round(judged, 3)})  # fmt: skip


if __name__ == "__main__":
    main()
