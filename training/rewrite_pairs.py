"""Sentence pairs for tuning the writer: OneStopEnglish editors' elementary sentences aligned to the advanced
(or intermediate) sentence they rewrite, kept only where newsdesk's own rewrite check passes them.

    .venv/bin/python -m training.rewrite_pairs [--out data/rewrite-tune/pairs.jsonl]

Optional work: reads ``../shared/datasets/onestopenglish`` (CC BY-SA 4.0, Vajjala & Lučić 2018): only the
articles ``training.splits`` gives to training, and of those none sharing a sentence with a text the project
ships (``evals/datasets``: the `rewrite` suite and every held-apart set, copied as files). Each elementary
sentence is aligned to the advanced sentence sharing the largest share of its content words (at least
``MIN_OVERLAP``), in article order, and separately to the intermediate one; the elementary sentences aligned
to one sentence, in order, are its rewrite. A pair is kept when the source sentence would go to the model (not
already plain at `plain`), the rewrite changes it, keeps at least ``MIN_COVERAGE`` of its content words (an
editor's cut of a whole clause is not a plain-English rewrite of it), and passes the unit check the rewrite
applies, judge off (``NEWSDESK_FIDELITY_JUDGE=off``): supported, every name, number, date and quote kept,
quotations as said, easier, no sentence over 20 words.
Split by article into ``train`` and ``dev``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

from service.text import content_words, sentences, stem
from training.splits import split_ids

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared" / "datasets" / "onestopenglish" / "onestopenglish-dev.jsonl"
MIN_OVERLAP = 0.6  # share of an elementary sentence's content words found in its advanced sentence
MIN_COVERAGE = 0.5  # share of the advanced sentence's content words the rewrite keeps
WINDOW = 4  # an elementary sentence aligns at most this many advanced sentences after the previous one
DEV_SHARE = 0.1


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def shipped_text() -> str:
    """Every text the project ships for its evals and corpus, to keep those articles out of training."""
    parts = []
    for folder in (PROJECT / "evals" / "datasets", PROJECT / "corpus"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in {".jsonl", ".txt", ".md", ".html", ".json"}:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def align(advanced: str, elementary: str) -> list[tuple[str, str, float]]:
    """(advanced sentence, its elementary rewrite, the rewrite's coverage of it) in article order."""
    from service.rewrite.units import split_units

    source = [u.text for u in split_units(advanced) if not u.skip]
    stems = [_stems(s) for s in source]
    groups: dict[int, list[str]] = {}
    last = 0
    for span in sentences(elementary):
        own = _stems(span.text)
        if len(own) < 2:
            continue
        window = range(last, min(len(source), last + WINDOW + 1))
        best = max(window, key=lambda i: len(own & stems[i]) / len(own), default=None)
        if best is None or len(own & stems[best]) / len(own) < MIN_OVERLAP:
            continue
        groups.setdefault(best, []).append(span.text.strip())
        last = best
    out = []
    for i, parts in sorted(groups.items()):
        rewrite = " ".join(parts)
        out.append((source[i], rewrite, len(stems[i] & _stems(rewrite)) / max(1, len(stems[i]))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=PROJECT / "data" / "rewrite-tune" / "pairs.jsonl")
    args = ap.parse_args()
    os.environ["NEWSDESK_FIDELITY_JUDGE"] = "off"
    from service.app import Newsdesk
    from service.ingest.decode import repair_mojibake
    from service.rewrite.unit_check import RewritePolicy, already_plain, check_unit
    from service.settings import load_settings

    checker = Newsdesk(load_settings()).checker
    policy = RewritePolicy(judge_passes=False)
    shipped = shipped_text()
    rows = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    allowed = set(split_ids([r["id"] for r in rows])["train"])
    names = sorted(r["id"] for r in rows)
    random.Random(0).shuffle(names)
    dev = set(names[: max(1, round(DEV_SHARE * len(names)))])
    counts = {"articles": 0, "excluded": 0, "aligned": 0, "plain": 0, "coverage": 0, "unchanged": 0, "check": 0}
    splits = {"changed": 0, "changed_split": 0, "kept_split": 0}  # how often the editors split a sentence
    kept = []
    for row in rows:
        advanced, middle, elementary = (repair_mojibake(row[k]) for k in ("advanced", "intermediate", "elementary"))
        if row["id"] not in allowed or any(
            len(s.text) >= 60 and s.text in shipped for text in (advanced, middle) for s in sentences(text)
        ):
            counts["excluded"] += 1
            continue
        counts["articles"] += 1
        aligned = dict.fromkeys(align(advanced, elementary) + align(middle, elementary))  # a sentence both share once
        for sentence, rewrite, coverage in aligned:
            counts["aligned"] += 1
            split_up, plain = len(sentences(rewrite)) > 1, already_plain(sentence, "plain")
            if not plain and rewrite != sentence:
                splits["changed"] += 1
                splits["changed_split"] += split_up
            if plain:
                counts["plain"] += 1
            elif coverage < MIN_COVERAGE:
                counts["coverage"] += 1
            elif rewrite == sentence:
                counts["unchanged"] += 1
            elif check_unit(checker, sentence, rewrite, policy)[0].problems():
                counts["check"] += 1
            else:
                split = "dev" if row["id"] in dev else "train"
                kept.append({"article": row["id"], "split": split, "sentence": sentence, "rewrite": rewrite,
                             "coverage": round(coverage, 3)})  # fmt: skip
                splits["kept_split"] += split_up
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8")
    counts["kept"] = len(kept)
    counts["kept_train"] = sum(k["split"] == "train" for k in kept)
    print(json.dumps(counts | splits))


if __name__ == "__main__":
    main()
