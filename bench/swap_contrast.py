"""Two names or numbers exchanged: what judging a supported claim beside its swapped twin (``judge_swaps``,
service/fidelity/swap_contrast.py) catches and costs, for the `article` kind of check.

    .venv/bin/python bench/swap_contrast.py read pairs               # fidelity-pairs (dev)
    .venv/bin/python bench/swap_contrast.py read ose                 # the rewrite suite's articles (dev)
    .venv/bin/python bench/swap_contrast.py read ose-held-apart      # the 14 articles no suite uses
    .venv/bin/python bench/swap_contrast.py read ose-held-apart --skip 60 --limit 40   # a fresh slice
    .venv/bin/python bench/swap_contrast.py read frank-valid --articles 8
    .venv/bin/python bench/swap_contrast.py read frank-test --articles 6     # (the figures in docs/fidelity.md)
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


def read(name: str, articles: int, limit: int, skip: int = 0) -> None:
    path = DIR / (f"swaps-{name}-from{skip}.jsonl" if skip else f"swaps-{name}.jsonl")
    done = {json.loads(line)["id"] for line in path.open()} if path.exists() else set()
    desk = Newsdesk(load_settings())
    shipped = fitted_decisions()
    article = dataclasses.replace(shipped.kinds["article"], judge_swaps=NEVER)
    stage = JudgeStage(desk.claim_judge, JudgedDecisions({**shipped.kinds, "article": article}), "auto")
    fast = desk.checker_judging("off")
    items = [t for t in texts(name, articles, limit, skip) if t["id"] not in done]
    print(f"{name}: {len(items)} texts to read ({len(done)} done)", flush=True)
    with path.open("a", encoding="utf-8") as out:
        for n, item in enumerate(items):
            started = time.perf_counter()
            report = stage.apply(fast.check(item["source"], item["text"]), item["source"], "article")
            claims = [
                {"supported": c.supported, "gain": c.features.get("swap_gain"), "kind": c.kind} for c in report.claims
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


def fit(margin: float | None) -> None:
    sets = {p.stem.removeprefix("swaps-"): [json.loads(line) for line in p.open()] for p in DIR.glob("swaps-*.jsonl")}
    for name, rows in sorted(sets.items()):
        tested = sum(c["gain"] is not None for r in rows for c in r["claims"])
        claims = sum(len(r["claims"]) for r in rows)
        print(f"{name}: {len(rows)} texts, {tested} of {claims} claims read beside a twin")
        for value in [None, *([margin] if margin is not None else [0.25, 0.5, 0.75, 1.0, 1.5])]:
            print(f"  margin {value}: {figures(rows, value)}")
    dev = [r for name in DEV for r in sets.get(name, []) if r["label"] and supported(r, None)]
    gains = [c["gain"] for r in dev for c in r["claims"] if c["gain"] is not None]
    top = round(max(gains, default=0.0), 2)  # the gains as printed, to two decimals
    chosen = (math.floor(top / 0.05 + 1e-9) + 1) * 0.05
    print(
        f"the smallest 0.05 step above every dev faithful text's gain ({len(dev)} texts, max {top:.2f}): {chosen:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("read", "fit"))
    ap.add_argument("set", nargs="?", choices=("pairs", "ose", "ose-held-apart", "frank-valid", "frank-test"))
    ap.add_argument("--articles", type=int, default=12)
    ap.add_argument("--limit", type=int, default=60, help="OneStopEnglish sentences read (each two ways)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first SKIP sentences (a fresh slice)")
    ap.add_argument("--margin", type=float)
    args = ap.parse_args()
    if args.action == "read":
        read(args.set, args.articles, args.limit, args.skip)
    else:
        fit(args.margin)


if __name__ == "__main__":
    main()
