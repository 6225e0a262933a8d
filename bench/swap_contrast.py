"""Twins: what judging a supported claim beside its swapped twin (``judge_swaps``, or its replacement twins,
``judge_replacements``; service/fidelity/swap_contrast.py) catches and costs.

    .venv/bin/python bench/swap_contrast.py read pairs               # fidelity-pairs (dev)
    .venv/bin/python bench/swap_contrast.py read ose                 # the rewrite suite's articles (dev)
    .venv/bin/python bench/swap_contrast.py read ose-held-apart      # the 14 articles no suite uses
    .venv/bin/python bench/swap_contrast.py read ose-held-apart --skip 60 --limit 40   # a fresh slice
    .venv/bin/python bench/swap_contrast.py read frank-valid --articles 8
    .venv/bin/python bench/swap_contrast.py read frank-test --articles 6     # (the figures in docs/fidelity.md)
    .venv/bin/python bench/swap_contrast.py read answers-qa          # labelled answer sentences (dev)
    .venv/bin/python bench/swap_contrast.py read answers-qa-held-apart
    .venv/bin/python bench/swap_contrast.py read answers-qa --on-evidence   # twins on the evidence sentences
    .venv/bin/python bench/swap_contrast.py fit [--margin M]         # figures per margin, from the readings

``read`` checks every text of a set with the shipped `article` decision (judge ``auto``) and, for each claim it
supports, the judge's reading of the claim and of its twins on its evidence sentences (``swap_gain``: the best
twin's log-odds over the claim's), one JSON line per text in evals/datasets/judged/swaps-<set>.jsonl
(committed: ``fit`` needs no model). Resumable. Sets: the `fidelity-pairs` suite (label: its own);
OneStopEnglish editors' elementary and intermediate sentences, against their whole `advanced` article, as
written (faithful) and with the first two names or numbers the article holds exchanged (planted), for the
suite's articles (dev) or the 14 held-apart ones; FRANK summaries (label: human). ``fit`` prints, for each
margin, the planted swaps and unfaithful texts caught and the faithful ones flagged, and balanced accuracy on
FRANK (``--margin``: that margin only), and the margin the rule in docs/fidelity.md takes from the dev sets
alone: the smallest step of 0.05 above the gain of every faithful dev text the decision supports.
The answer sets (docs/fidelity.md, "A name or number put in another's place"): the labelled answer
sentences of evals/datasets/judged/answers-*.jsonl checked with the shipped `answer` decision, and each one
it supports read beside its replacement twins (``replace_gain``) on its passages; ``fit`` prints their
figures and the margin their rule takes from answers-qa alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.rewrite_reference import held_apart_names, suite_names
from service.app import Newsdesk
from service.evals.corpus import load_onestopenglish
from service.evals.frank import article_sample, load_frank
from service.evals.metrics import balanced_accuracy
from service.fidelity.decision import JudgedDecisions, fitted_decisions
from service.fidelity.judge_stage import JudgeStage
from service.fidelity.swap_contrast import twins
from service.settings import load_settings
from service.text import sentences

DIR = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "judged"
DEV = ("pairs", "ose")
SETS = ("pairs", "ose", "ose-held-apart", "frank-valid", "frank-test", "answers-qa", "answers-qa-held-apart")
NEVER = 99.0  # a margin no twin reaches: the gain is read and recorded, no verdict changes


def texts(name: str, articles: int, limit: int, skip: int = 0) -> list[dict[str, Any]]:
    """{id, group, source, text, label} for every text of a set (OneStopEnglish: ``limit`` sentences, by a hash
    of their id, after the first ``skip``)."""
    settings = load_settings()
    if name == "pairs":
        rows = [json.loads(line) for line in (settings.evals_dir / "datasets" / "fidelity-pairs.jsonl").open()]
        return [
            {"id": r["id"], "group": r["kind"], "source": r["source"], "text": r["claim"], "label": r["supported"]}
            for r in rows
        ]
    if name.startswith("frank-"):
        rows = article_sample(load_frank(settings.datasets_dir, name.removeprefix("frank-")), articles)
        return [
            {"id": r.id, "group": r.dataset, "source": r.article, "text": r.summary, "label": r.consistent}
            for r in rows
        ]
    ose = load_onestopenglish(settings.datasets_dir)
    names = held_apart_names(ose) if name == "ose-held-apart" else suite_names()
    out = []
    for article_name in names:
        article = ose.get(article_name)
        if article is None:
            continue
        for level in ("elementary", "intermediate"):
            for n, sentence in enumerate(sentences(getattr(article, level))):
                found = twins(sentence.text, article.advanced)
                if not found:
                    continue
                key = f"{article_name}-{level[0]}{n}"
                out.append({"id": key, "group": "faithful", "source": article.advanced, "text": sentence.text,
                            "label": True})  # fmt: skip
                out.append({"id": key + "-swap", "group": "planted", "source": article.advanced,
                            "text": found[0][2], "label": False})  # fmt: skip
    keys = sorted({t["id"].removesuffix("-swap") for t in out}, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
    chosen = set(keys[skip : skip + limit])
    return [t for t in out if t["id"].removesuffix("-swap") in chosen]


def answers(name: str) -> list[dict[str, Any]]:
    """The labelled answer sentences of evals/datasets/judged/answers-<qa|qa-held-apart>.jsonl, as texts."""
    rows = [json.loads(line) for line in (DIR / f"{name}.jsonl").open() if line.strip()]
    return [
        {"id": r["id"], "group": "planted" if r.get("planted") else "answer", "sources": r["sources"],
         "question": r["question"], "text": r["claim"], "label": bool(r["label"])}
        for r in rows if not r.get("refused")
    ]  # fmt: skip


def read(name: str, articles: int, limit: int, skip: int = 0, on_evidence: bool = False) -> None:
    suffix = f"-from{skip}" if skip else "-evidence" if on_evidence and name.startswith("answers-") else ""
    path = DIR / f"swaps-{name}{suffix}.jsonl"
    done = {json.loads(line)["id"] for line in path.open()} if path.exists() else set()
    desk = Newsdesk(load_settings())
    shipped = fitted_decisions()
    kind = "answer" if name.startswith("answers-") else "article"
    # every twin read and recorded, none decides: the margins are fitted from the readings
    never = dataclasses.replace(shipped.kinds[kind], judge_swaps=NEVER)
    if kind == "answer":
        never = dataclasses.replace(never, judge_replacements=NEVER)
    stage = JudgeStage(desk.claim_judge, JudgedDecisions({**shipped.kinds, kind: never}), "auto")
    stage.twins_on_source = not on_evidence
    fast = desk.checker_judging("off")
    items = answers(name) if kind == "answer" else texts(name, articles, limit, skip)
    items = [t for t in items if t["id"] not in done]
    print(f"{name}: {len(items)} texts to read ({len(done)} done)", flush=True)
    with path.open("a", encoding="utf-8") as out:
        for n, item in enumerate(items):
            started = time.perf_counter()
            if kind == "answer":
                checked = fast.check_each(item["sources"], item["text"], question=item["question"])
                report = stage.apply(checked, "\n\n".join(item["sources"]), kind, item["question"])
            else:
                report = stage.apply(fast.check(item["source"], item["text"]), item["source"], kind)
            claims = [
                {"supported": c.supported, "gain": c.features.get("swap_gain"), "kind": c.kind}
                | ({"replace_gain": c.features.get("replace_gain")} if kind == "answer" else {})
                for c in report.claims
            ]
            row = {k: item[k] for k in ("id", "group", "label")} | {"claims": claims}
            row["seconds"] = round(time.perf_counter() - started, 2)
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(f"{n + 1}/{len(items)} {item['id']} {row['seconds']} s", flush=True)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


def supported(row: dict[str, Any], margin: float | None) -> bool:
    """The text's verdict with the contrast at ``margin`` (None: without it)."""
    return all(c["supported"] and (margin is None or c["gain"] is None or c["gain"] < margin) for c in row["claims"])


