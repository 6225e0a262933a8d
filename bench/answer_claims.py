"""Answer sentences to fit and measure the ``answer`` kind of the fidelity decision: the embedded model answers
each question of a Q&A suite as the product does (nothing withheld, so every draft is kept, and the judge asked
about every sentence), and each answer sentence is recorded with the passages it was checked against, its
fast verdict and features, and the judge's P(yes) with the passages joined as the source:

- ``judge_in_context``: a short answer joined to its question first (what the product does), its time
  included in ``check_s``, the answer's whole check after its last token;
- ``judge`` (``--readings``): the sentence as it stands.

The committed sets also hold ``judge_turn`` (and ``check_s`` is its cost): P(yes) asked as the next turn of the
conversation that produced the answer (its prefix cached from the generation, so nearly free), measured once
on 2026-12-02, when this script collected with it, with the follow-up
prompt "Check this sentence of your answer against the passages: {claim} / Do the passages state everything in
it (names, numbers, who did what)? Answer yes or no." (docs/fidelity.md: it ranks no better than chance).

    .venv/bin/python bench/answer_claims.py qa              # the suite the answer decision is fitted on
    .venv/bin/python bench/answer_claims.py qa-held-apart   # measured on, never fitted on
    .venv/bin/python bench/answer_claims.py qa --plant      # then: one planted error per answer sentence
    .venv/bin/python bench/answer_claims.py qa --readings   # then: the other reading, timed

``--plant`` adds, for each answer sentence that has one, a copy with one planted error (a number swapped for
another number of its passages of the same kind, or else a name of two or more words for another such name
of them), in the answer and in the sentence, checked and judged the same way: answers from a grounded model
are mostly right, and these give the fit errors of the kind a reader must never see passed (each is read by
hand before it is labelled; a swap that happens to stay true is labelled supported).

Writes data/answer-claims-<suite>.jsonl, one line per answer sentence (resumable by question id). The human
label of each sentence is added by hand to the copy committed under evals/datasets/judged/ (its README says
how). Long: run it niced.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.app import Newsdesk
from service.evals.corpus import eval_drafts
from service.fidelity.calibration import fitted
from service.fidelity.claims import in_context, without_citations
from service.fidelity.report import ClaimVerdict
from service.qa.answer import Turn
from service.qa.verify import seen_text
from service.settings import load_settings

COLLECTION = "bench-answer-claims"
FAST = fitted()
Row = dict[str, Any]


def fast_fields(verdict: ClaimVerdict) -> Row:
    """The fast verdict under a judged one: its score (kept as the ``fast`` logit), its decision, its signals."""
    features = {k: v for k, v in verdict.features.items() if k not in ("fast", "judge", "judge_yes")}
    score = 1 / (1 + math.exp(-verdict.features["fast"])) if "fast" in verdict.features else verdict.score
    ruled = any(features.get(f"rule_{rule}", 0.0) > 0 for rule in FAST.rules)
    return {"fast_score": round(score, 4), "fast_supported": score >= FAST.threshold and not ruled,
            "features": features}  # fmt: skip


def collect(desk: Newsdesk, rows: list[Row], out: Path) -> None:
    done = {json.loads(line)["question_id"] for line in out.read_text().splitlines()} if out.is_file() else set()
    with out.open("a", encoding="utf-8") as f:
        for n, row in enumerate(rows, start=1):
            if row["id"] in done:
                continue
            started = time.perf_counter()
            history: list[Turn] = []
            question = row["question"]
            if row["kind"] == "followup":
                history = [Turn(question, desk.qa.answer(question).text)]
                question = row["followup"]
            answer = desk.qa.answer(question, history=history)
            seen = [seen_text(c.passage) for c in answer.citations] or [seen_text(p) for p in answer.passages]
            claims = answer.fidelity.claims if answer.fidelity and not answer.refused else ()
            base = {"question_id": row["id"], "kind": row["kind"], "question": question, "answer": answer.text}
            for k, verdict in enumerate(claims):
                yes = verdict.features.get("judge_yes")
                record = {**base, "id": f"{row['id']}:{k}", "claim": without_citations(verdict.text),
                          "sources": seen, **fast_fields(verdict), "judge_in_context": yes,
                          "check_s": round(answer.timings.get("check_s", 0.0), 3), "label": None}  # fmt: skip
                f.write(json.dumps(record) + "\n")
            if not claims:  # a refusal: recorded so that the run resumes past it
                f.write(json.dumps({**base, "id": f"{row['id']}:-", "refused": True}) + "\n")
            f.flush()
            print(f"{n}/{len(rows)} {row['id']} {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)


_NUMBER = re.compile(r"[£$€]?\d+(?:[,.]\d+)*(?:bn|m|kg|km|%| million| billion)?")
_NAME = re.compile(r"\b[A-Z][a-z]+(?: (?:van der |de )?[A-Z][a-z]+)+")  # two or more capitalised words


def _shape(token: str) -> tuple[str, str, bool]:
    """A number's kind: its currency sign, its unit, and whether it is a year."""
    unit = re.sub(r"^[£$€]?[\d,.]+", "", token)
    return token[:1] if token[:1] in "£$€" else "", unit, bool(re.fullmatch(r"(19|20)\d\d", token))


