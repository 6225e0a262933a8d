"""The fidelity decision with the language model in it: which claims the judge reads, and how its answer
and the fast signals decide together.

Per kind of check (their texts and base rates differ, so each has its own fitted threshold and band):
``article`` (a text against an article: summaries, `newsdesk check`), ``answer`` (an answer sentence against
the passages it cites), ``rewrite`` (a rewritten text against its source). A ``KindDecision`` holds

- ``calibration``: the logistic combination of the judge's logit (``judge``) with the verifier's logit and the
  cheap signals (each, or ``fast``: the logit of the fast calibration's score, which combines them), its
  threshold, and the override rules kept with it;
- ``band``: under ``auto``, only a claim whose fast score lies in [low, high] reaches the judge (the cascade);
  the others keep the fast verdict;
- ``failures_only``: under ``auto``, a claim in the band reaches the judge only if the fast checker failed
  it, so the judge confirms or overturns a failure and a passed claim stays passed (the rewrite: a
  failure costs a retry, a pass costs nothing);
- ``judge_negations``: under ``auto``, a claim whose negation clashes with its evidence (the claim negates
  what its closest source sentence affirms, or the reverse) reaches the judge whatever its fast score, even
  when the fast checker passed it: the same words with the opposite meaning are what word overlap, word
  order and the names cannot see;
- ``judge_passes``: under ``auto``, when the caller asks for it (``read_passes``: the rewriter, for a rewritten
  unit against its own source sentence, the pairs the value was chosen on), a claim the fast checker passed
  reaches the judge too, and stays supported only if P(yes) reaches this value, and, when a rule here sent it,
  the combination passes it too (None: a passed claim is not read, unless a rule here sends it). On the model's
  own rewrites, word overlap and the verifier pass meaning changed in the same words (a reversed "despite", "no
  future romantically" as "romantic", a garbled clause), which the judge ranks lower (docs/fidelity.md,
  "Rewrites the check passed");
- ``judge_number_order``: under ``auto``, a claim with two numbers its evidence gives the other way round
  (number_order.py) reaches the judge whatever its fast verdict, and is supported only if P(yes) also reaches
  this value (None: such a claim is decided like any other): the fast signals read a swap of two numbers as
  the source's own words and numbers, so their combination cannot be what clears it;
- ``judge_swaps`` / ``judge_replacements``: under ``auto`` and ``always``, a claim the decision supports is
  also read beside its twins with two of its names (numbers) exchanged / with one replaced by another of its
  evidence, and fails when a twin's log-odds beat its own by this margin (swap_contrast.py; None: not read);
- ``window_words``: 0, the judge reads the source whole (the cached prefix of all its claims); N, each claim
  is read on the run of about N words of the source that holds most of its words (as MiniCheck chunks long
  documents), when the source is longer than that.

All of it is fitted on development data only (`bench/fit_judged.py`) and written to model/judged.json.
This module is policy: pure functions over verdicts. The judge calls are made by ``JudgeStage``
(judge_stage.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from service.fidelity.calibration import Calibration
from service.fidelity.claim_judge import logit
from service.fidelity.report import ClaimVerdict, Kind

CheckKind = Literal["article", "answer", "rewrite"]
CHECK_KINDS: tuple[CheckKind, ...] = ("article", "answer", "rewrite")
JudgeMode = Literal["auto", "always", "off"]
JUDGED = Path(__file__).parent / "model" / "judged.json"

_RULE_KIND: dict[str, Kind] = {
    "novel_number": "novel",
    "novel_name": "novel",
    "misplaced": "misplaced",
    "role_swap": "misplaced",
    "negation": "negation",
    "contradicted": "unsupported",
}


@dataclass(frozen=True)
class KindDecision:
    calibration: Calibration  # weights include "judge"
    band: tuple[float, float] = (0.0, 1.0)  # fast scores that are sent to the judge under ``auto``
    failures_only: bool = False  # under ``auto``, only the claims the fast checker failed
    window_words: int = 0  # 0: the judge reads the source whole; N: each claim on its ~N-word window
    judge_negations: bool = False  # under ``auto``, a negation clash reaches the judge whatever the fast verdict
    judge_number_order: float | None = None  # P(yes) that clears two numbers given the other way round
    judge_swaps: float | None = None  # log-odds by which a supported claim's swapped twin must win to fail it
    judge_replacements: float | None = None  # the same for a twin with one name or number replaced
    judge_passes: float | None = None  # P(yes) a claim the fast checker passed must reach, read under ``auto``

    def unsure(
        self,
        fast_score: float,
        fast_supported: bool = False,
        negation_clash: bool = False,
        reordered: bool = False,
        read_passes: bool = False,
    ) -> bool:
        if (negation_clash and self.judge_negations) or (reordered and self.judge_number_order is not None):
            return True
        if fast_supported and read_passes and self.judge_passes is not None:
            return True
        low, high = self.band
        return low <= fast_score <= high and not (self.failures_only and fast_supported)

    def sends(
        self,
        mode: JudgeMode,
        fast_score: float,
        fast_supported: bool,
        features: dict[str, float],
        read_passes: bool = False,
    ) -> bool:
        """Whether a claim with this fast verdict is read by the judge under ``mode``: never when a kept rule
        already fails it; under ``always`` every other claim; under ``auto`` the unsure ones."""
        if mode == "off" or self.ruled_out_features(features):
            return False
        clash = features.get("rule_negation", 0.0) > 0
        reordered = features.get("rule_number_order", 0.0) > 0
        return mode == "always" or self.unsure(fast_score, fast_supported, clash, reordered, read_passes)

    def passes_bar(self, fast: ClaimVerdict, features: dict[str, float], read_passes: bool) -> bool:
        """Whether this judged claim is one the fast checker passed, read against ``judge_passes`` (whatever sent it
        to the judge: a claim a rule sent must also pass the combination, ``sent_by_rule``)."""
        return read_passes and fast.supported and self.judge_passes is not None

    def sent_by_rule(self, features: dict[str, float]) -> bool:
        """A negation clash or two numbers given the other way round sent the claim to the judge."""
        return (self.judge_negations and features.get("rule_negation", 0.0) > 0) or (
            self.judge_number_order is not None and features.get("rule_number_order", 0.0) > 0
        )

    def ruled_out_features(self, features: dict[str, float]) -> bool:
        """An override rule kept with the judge already fails the claim: the judge cannot change that (the
        rules kept with the judge are among the fast calibration's, so the fast verdict has failed too)."""
        return any(features.get(f"rule_{rule}", 0.0) > 0 for rule in self.calibration.rules)


def judged_verdict(fast: ClaimVerdict, yes: float, decision: KindDecision, read_passes: bool = False) -> ClaimVerdict:
    """The claim's verdict once the judge has said P(yes) = ``yes``: the fitted combination decides (a claim the
    fast checker passed, read on the caller's ``read_passes``: the ``judge_passes`` bar), the kept override rules
    still veto."""
    cal = decision.calibration
    features = {**fast.features, "fast": logit(fast.score), "judge": logit(yes), "judge_yes": round(yes, 4)}
    score = cal.score(features)
    hits = [rule for rule in sorted(cal.rules) if features.get(f"rule_{rule}", 0.0) > 0]
    clear = decision.judge_number_order if features.get("rule_number_order", 0.0) > 0 else None
    doubted = clear is not None and yes < clear  # numbers given the other way round, and the judge not sure
    supported = score >= cal.threshold and not doubted and not hits
    passed_bar: bool | None = None  # read against ``judge_passes``: whether P(yes) reached it
    if decision.passes_bar(fast, features, read_passes):  # a pass is kept unless the judge reads it below the bar;
        # one a rule sent (a negation clash, numbers reordered) must pass the combination too: the rule's doubt
        # cannot lower the bar a passed claim faces
        passed_bar = yes >= (decision.judge_passes or 0.0)
        supported = (supported if decision.sent_by_rule(features) else not hits) and passed_bar
    kind: Kind
    if supported:
        kind, reason, words = "supported", f"supported (the language model agrees: P(yes) {yes:.2f})", []
    elif hits and not fast.supported:
        kind, reason, words = fast.kind, fast.reason, fast.unsupported_words
    elif hits:
        kind, reason, words = _RULE_KIND[hits[0]], f"fails the {hits[0].replace('_', ' ')} rule", []
    elif doubted:
        kind, words = "misplaced", fast.unsupported_words
        reason = f"the source gives these numbers the other way round (the language model: P(yes) {yes:.2f})"
    else:
        kind, words = "unsupported", fast.unsupported_words
        reason = _judged_reason(yes, score, cal.threshold, decision.judge_passes if passed_bar is False else None)
    decided_by = "rule" if hits else "judge"
    return replace(fast, supported=supported, score=round(score, 4), unsupported_words=words, reason=reason,
                   features=features, kind=kind, decided_by=decided_by)  # fmt: skip


def _judged_reason(yes: float, score: float, threshold: float, bar: float | None) -> str:
    """Why a judged claim failed, true to the judge's reading: below the bar a passed claim must reach; read as
    "no"; or read as "yes" too weakly to outweigh the verifier and word overlap in the combination."""
    if bar is not None:
        return f"the language model is not sure enough of this (P(yes) {yes:.2f}, under the {bar:.2f} it must reach)"
    if yes < 0.5:
        return f"the language model does not find this in the source (P(yes) {yes:.2f})"
    return (
        f"the verifier and word overlap find little of this in the source, and the language model's yes "
        f"(P(yes) {yes:.2f}) does not outweigh them (together {score:.2f}, under {threshold:.2f})"
    )


@dataclass(frozen=True)
class JudgedDecisions:
    kinds: dict[str, KindDecision]

    def to_json(self) -> str:
        entries = {k: {**json.loads(d.calibration.to_json()), "band": list(d.band)} for k, d in self.kinds.items()}
        for k, d in self.kinds.items():
            entries[k]["failures_only"] = d.failures_only
            if d.window_words:
                entries[k]["window_words"] = d.window_words
            if d.judge_negations:
                entries[k]["judge_negations"] = True
            if d.judge_number_order is not None:
                entries[k]["judge_number_order"] = d.judge_number_order
            if d.judge_swaps is not None:
                entries[k]["judge_swaps"] = d.judge_swaps
            if d.judge_replacements is not None:
                entries[k]["judge_replacements"] = d.judge_replacements
            if d.judge_passes is not None:
                entries[k]["judge_passes"] = d.judge_passes
        return json.dumps(entries, indent=1)

    @classmethod
    def from_json(cls, text: str) -> JudgedDecisions:
        raw = json.loads(text)
        unknown = set(raw) - set(CHECK_KINDS)
        if unknown:
            raise ValueError(f"unknown kinds of check {sorted(unknown)}")
        kinds = {}
        for kind, entry in raw.items():
            band = entry.pop("band", [0.0, 1.0])
            failures_only = bool(entry.pop("failures_only", False))
            window_words = int(entry.pop("window_words", 0))
            judge_negations = bool(entry.pop("judge_negations", False))
            number_order = entry.pop("judge_number_order", None)
            passes = entry.pop("judge_passes", None)
            if passes is not None and not 0.0 < float(passes) < 1.0:
                raise ValueError(f"the {kind} decision's judge_passes must lie in (0, 1), not {passes}")
            margins = {key: entry.pop(key, None) for key in ("judge_swaps", "judge_replacements")}
            for key, value in margins.items():
                if value is not None and not 0.0 <= float(value) <= 6.0:
                    raise ValueError(f"the {kind} decision's {key} must lie in [0, 6], not {value}")
            if number_order is not None and not 0.0 < float(number_order) < 1.0:
                raise ValueError(f"the {kind} decision's judge_number_order must lie in (0, 1), not {number_order}")
            if window_words < 0:
                raise ValueError(f"the {kind} decision's window_words must be 0 or more, not {window_words}")
            calibration = Calibration.from_json(json.dumps(entry))
            if "judge" not in calibration.weights:
                raise ValueError(f"the {kind} decision has no weight for the judge")
            band_pair = (float(band[0]), float(band[1]))
            clear = None if number_order is None else float(number_order)
            swaps, replaced = (None if v is None else float(v) for v in margins.values())
            kinds[kind] = KindDecision(
                calibration,
                band_pair,
                failures_only,
                window_words,
                judge_negations,
                clear,
                swaps,
                replaced,
                None if passes is None else float(passes),
            )
        return cls(kinds)


def fitted_decisions() -> JudgedDecisions:
    return JudgedDecisions.from_json(JUDGED.read_text(encoding="utf-8"))
