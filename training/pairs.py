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
    # summed in sorted order: a float sum in set order differs between runs (string hashing), and so would the
    # window picked on a near-tie
    score = [sum(idf.get(s, 0) for s in sorted(wanted & set().union(*stems[i : i + size]))) for i in starts]
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


_PHRASE = re.compile(
    r"\b(?:(?:the|a|an|his|her|its|their|this|these|those)\s+(?:(?!(?:%s)\b)[a-z][\w'’-]*\s+){0,2}"
    r"(?!(?:%s)\b)[a-z][\w'’-]*|[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)"
    % (
        (
            "of|and|or|but|to|in|on|at|by|for|with|from|as|that|which|who|is|was|are|were|has|had|have|will|"
            "would|can|could|said|says|not",
        )
        * 2
    )
)
_NOT_A_NAME = set(
    "i it at in on but and or so if as by for from to of with when while after before since then there this that"
    " these those what which who he she they we you his her its their our my mr mrs ms dr".split()
)  # a capitalised sentence opener, not a name
_JOINED = re.compile(r"^\s*(?:,|and|or|,\s*and|,\s*or)\s*$")
_ANTONYMS = [
    (a, b) for x, y in [
        ("before", "after"), ("more", "fewer"), ("higher", "lower"), ("increased", "decreased"), ("rose", "fell"),
        ("largest", "smallest"), ("first", "last"), ("won", "lost"), ("joined", "left"), ("above", "below"),
        ("bought", "sold"), ("older", "younger"), ("most", "least"), ("earlier", "later"), ("gained", "lost"),
    ] for a, b in ((x, y), (y, x))
]  # fmt: skip


def _swap(sentence: str, a: str, b: str) -> str:
    return sentence.replace(a, "\0").replace(b, a).replace("\0", b)


def _role_pair(sentence: str, rng: random.Random) -> tuple[str, str] | None:
    """Two noun phrases of the sentence (a determiner phrase or a capitalised name) that are not just listed
    side by side ("Brazil and Peru" says the same either way); swapping them keeps every word, changes who
    did what to whom."""
    spans = [m for m in _PHRASE.finditer(sentence) if m.group().split()[0].lower() not in _NOT_A_NAME]
    candidates = [
        (x.group(), y.group())
        for i, x in enumerate(spans)
        for y in spans[i + 1 :]
        if x.group().lower() != y.group().lower()
        and not _JOINED.match(sentence[x.end() : y.start()])
        and x.group() not in y.group() and y.group() not in x.group()
        and sentence.count(x.group()) == sentence.count(y.group()) == 1
    ]  # fmt: skip
    return rng.choice(candidates) if candidates else None


def corrupt(sentence: str, other_names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """One planted error of a kind chosen at random among those the sentence allows, with its kind."""
    names = list(dict.fromkeys(_NAME.findall(sentence)))
    numbers = _NUMBER.findall(sentence)
    options = []
    if len(names) >= 2:
        a, b = rng.sample(names, 2)
        options.append(("swap", _swap(sentence, a, b)))
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
    if len(set(numbers)) >= 2:
        a, b = rng.sample(sorted(set(numbers)), 2)
        options.append(("number-swap", _swap(sentence, a, b)))
    if (roles := _role_pair(sentence, rng)) is not None:
        options.append(("role-swap", _swap(sentence, *roles)))
    if found := [(a, b) for a, b in _ANTONYMS if re.search(rf"\b{a}\b", sentence)]:
        a, b = rng.choice(found)
        options.append(("relation", re.sub(rf"\b{a}\b", b, sentence, count=1)))
    options = [(k, t) for k, t in options if t != sentence]
    return rng.choice(options)[::-1] if options else None  # type: ignore[return-value]


def ose_pairs(path: Path, seed: int = 13, ids: list[str] | None = None) -> Iterator[Pair]:
    """Sentence pairs of OneStopEnglish articles (the training split unless ``ids`` names others)."""
    rng = random.Random(seed)
    rows = {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    for article_id in split_ids(list(rows))["train"] if ids is None else ids:
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
