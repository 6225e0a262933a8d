"""What a fidelity check returns: a verdict per claim (with its evidence spans) and the text's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from service.text import Span

Kind = Literal["supported", "novel", "misplaced", "negation", "unsupported"]


@dataclass(frozen=True)
class ClaimVerdict:
    text: str
    start: int  # offsets into the checked text
    end: int
    supported: bool
    score: float
    evidence: list[Span]  # source sentences that best support the claim
    unsupported_words: list[str]  # claim words the source (or the evidence) does not contain
    reason: str  # for people
    features: dict[str, float] = field(default_factory=dict)
    kind: Kind = "supported"  # for code: which test decided the verdict
    decided_by: str = "signals"  # "signals" (verifier and word overlap), "judge" (the language model with
    # them), or "rule" (an override rule); features hold every value read

    @property
    def invented(self) -> bool:
        """A name or number the source lacks, or one the source puts elsewhere (also a doer and receiver given
        the other way round, kind ``misplaced``): the claim adds a fact. Read from the rule tests themselves,
        which run whether or not the calibration lets them decide verdicts."""
        return self.kind in ("novel", "misplaced") or any(
            self.features.get(f"rule_{rule}", 0.0) > 0 for rule in ("novel_number", "novel_name", "misplaced")
        )


@dataclass(frozen=True)
class FidelityReport:
    claims: list[ClaimVerdict]
    score: float  # the weakest claim's score (1.0 when nothing is claimed)
    supported: bool
    judge_note: str = ""  # why claims the judge should have read kept their fast verdict (it was unavailable)

    @property
    def judged(self) -> int:
        """Claims the language model read: sent to the judge, or read beside a twin (``contrasted``)."""
        return sum(1 for c in self.claims if "judge" in c.features or "swap_yes" in c.features)

    @property
    def contrasted(self) -> int:
        """Claims read beside a twin with two names or numbers exchanged, or one replaced (swap_contrast.py)."""
        return sum(1 for c in self.claims if "swap_yes" in c.features)

    @property
    def unsupported(self) -> list[ClaimVerdict]:
        return [c for c in self.claims if not c.supported]

    @classmethod
    def of(cls, verdicts: list[ClaimVerdict], judge_note: str = "") -> FidelityReport:
        score = min((v.score for v in verdicts), default=1.0)
        return cls(verdicts, score, all(v.supported for v in verdicts), judge_note)
