"""The judge step of a fidelity check: the claims the decision sends to the language model are read by it,
one after another with the source as the shared prefix, and get the fitted combined verdict.

``auto``: only the claims whose fast score lies in their kind's band (the cascade; for a kind that judges
failures only, only those the fast checker failed), and, where the kind says so, those whose negation
clashes with their evidence; ``always``: every claim;
a kind with ``judge_swaps`` also reads each claim it supports beside its twins with two names or numbers
exchanged, and one with ``judge_replacements`` beside its twins with one name or number replaced by another of
its evidence (swap_contrast.py), under ``auto`` and ``always``;
``off``: none (the fast checker alone). A claim that an override rule kept with the judge already fails is
not sent (the judge cannot change it). When the model does not answer, the remaining claims keep their fast
verdict and the report says why (``judge_note``): a check never fails because the judge is down.
"""

from __future__ import annotations

import logging

from service.errors import LLMUnavailable
from service.fidelity.claim_judge import ClaimJudge
from service.fidelity.claims import in_context, without_citations
from service.fidelity.decision import CheckKind, JudgedDecisions, JudgeMode, judged_verdict
from service.fidelity.report import FidelityReport
from service.fidelity.swap_contrast import contrast

log = logging.getLogger("newsdesk.fidelity")


class JudgeStage:
    def __init__(self, judge: ClaimJudge, decisions: JudgedDecisions, mode: JudgeMode = "auto") -> None:
        self.judge = judge
        self.decisions = decisions
        self.mode = mode
        self.twins_on_source = True  # an answer's twins on its passages, not on its evidence sentences

    def apply(
        self, report: FidelityReport, source: str, kind: CheckKind, question: str = "", read_passes: bool = False
    ) -> FidelityReport:
        """``question``: the one the text answers; a short answer is judged joined to it ("2009" says nothing
        on its own; "In which year was the constitution adopted: 2009" does). ``read_passes``: the claims the
        fast checker passed are read too, where the kind has a ``judge_passes`` bar (decision.py)."""
        decision = self.decisions.kinds.get(kind)
        if self.mode == "off" or decision is None:
            return report
        verdicts = list(report.claims)
        note = ""
        for n, fast in enumerate(verdicts):
            claim = without_citations(fast.text)
            try:
                if decision.sends(self.mode, fast.score, fast.supported, fast.features, read_passes):
                    asked = in_context(question, claim) if question else claim
                    yes = self.judge.probability(source, asked, decision.window_words)
                    verdicts[n] = judged_verdict(fast, yes, decision, read_passes)
                twinned = decision.judge_swaps is not None or decision.judge_replacements is not None
                if twinned and verdicts[n].supported:
                    verdicts[n] = contrast(
                        self.judge, verdicts[n], claim, decision.judge_swaps, decision.judge_replacements,
                        asked=lambda text: in_context(question, text) if question else text,
                        context=source if question and self.twins_on_source else "",
                    )  # fmt: skip
            except LLMUnavailable as exc:
                note = f"the language model did not answer, so claims kept the fast verdict: {exc}"
                log.warning("fidelity judge unavailable: %s", exc)
                break
        return FidelityReport.of(verdicts, note)
