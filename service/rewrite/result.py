"""What a rewrite returns: every source sentence aligned with what the rewrite says for it, and the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from service.fidelity.report import ClaimVerdict
from service.rewrite.measures import Readability
from service.rewrite.units import Unit
from service.text import sentences

MIN_CHANGED_SHARE = 0.3  # below this share of changed sentences the text is a copy, not a rewrite
Status = Literal[
    "rewritten",
    "already plain",
    "quotation",
    "split by rule",
    "kept original",
    "dropped: promotion",
    "dropped: repeat",
]


@dataclass(frozen=True)
class AlignedUnit:
    index: int
    paragraph: int
    start: int  # the source sentence's character offsets in the article text
    end: int
    source: str
    text: str  # what the rewrite says for it ("" when dropped)
    status: Status
    retried: bool = False
    problems: tuple[str, ...] = ()  # why the original was kept, or what the check still notes
    unsupported: tuple[ClaimVerdict, ...] = ()
    claims: int = 0  # output sentences checked against the source

    @classmethod
    def of(
        cls, unit: Unit, text: str, status: Status, retried: bool = False, problems: list[str] | None = None,
        unsupported: list[ClaimVerdict] | None = None, claims: int = 0,
    ) -> AlignedUnit:  # fmt: skip
        return cls(
            unit.index, unit.paragraph, unit.start, unit.end, unit.text, text, status, retried,
            tuple(problems or ()), tuple(unsupported or ()), claims,
        )  # fmt: skip

    @property
    def sentences(self) -> list[str]:
        return [s.text for s in sentences(self.text)]


@dataclass(frozen=True)
class UnitDone:
    """Streamed as each unit is finished."""

    unit: AlignedUnit


@dataclass
class RewriteResult:
    title: str
    level: str
    text: str
    units: list[AlignedUnit]
    before: Readability
    after: Readability
    fact_recall: float
    dropped_facts: list[str]
    changed_share: float
    seconds: float
    source_words: int
    timings: dict[str, float] = field(default_factory=dict)
    request_id: str = ""

    @property
    def unsupported(self) -> list[ClaimVerdict]:
        return [c for u in self.units for c in u.unsupported]

    @property
    def claims(self) -> int:
        return sum(u.claims for u in self.units)

    @property
    def unsupported_rate(self) -> float:
        return len(self.unsupported) / self.claims if self.claims else 0.0

    @property
    def kept_original(self) -> int:
        return sum(u.status == "kept original" for u in self.units)

    @property
    def quotations(self) -> int:
        """Sentences kept as written because they are a speaker's words (not a failure)."""
        return sum(u.status == "quotation" for u in self.units)

    @property
    def split_units(self) -> int:
        """Source sentences rewritten as more than one sentence (by rule or by the model)."""
        return sum(len(u.sentences) > 1 for u in self.units if not u.status.startswith("dropped"))

    @property
    def sentence_summary(self) -> str:
        """ "36: 20 rewritten, 10 kept original, 6 already plain": the sentences by status."""
        counts = Counter(u.status for u in self.units)
        return f"{len(self.units)}: " + ", ".join(f"{n} {status}" for status, n in counts.most_common())

    @property
    def removed_promotion(self) -> list[str]:
        return [u.source for u in self.units if u.status == "dropped: promotion"]

    @property
    def dropped_repeats(self) -> list[str]:
        return [u.source for u in self.units if u.status == "dropped: repeat"]

    @property
    def is_rewrite(self) -> bool:
        return self.changed_share >= MIN_CHANGED_SHARE

    @property
    def verdict(self) -> str:
        if not self.is_rewrite:
            return f"not a rewrite: only {self.changed_share:.0%} of sentences changed"
        notes = []
        if self.unsupported:
            notes.append(f"{len(self.unsupported)} sentence(s) not supported by the original")
        if self.kept_original:
            notes.append(f"{self.kept_original} sentence(s) kept as written after failing the check")
        if notes:
            return "rewritten; " + ", ".join(notes)
        return "rewritten; every sentence is supported by the original"
