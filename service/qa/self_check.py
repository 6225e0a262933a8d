"""The model's second reading of its own answer: does the reply answer this question, by the passages?

The fidelity check reads whether the passages hold an answer's words and facts, not whether the answer is
what the question asked: "The family's hike lasted about 15 minutes" passes it when a passage says the
president had left 15 minutes earlier. So, after a shown answer, the model is asked once more in the same
conversation (the prompt that produced the reply, the reply, then ``prompts/qa-self-check.toml``), and P(yes)
is read from the first token's log-probabilities as the fidelity judge reads it. Right after the answer that
conversation is llama.cpp's cached prefix, so the question costs only its own few tokens. The threshold is
fitted on the development question sets (``bench/fit_self_check.py``); an answer below it is withheld.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from service.errors import LLMUnavailable
from service.fidelity.claim_judge import yes_probability
from service.llm.client import LLM
from service.prompts import Message, Prompt

SELF_CHECK_THRESHOLD = 0.0  # fitted by bench/fit_self_check.py on the development question sets


class SelfCheck:
    def __init__(self, llm: Callable[[], LLM], prompt: Prompt) -> None:
        self._llm = llm
        self.prompt = prompt

    def probability(self, messages: Sequence[Message], reply: str) -> float | None:
        """P(yes) that ``reply``, given to ``messages``, answers the question by the passages; None when the
        model does not answer (the answer is then kept as the fidelity check decided)."""
        follow_up: list[Message] = [
            *messages,
            {"role": "assistant", "content": reply},
            self.prompt.render()[-1],
        ]
        try:
            answer, choices = self._llm().first_token_choices(follow_up)
        except LLMUnavailable:
            return None
        return yes_probability(answer, choices)
