"""Does a reply answer its question? The language model asked once, P(yes) from the first token's
log-probabilities (the fidelity judge's reading, ``yes_probability``).

The fidelity check reads whether the passages support a reply, not whether the reply is what was asked: a true
sentence on the question's topic ("The growing of coca leaves is legal in Bolivia." for "What is the market
price of coca leaves?") passes it. Used where the model's reply is drawn at a temperature after it refused,
the one place where such a sentence is likely; the threshold is fitted by ``bench/fit_relevance.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from service.fidelity.claim_judge import yes_probability
from service.llm.client import LLM
from service.prompts import Prompt
from service.qa.citations import strip_markers

RELEVANCE_THRESHOLD = 0.557  # the best balanced accuracy on the development pairs (bench/fit_relevance.py)


class RelevanceJudge:
    def __init__(self, llm: Callable[[], LLM], prompt: Prompt) -> None:
        self._llm = llm
        self.prompt = prompt

    def probability(self, question: str, reply: str) -> float:
        """P(yes): the reply gives what the question asks for (citation markers are left out)."""
        messages = self.prompt.render(question=question.strip(), reply=strip_markers(reply).strip())
        answer, choices = self._llm().first_token_choices(messages)
        return yes_probability(answer, choices)
