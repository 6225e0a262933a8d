"""The judged data sets of bench/fit_judged.py and the decision applied to them claim by claim, as
service/fidelity/judge_stage.py applies it: FRANK and rewrite texts with the fast signals per claim (cached
in the data folder) and the judge's logit (bench/judge_claims.py's caches), and the cost of the judge calls.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary
from bench.fit_fidelity import ALL_RULES, contradicted
from bench.judge_claims import cache_path, read_judged
from service.embeddings.minilm import MiniLMEmbedder
from service.evals.metrics import balanced_accuracy, roc_auc
from service.fidelity.calibration import fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import logit
from service.fidelity.decision import KindDecision
from service.fidelity.verifier import MODEL_PATH, CrossEncoderVerifier
from service.settings import load_settings

Claims = list[dict[str, float]]
FAST = fitted()


def claim_decision(f: dict[str, float], decision: KindDecision, mode: str) -> tuple[float, bool, bool]:
    """(score, supported, judged) of one claim, as JudgeStage decides it (rules of the judged decision are a
    subset of the fast calibration's, so a claim they fail has already failed)."""
    fast = FAST.score(f)
    fast_ok = fast >= FAST.threshold and not any(f.get(f"rule_{r}", 0.0) > 0 for r in FAST.rules)
    if not decision.sends(mode, fast, fast_ok, f):  # type: ignore[arg-type]
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


def judge_cost(reads: str = "whole") -> dict[str, Any]:
    """Seconds per judge call on FRANK, from the judge caches: the first claim of an article (the article, or
    the claim's window, is read) and every further claim of it (the article is the cached prefix; a window
    is cached only when the claim before picked the same one). Each shard file is one server."""
    first: list[float] = []
    further: list[float] = []
    for split in ("valid", "test"):
        base = cache_path(f"frank-{split}", reads)
        for path in [base, *sorted(base.parent.glob(f"{base.stem}.shard*.jsonl"))]:
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


def rewrite_set(data: Path, name: str) -> tuple[list[Claims], list[bool]]:
    """Claims of a rewrite set, each one text: the editors' claims (supported) and the synthetic texts."""
    judged = {r["id"]: r for r in read_judged(cache_path(name))}
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