def swap(claim: str, sources: list[str]) -> tuple[str, str] | None:
    """(found, other): a number of the claim and another number of its passages of the same kind (currency,
    unit, year), or else a name of two or more words and another such name of them; None if neither exists."""
    source = " ".join(sources)
    for found in _NUMBER.findall(claim):
        others = [x for x in dict.fromkeys(_NUMBER.findall(source)) if x not in claim and _shape(x) == _shape(found)]
        if found in source and others:
            return found, others[0]
    names = list(dict.fromkeys(_NAME.findall(source)))
    for found in _NAME.findall(claim):
        others = [x for x in names if x not in claim and found not in x and x not in found]
        if found in source and others:
            return found, others[0]
    return None


def plant_errors(desk: Newsdesk, out: Path) -> None:
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    done = {r["id"] for r in rows}
    checker, judge = desk.checker, desk.claim_judge
    with out.open("a", encoding="utf-8") as f:
        for row in rows:
            if row.get("refused") or row.get("planted") or f"{row['id']}:planted" in done:
                continue
            pair = swap(row["claim"], row["sources"])
            if pair is None:
                continue
            claim = row["claim"].replace(*pair, 1)
            verdict = checker.check_each(row["sources"], claim, judged=False).claims[0]
            yes = judge.probability("\n\n".join(row["sources"]), in_context(row["question"], claim))
            dropped = ("judge", "judge_turn", "conversation", "judge_s")
            record = {**{k: v for k, v in row.items() if k not in dropped}, "id": f"{row['id']}:planted",
                      "claim": claim, "planted": True, "answer": row["answer"].replace(*pair, 1),
                      **fast_fields(verdict), "judge_in_context": round(yes, 5), "check_s": None}  # fmt: skip
            f.write(json.dumps(record) + "\n")
            f.flush()
            print(f"{row['id']}: {claim}", file=sys.stderr, flush=True)


def other_readings(desk: Newsdesk, out: Path) -> None:
    """``judge`` and ``judge_in_context`` for every sentence that lacks them. Rewrites the file."""
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    judge = desk.claim_judge
    for row in rows:
        if row.get("refused") or ("judge" in row and row.get("judge_in_context") is not None):
            continue
        source = "\n\n".join(row["sources"])
        started = time.perf_counter()
        row["judge"] = round(judge.probability(source, row["claim"]), 5)
        row["judge_s"] = round(time.perf_counter() - started, 3)  # the passages read cold: a new prompt
        claim = in_context(row["question"], row["claim"])
        if row.get("judge_in_context") is None:
            row["judge_in_context"] = (
                row["judge"] if claim == row["claim"] else round(judge.probability(source, claim), 5)
            )
        print(f"{row['id']}: {row['judge']} {row['judge_in_context']}", file=sys.stderr, flush=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", choices=["qa", "qa-held-apart"])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--plant", action="store_true")
    ap.add_argument("--readings", action="store_true")
    args = ap.parse_args()
    settings = load_settings(fidelity_judge="always", qa_rules_off=["withhold"])
    desk = Newsdesk(settings).with_collection(COLLECTION)
    dataset = settings.datasets_dir / f"{args.suite}.jsonl"
    out = args.out or settings.data_dir / f"answer-claims-{args.suite}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.plant:
        plant_errors(desk, out)
    elif args.readings:
        other_readings(desk, out)
    else:
        rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
        keys = sorted({r["article"] for r in rows if r.get("article")})
        for draft in eval_drafts(keys, settings.datasets_dir, dataset.parent).values():
            desk.ingest.ingest_draft(draft)
        collect(desk, rows, out)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
