"""Fit the fidelity decision with the language model in it (service/fidelity/model/judged.json), on
development data only, and measure it on held-apart data.

    .venv/bin/python bench/fit_judged.py [--dry-run]        # fit on FRANK valid + rewrite dev, measure on test

Needs the judge's P(yes) per claim (bench/judge_claims.py, cached in data/) and the fast signals per claim
(bench/fit_fidelity.py's caches, made here if missing). Steps, each printed:

1. ``article`` (FRANK `valid`): a logistic regression on each summary's worst signals, the judge's logit among
   them (each (dataset, label) group weighted equally, as bench/fit_fidelity.py does); the threshold
   maximises mean balanced accuracy; each override rule of the shipped calibration is kept only if dropping
   it costs at least half a point; then the cascade's band: the fewest judged claims whose mean balanced
   accuracy stays within 0.01 of judging every claim.
2. ``rewrite`` (the `rewrite` suite's editors' rewrites, every claim supported, and `fidelity-synthetic`'s
   faithful and corrupted texts): the article weights, its own threshold and band by the same rules,
   balanced accuracy over claims (editors' and faithful supported, corrupted not).
3. ``answer``: no labelled answer sentences are judged yet: the article decision is used.
4. Held apart, never tuned on: FRANK `test` (the judged article sample) and the 14 held-apart editors'
   rewrites, for every mode (off, auto, always), with the share of claims judged.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary, write_result
from bench.fit_fidelity import ALL_RULES, SIGNALS, contradicted, fit, measure
from bench.judge_claims import read_judged
from service.embeddings.minilm import MiniLMEmbedder
from service.evals.frank import load_frank
from service.evals.metrics import balanced_accuracy, roc_auc
from service.fidelity.calibration import Calibration, fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import logit
from service.fidelity.decision import JUDGED, JudgedDecisions, KindDecision
from service.fidelity.verifier import MODEL_PATH, CrossEncoderVerifier
from service.settings import load_settings

Claims = list[dict[str, float]]
FAST = fitted()
MARGIN = 0.01  # the cascade may cost at most this much balanced accuracy against judging every claim


def claim_decision(f: dict[str, float], decision: KindDecision, mode: str) -> tuple[float, bool, bool]:
    """(score, supported, judged) of one claim, as JudgeStage decides it (rules of the judged decision are a
    subset of the fast calibration's, so a claim they fail has already failed)."""
    fast = FAST.score(f)
    fast_ok = fast >= FAST.threshold and not any(f.get(f"rule_{r}", 0.0) > 0 for r in FAST.rules)
    if mode == "off" or decision.ruled_out_features(f) or not (mode == "always" or decision.unsure(fast)):
        return fast, fast_ok, False
    cal = decision.calibration
    score = cal.score(f)
    return score, score >= cal.threshold, True


def text_figures(texts: list[Claims], labels: list[bool], groups: list[str], decision: KindDecision, mode: str
                 ) -> dict[str, Any]:  # fmt: skip
    """Per group: balanced accuracy and AUC of the text-level decision (a text is supported when every claim
    is), and the share of claims judged."""
    decided = [[claim_decision(c, decision, mode) for c in t] for t in texts]
    scores = [min((s for s, _, _ in d), default=1.0) for d in decided]
    supported = [all(ok for _, ok, _ in d) for d in decided]
    judged = sum(j for d in decided for _, _, j in d) / max(1, sum(len(d) for d in decided))
    out: dict[str, Any] = {"judged_share": round(judged, 3)}
    for g in sorted(set(groups)):
        idx = [i for i, x in enumerate(groups) if x == g]
        y = [labels[i] for i in idx]
        out[g] = round(balanced_accuracy([supported[i] for i in idx], y), 3)
        if len(set(y)) > 1:
            out[f"auc_{g}"] = round(roc_auc([scores[i] for i in idx], y), 3)
    balanced = [v for k, v in out.items() if k in set(groups)]
    out["mean"] = round(sum(balanced) / len(balanced), 4)
    return out


def with_judge(claims: list[Claims], judged: dict[str, dict[str, Any]], ids: list[str]) -> list[Claims]:
    out = []
    for text_id, checked in zip(ids, claims, strict=True):
        yes = judged[text_id]["judge"]
        if len(yes) != len(checked):
            raise SystemExit(f"{text_id}: {len(yes)} judged claims against {len(checked)} checked")
        out.append([{**c, "fast": logit(FAST.score(c)), "judge": logit(p)} for c, p in zip(checked, yes, strict=True)])
    return out


def best_threshold(texts: list[Claims], labels: list[bool], groups: list[str], decision: KindDecision
                   ) -> KindDecision:  # fmt: skip
    options = [dataclasses.replace(decision, calibration=dataclasses.replace(decision.calibration, threshold=t))
               for t in np.round(np.linspace(0.02, 0.98, 97), 2)]  # fmt: skip
    return max(options, key=lambda d: text_figures(texts, labels, groups, d, "always")["mean"])


def best_band(texts: list[Claims], labels: list[bool], groups: list[str], decision: KindDecision) -> KindDecision:
    """The band that judges the fewest claims while staying within MARGIN of judging them all."""
    target = text_figures(texts, labels, groups, decision, "always")["mean"] - MARGIN
    grid = np.round(np.linspace(0.0, 1.0, 21), 2)
    best = dataclasses.replace(decision, band=(0.0, 1.0))
    share = 1.0
    for low, high in itertools.combinations_with_replacement(grid, 2):
        candidate = dataclasses.replace(decision, band=(float(low), float(high)))
        m = text_figures(texts, labels, groups, candidate, "auto")
        if m["mean"] >= target and m["judged_share"] < share:
            best, share = candidate, m["judged_share"]
    return best


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


def judge_cost(data: Path) -> dict[str, Any]:
    """Seconds per judge call on FRANK, from the judge caches: the first claim of an article (the article is
    read) and every further claim of it (the article is the cached prefix). Each shard file is one server."""
    first: list[float] = []
    further: list[float] = []
    for split in ("valid", "test"):
        base = data / f"judge-frank-{split}-whole.jsonl"
        for path in [base, *sorted(data.glob(f"{base.stem}.shard*.jsonl"))]:
            previous = None
            for line in path.read_text().splitlines() if path.is_file() else []:
                record = json.loads(line)
                article = record["id"].split(":")[0]
                seconds = record["seconds"]
                if article != previous and seconds:
                    first.append(seconds[0])
                    seconds = seconds[1:]
                further += seconds
                previous = article
    return {
        "first_claim_s": summary(first) if first else None,
        "further_claim_s": summary(further) if further else None,
        "calls": len(first) + len(further),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("data"), help="where the judge and signal caches are")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    settings = load_settings()
    rows = load_frank(settings.datasets_dir, split="valid")
    fast = measure(rows, MODEL_PATH, args.data / "fit-fidelity-valid.json")
    contradicted(fast, FAST)
    judged = {r["id"]: r for r in read_judged(args.data / "judge-frank-valid-whole.jsonl")}
    keep = [i for i, r in enumerate(rows) if r.id in judged]
    print(f"FRANK valid: {len(keep)} of {len(rows)} summaries judged")
    ids = [rows[i].id for i in keep]
    texts = with_judge([fast[i] for i in keep], judged, ids)
    labels = [rows[i].consistent for i in keep]
    groups = [rows[i].dataset for i in keep]
    baseline = KindDecision(dataclasses.replace(FAST, weights={**FAST.weights, "judge": 0.0}))
    show("fast checker (shipped calibration)", text_figures(texts, labels, groups, baseline, "off"))
    rules = frozenset(r for r in FAST.rules)
    control = fit([rows[i] for i in keep], texts, SIGNALS)  # the same refit without the judge: what it adds
    control_cal = Calibration(control.weights, control.bias, 0.5, rules, FAST.veto, FAST.veto_negated)
    show("refit without the judge (control)",
         text_figures(texts, labels, groups, best_threshold(texts, labels, groups, KindDecision(control_cal)),
                      "always"))  # fmt: skip
    candidates = []
    frank_rows = [rows[i] for i in keep]
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
    article = best_band(texts, labels, groups, article)
    show(f"CHOSEN article, cascade band {article.band}", text_figures(texts, labels, groups, article, "auto"))

    rewrite_texts, rewrite_labels = rewrite_set(args.data, "rewrite-dev")
    rewrite = article
    if len(set(rewrite_labels)) > 1:
        groups = ["rewrite"] * len(rewrite_texts)
        rewrite = best_band(rewrite_texts, rewrite_labels, groups, best_threshold(rewrite_texts, rewrite_labels,
                                                                                  groups, article))  # fmt: skip
        show("rewrite dev, fast checker", text_figures(rewrite_texts, rewrite_labels, groups, rewrite, "off"))
        show("rewrite dev, judge every claim", text_figures(rewrite_texts, rewrite_labels, groups, rewrite, "always"))
        show(f"CHOSEN rewrite t={rewrite.calibration.threshold} band {rewrite.band}",
             text_figures(rewrite_texts, rewrite_labels, groups, rewrite, "auto"))  # fmt: skip
    else:
        print("rewrite dev: not judged yet, the article decision is used")
    decisions = JudgedDecisions({"article": article, "answer": article, "rewrite": rewrite})
    held_apart(args.data, settings, decisions)
    cost = judge_cost(args.data)
    print("judge cost per call (s):", json.dumps(cost))
    if not args.dry_run:
        JUDGED.write_text(decisions.to_json() + "\n", encoding="utf-8")
        print(f"wrote {JUDGED}")
        write_result(
            "fit_judged", {"figures": RESULTS, "judge_cost": cost, "decisions": json.loads(decisions.to_json())}
        )


def rewrite_set(data: Path, name: str) -> tuple[list[Claims], list[bool]]:
    """Claims of a rewrite set, each one text: the editors' claims (supported) and the synthetic texts."""
    judged = {r["id"]: r for r in read_judged(data / f"judge-{name}-whole.jsonl")}
    items = [t for t in texts_of(name) if t.id in judged]
    cache = data / f"fit-fidelity-{name}.json"
    known: dict[str, Claims] = json.loads(cache.read_text()) if cache.is_file() else {}
    missing = [t for t in items if t.id not in known]
    if missing:
        checker = FidelityChecker(MiniLMEmbedder(), CrossEncoderVerifier(MODEL_PATH, threads=2), ALL_RULES)
        known |= {t.id: [c.features for c in checker.check(t.source, t.text).claims] for t in missing}
        cache.write_text(json.dumps(known))
    fast = [known[t.id] for t in items]
    contradicted(fast, FAST)
    claims = with_judge(fast, judged, [t.id for t in items])
    out: list[Claims] = []
    labels: list[bool] = []
    for item, text in zip(items, claims, strict=True):
        if item.group == "editors":
            out += [[c] for c in text]
            labels += [True] * len(text)
        else:
            out.append(text)
            labels.append(item.consistent)
    return out, labels


def texts_of(name: str) -> list[Any]:
    from bench.judge_claims import texts

    return texts(name, load_settings(), None)


def held_apart(data: Path, settings: Any, decisions: JudgedDecisions) -> None:
    """Measured, never tuned on: FRANK `test`'s judged sample and the held-apart editors' rewrites."""
    judged = {r["id"]: r for r in read_judged(data / "judge-frank-test-whole.jsonl")}
    if judged:
        rows = load_frank(settings.datasets_dir, split="test")
        fast = measure(rows, MODEL_PATH, data / "fit-fidelity-test.json")
        contradicted(fast, FAST)
        keep = [i for i, r in enumerate(rows) if r.id in judged]
        texts = with_judge([fast[i] for i in keep], judged, [rows[i].id for i in keep])
        labels = [rows[i].consistent for i in keep]
        groups = [rows[i].dataset for i in keep]
        for mode in ("off", "auto", "always"):
            show(f"HELD APART FRANK test ({len(keep)} summaries), {mode}",
                 text_figures(texts, labels, groups, decisions.kinds["article"], mode))  # fmt: skip
    if read_judged(data / "judge-rewrite-held-apart-whole.jsonl"):
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
