"""How the checker turns a claim's signals into a verdict: a logistic combination and the override rules
that are kept, both fitted on FRANK's `valid` split only (`bench/fit_fidelity.py`; `test` is never used).

Signals (see checker.py): ``verifier`` (logit of the trained cross-encoder's P(supported) on the claim's best
source window), ``order``, ``coverage``, ``similarity`` and ``rare_novel``. Rules, each kept only where it
adds balanced accuracy on `valid`: ``novel_number`` and ``novel_name`` (a number or name the source never
uses), ``misplaced`` (a name or number that the source uses far from the claim's evidence), ``negation`` (the
claim negates what the evidence affirms, or the reverse), ``role_swap`` (a verb's doer and receiver the other
way round, roles.py), ``contradicted`` (the verifier alone is sure the claim is not supported: P(supported)
below its cut-off on every window it read). The cut-off is set on the verifier's own `dev` pairs so that at
most 5% of the supported ones fall under it, separately for claims with a negation word (``veto_negated``) and
without (``veto``): like NLI models generally, the verifier learned that "not" tends to mean "not supported",
and 15% of its supported negated `dev` pairs fall under the plain cut-off (4% of the others). The checker also
reads ``number_order`` (two numbers the evidence gives the other way round, number_order.py), never a rule
here: a signal that the judged decision reads (decision.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

RULES = ("novel_number", "novel_name", "misplaced", "role_swap", "negation", "contradicted")
RARE_ZIPF = 3.5  # a word rarer than this (wordfreq Zipf scale) counts as a name-like word
FITTED = Path(__file__).parent / "model" / "calibration.json"


@dataclass(frozen=True)
class Calibration:
    weights: dict[str, float]
    bias: float
    threshold: float  # a claim scoring below it is unsupported
    rules: frozenset[str] = field(default_factory=lambda: frozenset(RULES))
    veto: float = 0.0  # the ``contradicted`` rule: a verifier P(supported) below this makes a claim unsupported
    veto_negated: float = 0.0  # the same for a claim with a negation word

    def veto_for(self, negated: bool) -> float:
        return self.veto_negated if negated else self.veto

    def score(self, signals: dict[str, float]) -> float:
        logit = self.bias + sum(w * signals[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    @property
    def uses_verifier(self) -> bool:
        return "verifier" in self.weights

    def to_json(self) -> str:
        return json.dumps(
            {
                "weights": self.weights,
                "bias": self.bias,
                "threshold": self.threshold,
                "rules": sorted(self.rules),
                "veto": self.veto,
                "veto_negated": self.veto_negated,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        raw = json.loads(text)
        unknown = set(raw["rules"]) - set(RULES)
        if unknown:
            raise ValueError(f"unknown fidelity rules {sorted(unknown)}")
        return cls({k: float(v) for k, v in raw["weights"].items()}, float(raw["bias"]), float(raw["threshold"]),
                   frozenset(raw["rules"]), float(raw.get("veto", 0.0)),
                   float(raw.get("veto_negated", raw.get("veto", 0.0))))  # fmt: skip


# The word-overlap checker alone (no trained model): kept for measurement beside the verifier.
LEXICAL = Calibration(
    {"order": 1.34, "coverage": 1.23, "similarity": 1.66, "rare_novel": -0.178},
    bias=-2.74,
    threshold=0.575,
    rules=frozenset(RULES) - {"contradicted"},  # no verifier, no verdict of its own
)


def fitted() -> Calibration:
    """The calibration fitted for the shipped verifier."""
    return Calibration.from_json(FITTED.read_text(encoding="utf-8"))
