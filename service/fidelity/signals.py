"""Word-level tests the checker reads claims with: word order (LCS), name-like words, negation clashes, whether
the source uses a word."""

from __future__ import annotations

from service.fidelity.calibration import RARE_ZIPF
from service.places import same_place
from service.text import is_negation, is_number, negation_scopes, number_value, stem, zipf

# The placeholder some summarisers (in FRANK) write for a word outside their vocabulary: not a name, not a
# fact. Ignored here rather than dropped when FRANK is read, which leaves broken sentences (FRANK `valid`
# mean balanced accuracy 0.637 against 0.642).
IGNORED = frozenset({"unk"})


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