def figures(rows: list[dict[str, Any]], margin: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in sorted({r["group"] for r in rows}):
        chosen = [r for r in rows if r["group"] == group]
        right = [supported(r, margin) == r["label"] for r in chosen]
        out[group] = f"{sum(right)}/{len(chosen)} right"
    frank = [r for r in rows if r["group"] in ("cnndm", "bbc")]
    for group in ("cnndm", "bbc"):
        chosen = [r for r in frank if r["group"] == group]
        if chosen:
            out[f"ba_{group}"] = round(balanced_accuracy([supported(r, margin) for r in chosen],
                                                         [r["label"] for r in chosen]), 3)  # fmt: skip
    return out


def step_above(gains: list[float]) -> float:
    """The smallest step of 0.05 above every gain, and at least 0.05 (a twin that fails a claim reads better)."""
    top = round(max(gains, default=0.0), 2)  # the gains as printed, to two decimals
    return max(0.05, round((math.floor(top / 0.05 + 1e-9) + 1) * 0.05, 2))


def fit_answers(sets: dict[str, list[dict[str, Any]]], margin: float | None) -> None:
    """The `answer` kind: replacement twins (``replace_gain``), margin from answers-qa alone."""

    def passes(row: dict[str, Any], m: float | None) -> bool:
        return all(c["supported"] and (m is None or (c.get("replace_gain") or -99.0) < m) for c in row["claims"])

    dev = [r for r in sets.get("answers-qa", []) if r["label"] and passes(r, None)]
    chosen = step_above([c["replace_gain"] for r in dev for c in r["claims"] if c.get("replace_gain") is not None])
    print(f"answers: the smallest 0.05 step above every supported dev sentence's replacement gain: {chosen:.2f}")
    for name in ("answers-qa", "answers-qa-held-apart", "answers-qa-evidence", "answers-qa-held-apart-evidence"):
        rows = sets.get(name)
        if not rows:
            continue
        read = sum(c.get("replace_gain") is not None for r in rows for c in r["claims"])
        print(f"{name}: {len(rows)} sentences, {read} read beside a replacement twin")
        for m in dict.fromkeys([None, margin if margin is not None else chosen, 0.5, 1.0]):
            verdicts, labels = [passes(r, m) for r in rows], [r["label"] for r in rows]
            wrong = [r["id"] for r, v in zip(rows, verdicts, strict=True) if v != r["label"]]
            errors = [v for v, lab in zip(verdicts, labels, strict=True) if not lab]
            true = [v for v, lab in zip(verdicts, labels, strict=True) if lab]
            ba = balanced_accuracy(verdicts, labels)
            print(f"  margin {m}: errors passed {sum(errors)}/{len(errors)}, true flagged "
                  f"{len(true) - sum(true)}/{len(true)}, BA {ba:.3f}; wrong {wrong}")  # fmt: skip


def fit(margin: float | None) -> None:
    sets = {p.stem.removeprefix("swaps-"): [json.loads(line) for line in p.open()] for p in DIR.glob("swaps-*.jsonl")}
    fit_answers(sets, margin)
    sets = {name: rows for name, rows in sets.items() if not name.startswith("answers-")}
    for name, rows in sorted(sets.items()):
        tested = sum(c["gain"] is not None for r in rows for c in r["claims"])
        claims = sum(len(r["claims"]) for r in rows)
        print(f"{name}: {len(rows)} texts, {tested} of {claims} claims read beside a twin")
        for value in [None, *([margin] if margin is not None else [0.25, 0.5, 0.75, 1.0, 1.5])]:
            print(f"  margin {value}: {figures(rows, value)}")
    dev = [r for name in DEV for r in sets.get(name, []) if r["label"] and supported(r, None)]
    gains = [c["gain"] for r in dev for c in r["claims"] if c["gain"] is not None]
    chosen = step_above(gains)
    print(f"the smallest 0.05 step above every dev faithful text's gain ({len(dev)} texts, max "
          f"{max(gains, default=0.0):.2f}): {chosen:.2f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("read", "fit"))
    ap.add_argument("set", nargs="?", choices=SETS)
    ap.add_argument("--articles", type=int, default=12)
    ap.add_argument("--limit", type=int, default=60, help="OneStopEnglish sentences read (each two ways)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first SKIP sentences (a fresh slice)")
    ap.add_argument("--margin", type=float)
    ap.add_argument("--on-evidence", action="store_true", help="answers: twins on the evidence sentences")
    args = ap.parse_args()
    if args.action == "read":
        read(args.set, args.articles, args.limit, args.skip, args.on_evidence)
    else:
        fit(args.margin)


if __name__ == "__main__":
    main()
