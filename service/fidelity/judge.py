"""The optional LLM-judge mode of the fidelity checker: one call per text, P(yes) from the first token.

Never required: the default checker works without it. Measured against FRANK's human labels like the
checker (`bench/llm_judge.py`, the `fidelity-frank-judge` eval suite); see docs/fidelity.md for what it adds on the
bundled model. With a stronger model (NEWSDESK_LLM_BASE_URL or OPENAI_API_KEY) the same code runs on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.fidelity.checker import FidelityChecker
from service.fidelity.report import FidelityReport
from service.llm.client import LLM
from service.prompts import Prompt

SOURCE_WORDS = 600  # the embedded model's prompt costs ~10 ms per token on 2 cores
COMBINED_THRESHOLD = 0.54  # mean of P(yes) and the checker score; tuned: bench/llm_judge.py --split valid


@dataclass(frozen=True)
class JudgedReport:
    checker: FidelityReport
    judge_yes: float  # the LLM's probability that every statement is supported
    combined: float  # mean of judge_yes and the checker's score
    supported: bool


class LLMJudge:
    def __init__(self, llm: Callable[[], LLM], prompt: Prompt, source_words: int = SOURCE_WORDS) -> None:
        self._llm = llm
        self._prompt = prompt
        self._source_words = source_words

    def probability(self, source: str, text: str) -> float:
        """P(yes): the text is supported by (the start of) the source."""
        cut = " ".join(source.split()[: self._source_words])
        messages = self._prompt.render(source=cut, text=text)
        answer, choices = self._llm().first_token_choices(messages)
        return yes_probability(answer, choices)

    def check(
        self, checker: FidelityChecker, source: str, text: str, threshold: float = COMBINED_THRESHOLD
    ) -> JudgedReport:
        return self.judge_report(checker.check(source, text), source, text, threshold)

    def judge_report(
        self, report: FidelityReport, source: str, text: str, threshold: float = COMBINED_THRESHOLD
    ) -> JudgedReport:
        """Add the LLM's verdict to a checker report already computed for the same source and text."""
        yes = self.probability(source, text)
        combined = (yes + report.score) / 2
        return JudgedReport(report, yes, combined, combined >= threshold)


def yes_probability(answer: str, choices: dict[str, float]) -> float:
    """P(yes) / (P(yes) + P(no)) over the first-token choices; the answer's first word when there are none."""
    yes = sum(p for token, p in choices.items() if token.strip().lower() in ("yes", "y"))
    no = sum(p for token, p in choices.items() if token.strip().lower() in ("no", "n"))
    if yes + no > 0:
        return yes / (yes + no)
    return 1.0 if answer.strip().lower().startswith("y") else 0.0
