"""How often a rewrite keeps a sentence's hedge ("may", "appears to", "reportedly"): the editors', and newsdesk's.

    .venv/bin/python bench/hedges.py [--held-apart] [--rewrite OUT.json ...]

No check reads certainty: "X may be one of the key factors driving Y" retold as "X drives Y" passes. Before
a rule could ask a rewrite to keep its hedges, this measures what it would cost: for each sentence of
OneStopEnglish's `advanced` original that holds a hedge word, the editors' `elementary` sentence that shares
the most of its words (at least 60% of the elementary sentence's words: a retelling, not a new sentence)
and whether that sentence holds a hedge word too. A faithful rewrite that drops a hedge is a false alarm
such a rule would raise; a retelling that leaves out what the hedge qualified (fewer than 2 of the 3 content
words after it) drops a clause, not the certainty, and counts as kept. `--rewrite` reads `newsdesk rewrite
--json` outputs and counts the same for each rewritten unit whose source sentence holds a hedge. No model runs. Writes
bench/results/hedges.json (hedges_held_apart.json with --held-apart).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from bench.rewrite_reference import held_apart_names, suite_names
from service.evals.corpus import load_onestopenglish
from service.settings import load_settings
from service.text import content_words, sentences, stem, words

# lower case only: "May" opening a date is the month; "could" of past ability is counted too (an upper bound)
HEDGE = re.compile(
    r"\b(may|might|could|possibly|perhaps|probably|likely|unlikely|appears? to|appeared to|seems? to|seemed to"
    r"|reportedly|allegedly|apparently|suggests?|suggested|expected to|believed to|thought to|estimated"
    r"|potentially)\b"
)
MIN_SHARED = 0.6


def hedged(text: str) -> bool:
    return bool(HEDGE.search(text))


def hedged_claim_kept(sentence: str, retelling: str) -> bool:
    """Whether the retelling says what a hedge of the sentence qualified (at least 2 of the 3 content words
    after it): without a hedge of its own, that is the claim stated as certain, not the clause left out."""
    theirs = {stem(w) for w in content_words(retelling)}
    for match in HEDGE.finditer(sentence):
        after = [stem(w) for w in content_words(sentence[match.end() :])][:3]
        if after and sum(w in theirs for w in after) >= min(2, len(after)):
            return True
    return False


def _shared(source: set[str], other: str) -> float:
    theirs = {w.lower() for w in words(other)}
    return len(source & theirs) / max(1, len(theirs))


def editors(original: str, rewrite: str) -> list[tuple[str, str, bool]]:
    """(hedged original sentence, the editors' retelling of it, whether that keeps a hedge or leaves out
    what the hedge qualified)."""
    retold = [s.text for s in sentences(rewrite)]
    out = []
    for sentence in (s.text for s in sentences(original)):
        if not hedged(sentence) or not retold:
            continue
        source = {w.lower() for w in words(sentence)}
        best = max(retold, key=lambda r: _shared(source, r))
        if _shared(source, best) >= MIN_SHARED:
            out.append((sentence, best, hedged(best) or not hedged_claim_kept(sentence, best)))
    return out


def model(path: Path) -> list[tuple[str, str, bool]]:
    """(hedged source sentence, newsdesk's rewrite of it, whether that keeps a hedge or leaves out what the
    hedge qualified) for rewritten units."""
    units = json.loads(path.read_text(encoding="utf-8"))["units"]
    pairs = [(u["source"]["text"], u["text"]) for u in units if u["status"] == "rewritten"]
    return [(s, o, hedged(o) or not hedged_claim_kept(s, o)) for s, o in pairs if hedged(s)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held-apart", action="store_true", help="the articles no fidelity or rewrite suite uses")
    parser.add_argument("--rewrite", nargs="*", type=Path, default=[], help="`newsdesk rewrite --json` outputs")
    args = parser.parse_args()
    articles = load_onestopenglish(load_settings().datasets_dir)
    names = held_apart_names(articles) if args.held_apart else suite_names()
    found = [
        p for name in names if name in articles for p in editors(articles[name].advanced, articles[name].elementary)
    ]
    ours = [p for path in args.rewrite for p in model(path)]
    result = {
        "articles": len([n for n in names if n in articles]),
        "editors": {"hedged_retold": len(found), "kept_the_hedge_or_left_the_claim_out": sum(k for *_, k in found)},
        "editors_dropped_examples": [] if args.held_apart else [(s, r) for s, r, k in found if not k][:8],
        "newsdesk": {"hedged_rewritten": len(ours), "kept_the_hedge_or_left_the_claim_out": sum(k for *_, k in ours)},
        "newsdesk_dropped": [(s, o) for s, o, k in ours if not k],
    }
    path = write_result("hedges_held_apart" if args.held_apart else "hedges", result)
    key = "kept_the_hedge_or_left_the_claim_out"
    ed, nd = result["editors"], result["newsdesk"]
    certain = ed["hedged_retold"] - ed[key]
    print(f"editors: {certain} of {ed['hedged_retold']} retold hedged sentences state as certain what was hedged")
    if ours:
        print(f"newsdesk: {nd['hedged_rewritten'] - nd[key]} of {nd['hedged_rewritten']} rewritten hedged sentences do")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
