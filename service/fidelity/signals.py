"""Word-level tests the checker reads claims with: word order (LCS), name-like words, negation clashes, whether
the source uses a word."""

from __future__ import annotations

from collections.abc import Collection

from service.fidelity.calibration import RARE_ZIPF
from service.places import same_place
from service.text import is_negation, is_number, negation_scopes, number_value, stem, zipf

# The placeholder some summarisers (in FRANK) write for a word outside their vocabulary: not a name, not a
# fact. Ignored here rather than dropped when FRANK is read, which leaves broken sentences (FRANK `valid`
# mean balanced accuracy 0.637 against 0.642).
IGNORED = frozenset({"unk"})
# Words that only build the sentence (articles, forms of "be", "have" and "do", "of", "to"): never listed as words
# the source lacks; a claim that is wrong is wrong in its other words. Words with a meaning of their own that are
# stopwords elsewhere ("before", "his", "will", "more") are still listed.
GRAMMAR = frozenset("a an the is are was were be been being am has have had do does did of to it its that this".split())


def negated(tokens: list[str]) -> bool:
    """The text carries a negation word ("not", "never", "didn't"...)."""
    return any(map(is_negation, tokens))


def negation_clash(claim: list[str], source: list[str]) -> bool:
    """The claim negates a word the source sentence affirms, or affirms one the source negates."""
    claim_scopes, source_scopes = negation_scopes(claim), negation_scopes(source)
    claim_stems = {stem(t) for t in claim}
    added = claim_scopes - source_scopes
    dropped = {s for s in source_scopes - claim_scopes if s in claim_stems}
    return bool(added or dropped)


def name_like(word: str) -> bool:
    """Rare words are names or specific terms: they must stand near the claim's evidence."""
    return not is_number(word) and zipf(word) < RARE_ZIPF


def same_root(word_stem: str, stems: set[str]) -> bool:
    """A common word in another derivational form of one of ``stems`` ("capitalist" for "capital",
    "crowdfund" for "crowdfunder"): their longest shared beginning is at least 6 letters and three quarters of
    the shorter. Used only for common words: "Roberts" and "Robertson" are two people."""
    for other in stems:
        shared = next((i for i, (a, b) in enumerate(zip(word_stem, other, strict=False)) if a != b),
                      min(len(word_stem), len(other)))  # fmt: skip
        if shared >= 6 and shared >= 0.75 * min(len(word_stem), len(other)):
            return True
    return False


def word_form(word_stem: str) -> str:
    """What the forms of one word share, so that "voted" and "vote", "studies" and "study", "stopped" and "stop",
    "closing" and "close" meet (``stem`` cuts endings only from longer words, and leaves the spelling): a final
    "y" read as "i", then, while three letters remain, an "-ing", "-s" or the "d" of "-ed" taken off, a final
    "e" and a doubled last consonant undone, until nothing changes."""
    s, before = (word_stem[:-1] + "i" if word_stem.endswith("y") else word_stem), ""
    while s != before:
        before = s
        for ending, cut in (("ing", 3), ("s", 1), ("ed", 1)):  # "-ed" leaves its "e": "voted" -> "vote"
            if len(s) - cut >= 3 and s.endswith(ending):
                s = s[:-cut]
                break
        if len(s) > 3 and s[-1] == "e":
            s = s[:-1]
        if len(s) > 3 and s[-1] == s[-2] and s[-1] not in "aeiou":
            s = s[:-1]
    return s


def words_to_show(candidates: list[str], source_stems: set[str], names: Collection[str]) -> list[str]:
    """Of the words a claim has and its source seems not to, those a reader should be shown as without support:
    every number and name; no word that only builds the sentence; no word the source has in another form
    ("vote" beside the source's "voted"). For the verdict's explanation only: the decision reads the signals."""
    if not candidates:
        return []
    forms = {word_form(s) for s in source_stems}
    return [
        w for w in candidates if is_number(w) or w in names or (w not in GRAMMAR and word_form(stem(w)) not in forms)
    ]


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def unique(items: object) -> list[str]:
    """The items in first-seen order, each once."""
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(item, None)
    return list(seen)


def uses(word: str, stems: set[str], numbers: set[str]) -> bool:
    """The word is among these stems, a number among these numbers in any spelling, or a place word one of
    whose other forms is among them."""
    return (
        stem(word) in stems
        or (is_number(word) and number_value(word) in numbers)
        or any(stem(place) in stems for place in same_place(word))  # "European" for the source's "Europe"
    )
