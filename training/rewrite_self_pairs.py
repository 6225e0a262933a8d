"""Sentence pairs for tuning the writer on its own best work: the shipped rewrite run over training-split
OneStopEnglish articles, each source sentence paired with the rewrite that passed newsdesk's check (judge on).

    .venv/bin/python -m training.rewrite_self_pairs [--minutes 70] [--out data/rewrite-tune/self-pairs.jsonl]

Optional work: reads ``../shared/datasets/onestopenglish`` (CC BY-SA 4.0, Vajjala & Lučić 2018), the advanced
text of the articles ``training.splits`` gives to training and that share no sentence with a text the project
ships (the same articles ``training.rewrite_pairs`` reads, in the same seed-0 order; the first ``DEV_ARTICLES``
give the ``dev`` pairs).
Each article is rewritten at `plain` exactly as a user's would be (the settings in the environment: the embedded
model, the judge by default); a pair is kept for every sentence the rewrite changed and passed: ``rewritten``
(the model's first attempt, a retry or a drawn candidate, whichever passed and read easiest) or ``split by rule``.
Kept as written, already plain and quotations give no pair. ``teaches`` then leaves out what the check passes
but a writer should not learn (``training.rewrite_tune`` applies it): a rewrite keeping under half the
sentence's content words, a question (rewritten, it becomes a statement), a sentence holding a quotation mark
(quotations are what rewrites lose most; the prompt keeps them). Resumable: one line per article, appended when the
article is done; a rerun skips the articles already in the file and stops starting new ones after ``--minutes``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from training.rewrite_pairs import MIN_COVERAGE, PROJECT, SHARED, shipped_text
from training.splits import split_ids

KEPT = ("rewritten", "split by rule")
DEV_ARTICLES = 2  # the first articles in the order give the dev pairs (a loss to watch; no run is chosen on it)
QUOTE = re.compile(r"[\"“”]|(?:^|\s)['‘]\w")  # a double mark, or a single one opening a word (not "isn’t")


def teaches(sentence: str, rewrite: str) -> bool:
    """A passed pair a writer should learn from (see the module's docstring)."""
    from service.rewrite.unit_check import asks
    from service.text import content_words, stem

    source = {stem(w) for w in content_words(sentence)}
    kept = source & {stem(w) for w in content_words(rewrite)}
    quoted = QUOTE.search(sentence) is not None
    return len(kept) >= MIN_COVERAGE * len(source) and not asks(sentence) and not quoted


def articles() -> list[tuple[str, str, str]]:
    """(id, advanced text, split) of the articles training may read, in a fixed order."""
    from service.ingest.decode import repair_mojibake
    from service.text import sentences

    rows = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    allowed = set(split_ids([r["id"] for r in rows])["train"])
    names = sorted(r["id"] for r in rows)
    random.Random(0).shuffle(names)
    shipped = shipped_text()
    by_id = {r["id"]: r for r in rows}
    out = []
    for name in names:
        text = repair_mojibake(by_id[name]["advanced"])
        if name in allowed and not any(len(s.text) >= 60 and s.text in shipped for s in sentences(text)):
            out.append((name, text, "dev" if len(out) < DEV_ARTICLES else "train"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=PROJECT / "data" / "rewrite-tune" / "self-pairs.jsonl")
    ap.add_argument("--minutes", type=float, default=70.0, help="start no new article after this long")
    args = ap.parse_args()
    from service.app import Newsdesk
    from service.settings import load_settings

    done = set()
    if args.out.exists():
        done = {json.loads(line)["article"] for line in args.out.read_text(encoding="utf-8").splitlines() if line}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rewriter = Newsdesk(load_settings()).rewriter
    started = time.monotonic()
    for name, text, split in articles():
        if name in done:
            continue
        if time.monotonic() - started > 60 * args.minutes:
            break
        clock = time.monotonic()
        result = rewriter.run(text, name, "plain")
        pairs = [
            {"sentence": u.source, "rewrite": u.text, "status": u.status, "retried": u.retried}
            for u in result.units
            if u.status in KEPT and u.text != u.source
        ]
        line = {"article": name, "split": split, "units": len(result.units), "pairs": pairs,
                "seconds": round(time.monotonic() - clock, 1)}  # fmt: skip
        with args.out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"{name}: {len(pairs)} of {len(result.units)} units, {line['seconds']} s", flush=True)


if __name__ == "__main__":
    main()
