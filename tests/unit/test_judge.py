"""The language model in the fidelity decision (per-claim judge, decision, cascade), with a scripted model.
Its real twin: tests/integration/test_fidelity_judge_real.py runs the embedded model."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from service.errors import LLMUnavailable
from service.fidelity.calibration import LEXICAL, Calibration
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import ClaimJudge, logit, window_for, yes_probability
from service.fidelity.decision import JudgedDecisions, KindDecision, judged_verdict
from service.fidelity.judge_stage import JudgeStage
from service.prompts import PromptError, load_prompt
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

SOURCE = (
    "The council of Lyon voted 7 to 2 on Tuesday to close the Pont Wilson bridge. "
    "Repairs will cost 4 million euros, said the mayor, Grégory Doucet. "
    "A ferry will carry cyclists across the river in the meantime."
)
PROMPT = load_prompt(ROOT / "prompts", "fidelity-claim")
# judged: a claim scoring between 0.2 and 0.8 on the word-overlap calibration reaches the judge
JUDGED = Calibration({**LEXICAL.weights, "judge": 1.0}, LEXICAL.bias, 0.5, frozenset({"novel_number"}))
DECISION = KindDecision(JUDGED, (0.2, 0.8))


class ScriptedLLM:
    """Stands in for LLM.first_token_choices: replies in order (an exception is raised), records the prompts."""

    def __init__(self, *replies: tuple[str, dict[str, float]] | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[Any] = []

    def first_token_choices(self, messages: Any, top: int = 10) -> tuple[str, dict[str, float]]:
        self.prompts.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def yes(p: float) -> tuple[str, dict[str, float]]:
    return ("yes" if p >= 0.5 else "no"), {"yes": p, "no": 1 - p}


def checker(llm: ScriptedLLM, mode: str = "auto", decision: KindDecision = DECISION) -> FidelityChecker:
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    stage = JudgeStage(judge, JudgedDecisions({"article": decision}), mode)  # type: ignore[arg-type]
    return FidelityChecker(FakeEmbedder(dim=256), stage=stage)


@pytest.mark.parametrize(
    ("answer", "choices", "expected"),
    [
        ("yes", {"yes": 0.6, "Yes": 0.2, "no": 0.2}, 0.8),
        ("no", {" no": 0.75, " yes": 0.25, "maybe": 0.5}, 0.25),
        ("Yes.", {}, 1.0),  # a server without log-probabilities: the answer decides
        ("No", {}, 0.0),
        ("Perhaps", {"perhaps": 1.0}, 0.0),
    ],
)
def test_yes_probability(answer: str, choices: dict[str, float], expected: float) -> None:
    assert yes_probability(answer, choices) == pytest.approx(expected)


def test_the_claim_prompt_puts_the_source_first_and_the_claim_last() -> None:
    assert (PROMPT.id, PROMPT.version) == ("fidelity-claim", 1)
    first = PROMPT.render(source=SOURCE, claim="A ferry will run.")
    second = PROMPT.render(source=SOURCE, claim="The mayor is Grégory Doucet.")
    prefix = first[1]["content"].split("Claim:")[0]
    assert first[0] == second[0] and second[1]["content"].startswith(prefix)  # the cached prefix is shared
    assert SOURCE in prefix and "yes or no" in first[0]["content"]
    with pytest.raises(PromptError):
        PROMPT.render(source="S")


def test_a_long_source_is_judged_on_the_window_that_holds_the_claims_words() -> None:
    filler = " ".join(f"Sentence number {n} is about the weather in spring." for n in range(60))
    source = f"{filler} The mayor, Grégory Doucet, opened the new ferry terminal. {filler}"
    window = window_for(source, "Grégory Doucet opened a ferry terminal.", words=40)
    assert "Grégory Doucet" in window and len(window.split()) < 60 and window in source
    llm = ScriptedLLM(yes(0.9))
    judge = ClaimJudge(lambda: llm, PROMPT, max_source_words=100, window_words=40)  # type: ignore[arg-type,return-value]
    assert judge.probability(source, "Grégory Doucet opened a ferry terminal.") == pytest.approx(0.9)
    assert window in llm.prompts[0][1]["content"] and filler not in llm.prompts[0][1]["content"]


def test_auto_sends_only_the_unsure_claims_and_the_judge_decides_them() -> None:
    sure = "Repairs will cost 4 million euros, said the mayor, Grégory Doucet."
    unsure = "The library will close after a vote."
    fast = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, f"{sure} {unsure}")
    assert fast.claims[0].score > 0.8 and 0.2 <= fast.claims[1].score <= 0.8  # what the test relies on
    llm = ScriptedLLM(yes(0.05))
    report = checker(llm).check(SOURCE, f"{sure} {unsure}")
    assert len(llm.prompts) == 1 and llm.prompts[0][1]["content"].rstrip().endswith("Answer yes or no.")
    assert unsure in llm.prompts[0][1]["content"]
    assert [c.decided_by for c in report.claims] == ["signals", "judge"]
    assert report.claims[1].features["judge"] == pytest.approx(logit(0.05)) and not report.supported
    assert report.judged == 1 and "language model" in report.claims[1].reason


def test_always_judges_every_claim_and_off_none() -> None:
    text = "Repairs will cost 4 million euros. A ferry will carry cyclists."
    llm = ScriptedLLM(yes(0.9), yes(0.9))
    assert checker(llm, "always").check(SOURCE, text).judged == 2 and not llm.replies
    llm = ScriptedLLM()
    assert checker(llm, "off").check(SOURCE, text).judged == 0 and not llm.prompts


def test_a_claim_failed_by_a_rule_kept_with_the_judge_is_not_sent() -> None:
    llm = ScriptedLLM()
    report = checker(llm, "always").check(SOURCE, "Repairs will cost 9 million euros.")
    assert not llm.prompts and not report.supported and report.claims[0].kind == "novel"


def test_the_judge_can_pass_a_faithful_paraphrase_the_fast_checker_doubts() -> None:
    claim = "The library will close after a vote."
    fast = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, claim).claims[0]
    verdict = judged_verdict(fast, 0.97, DECISION)
    assert verdict.supported and verdict.decided_by == "judge" and verdict.unsupported_words == []
    assert verdict.score == pytest.approx(JUDGED.score({**fast.features, "judge": logit(0.97)}), abs=1e-4)


def test_a_model_that_does_not_answer_leaves_the_fast_verdict_and_says_so() -> None:
    llm = ScriptedLLM(LLMUnavailable("local model: cannot connect"))
    report = checker(llm, "always").check(SOURCE, "A ferry will carry cyclists.")
    assert report.judged == 0 and "cannot connect" in report.judge_note
    assert report.claims[0].decided_by == "signals"


def test_the_fitted_decisions_load_and_refuse_a_kind_without_the_judge() -> None:
    from service.fidelity.decision import fitted_decisions

    shipped = fitted_decisions()
    assert set(shipped.kinds) == {"article", "answer", "rewrite"}
    assert JudgedDecisions.from_json(shipped.to_json()) == shipped
    broken = dataclasses.replace(DECISION, calibration=LEXICAL)
    with pytest.raises(ValueError, match="no weight for the judge"):
        JudgedDecisions.from_json(JudgedDecisions({"article": broken}).to_json())


FOLLOW_UP = load_prompt(ROOT / "prompts", "fidelity-answer")
CONVERSATION = [
    {"role": "system", "content": "You answer questions about news articles."},
    {"role": "user", "content": f"Passages:\n[1] {SOURCE}\n\nQuestion: How did the council vote?"},
    {"role": "assistant", "content": "The council voted 7 to 2 [1]. It met on Tuesday [1]."},
]


def test_an_answer_sentence_is_judged_as_the_next_turn_of_its_conversation() -> None:
    llm = ScriptedLLM(yes(0.9), yes(0.2))
    judge = ClaimJudge(lambda: llm, PROMPT, follow_up=FOLLOW_UP)  # type: ignore[arg-type,return-value]
    assert judge.probability_in(CONVERSATION, "The council voted 7 to 2.") == pytest.approx(0.9)
    judge.probability_in(CONVERSATION, "It met on Tuesday.")
    first, second = llm.prompts
    assert first[:3] == CONVERSATION and second[:3] == CONVERSATION  # the conversation is the shared prefix
    assert first[3]["role"] == "user" and "The council voted 7 to 2." in first[3]["content"]
    assert "It met on Tuesday." in second[3]["content"] and len(first) == len(second) == 4


def test_the_judge_stage_asks_in_the_conversation_when_it_has_one() -> None:
    llm = ScriptedLLM(yes(0.95), yes(0.95), yes(0.95))
    judge = ClaimJudge(lambda: llm, PROMPT, follow_up=FOLLOW_UP)  # type: ignore[arg-type,return-value]
    stage = JudgeStage(judge, JudgedDecisions({"answer": DECISION}), "always")  # type: ignore[arg-type]
    check = FidelityChecker(FakeEmbedder(dim=256), stage=stage)
    report = check.check_each([SOURCE], "The council voted 7 to 2. It met on Tuesday.", conversation=CONVERSATION)
    assert [c.decided_by for c in report.claims] == ["judge", "judge"]
    assert all(p[:3] == CONVERSATION for p in llm.prompts)
    check.check_each([SOURCE], "The council voted 7 to 2.")  # no conversation: the passages are the source
    assert llm.prompts[-1][0]["content"] == PROMPT.system and SOURCE in llm.prompts[-1][1]["content"]
