"""Training pairs for the claim verifier: (premise window, claim, label), label 1 = supported.

Three sources, all read from ``../shared/datasets`` (optional work; the app never reads it):
- factuality/nli.jsonl: sentence and passage NLI pairs, used as they are;
- factuality/summaries.jsonl: document-level summary pairs, cut to what inference sees: each
  summary sentence against the article windows that share most of its words;
- OneStopEnglish ``train`` articles (see splits.py): copies and the editors' own elementary
  rewordings as supported claims, and the same sentences with one planted error (two names
  swapped, a name or number changed, a negation added or removed) as unsupported ones.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from service.text import content_words, sentences, stem
from training.splits import split_ids


@dataclass(frozen=True)
class Pair:
    premise: str
    claim: str
    label: int
    source: str


_DETOKENIZE = [
    (re.compile(r"-lrb-"), "("), (re.compile(r"-rrb-"), ")"), (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r"\s+([.,;:!?%)])"), r"\1"), (re.compile(r"([($])\s+"), r"\1"),
    (re.compile(r"\s+(['’](?:s|re|ve|ll|d|m)\b|n't\b)"), r"\1"), (re.compile(r"\s+"), " "),
]  # fmt: skip


def detokenize(text: str) -> str:
    """Undo PTB-style tokenisation (``bondi 's club , drained``) so no source's spacing hints at its label."""
    for pattern, repl in _DETOKENIZE:
        text = pattern.sub(repl, text)
    return text.strip()


def best_windows(article: list[str], claim: str, size: int = 3, keep: int = 2, max_words: int = 170) -> str:
    """The article sentences in the ``keep`` windows that share most (IDF-weighted) words with the claim."""
    stems = [{stem(w) for w in content_words(s)} for s in article]
    df = Counter(s for sentence in stems for s in sentence)
    idf = {s: math.log(1 + len(article) / df[s]) for s in df}
    wanted = {stem(w) for w in content_words(claim)}
    starts = range(max(1, len(article) - size + 1))
    score = [sum(idf.get(s, 0) for s in wanted & set().union(*stems[i : i + size])) for i in starts]
    chosen: set[int] = set()
    for i in sorted(starts, key=lambda i: -score[i])[:keep]:
        chosen.update(range(i, min(i + size, len(article))))
    picked = " ".join(article[i] for i in sorted(chosen)).split()
    return " ".join(picked[:max_words])


def nli_pairs(path: Path, split: str) -> Iterator[Pair]:
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["split"] == split:
            yield Pair(detokenize(r["premise"]), detokenize(r["hypothesis"]), int(r["label"]), r["source"])


def summary_pairs(path: Path, split: str) -> Iterator[Pair]:
    """Sentence-level where the label allows it: every sentence of a consistent summary is supported; an
    inconsistent summary whose other sentences all occur in a consistent summary of the same article
    (SummEdits edits one seed summary) pins the error on its one new sentence; otherwise the whole summary."""
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["split"] == split:
            groups[r["premise"]].append(r)
    for premise, rows in groups.items():
        article = [s.text for s in sentences(detokenize(premise))]
        good = {s.text.lower() for r in rows if r["label"] for s in sentences(detokenize(r["hypothesis"]))}
        for r in rows:
            claims = [s.text for s in sentences(detokenize(r["hypothesis"]))]
            if int(r["label"]) == 1:
                units = [(c, 1) for c in claims]
            else:
                new = [c for c in claims if c.lower() not in good]
                units = [(new[0], 0)] if len(new) == 1 and len(claims) > 1 else [(" ".join(claims), 0)]
            for claim, label in units:
                yield Pair(best_windows(article, claim), claim, label, r["source"])


_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME = re.compile(r"(?<=\s)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_AUX = re.compile(r"\b(is|was|are|were|has|have|had|will|can|could|would|should|did|does)\b(?! not\b)")
_NEGATED = re.compile(r"\b(is|was|are|were|has|have|had|will|can|could|would|should|did|does) not\b")


def corrupt(sentence: str, other_names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """One planted error of a kind chosen at random among those the sentence allows, with its kind."""
    names = list(dict.fromkeys(_NAME.findall(sentence)))
    numbers = _NUMBER.findall(sentence)
    options = []
    if len(names) >= 2:
        a, b = rng.sample(names, 2)
        options.append(("swap", sentence.replace(a, "\0").replace(b, a).replace("\0", b)))
    if names and (foreign := [n for n in other_names if n not in sentence]):
        options.append(("name", sentence.replace(rng.choice(names), rng.choice(foreign), 1)))
    if numbers:
        n = rng.choice(numbers)
        digits = n.replace(",", "")
        if digits.replace(".", "").isdigit() and digits.count(".") <= 1:
            value = float(digits) * rng.choice([0.5, 2, 3, 1.5]) + rng.choice([1, 2, 10])
            options.append(("number", sentence.replace(n, f"{value:,.0f}" if "." not in digits else f"{value:.1f}", 1)))
    if _NEGATED.search(sentence):
        options.append(("negation", _NEGATED.sub(r"\1", sentence, count=1)))
    elif _AUX.search(sentence):
        options.append(("negation", _AUX.sub(r"\1 not", sentence, count=1)))
    options = [(k, t) for k, t in options if t != sentence]
    return rng.choice(options)[::-1] if options else None  # type: ignore[return-value]


def ose_pairs(path: Path, seed: int = 13) -> Iterator[Pair]:
    rng = random.Random(seed)
    rows = {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    for article_id in split_ids(list(rows))["train"]:
        advanced = [s.text for s in sentences(rows[article_id]["advanced"]) if len(s.text.split()) >= 6]
        names = sorted({n for s in advanced for n in _NAME.findall(s)})
        stems = [{stem(w) for w in content_words(s)} for s in advanced]
        for i, sentence in enumerate(advanced):
            window = " ".join(advanced[max(0, i - 1) : i + 2])
            if rng.random() < 0.35:
                yield Pair(window, sentence, 1, "ose-copy")
            if (bad := corrupt(sentence, names, rng)) is not None:
                yield Pair(window, bad[0], 0, f"ose-{bad[1]}")
        for s in sentences(rows[article_id]["elementary"]):
            simple = s.text
            own = {stem(w) for w in content_words(simple)}
            if len(own) < 4:
                continue
            i = max(range(len(advanced)), key=lambda k: len(own & stems[k]), default=0)
            window = " ".join(advanced[max(0, i - 1) : i + 2])
            window_stems = {stem(w) for w in content_words(window)}
            facts = _NUMBER.findall(simple) + _NAME.findall(simple)
            if len(own & window_stems) / len(own) < 0.6 or any(f.lower() not in window.lower() for f in facts):
                continue
            yield Pair(window, simple, 1, "ose-elementary")
            if (bad := corrupt(simple, names, rng)) is not None:
                yield Pair(window, bad[0], 0, f"ose-elementary-{bad[1]}")


def build(shared: Path, split: str) -> list[Pair]:
    pairs = list(nli_pairs(shared / "factuality" / "nli.jsonl", split))
    pairs += summary_pairs(shared / "factuality" / "summaries.jsonl", split)
    if split == "train":
        pairs += ose_pairs(shared / "onestopenglish" / "onestopenglish-dev.jsonl")
    return [p for p in pairs if p.premise and p.claim]
