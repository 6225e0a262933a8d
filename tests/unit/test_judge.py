"""The language model in the fidelity decision (per-claim judge, decision, cascade), with a scripted model.
Its real twin: tests/integration/test_fidelity_judge_real.py runs the embedded model."""

from __future__ import annotations

import dataclasses

import pytest

from service.errors import LLMUnavailable
from service.fidelity.calibration import LEXICAL, Calibration
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import ClaimJudge, logit, window_for, yes_probability
from service.fidelity.decision import JudgedDecisions, KindDecision, judged_verdict
from service.fidelity.judge_stage import JudgeStage
from service.prompts import PromptError, load_prompt
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, ScriptedLLM, yes

SOURCE = (
    "The council of Lyon voted 7 to 2 on Tuesday to close the Pont Wilson bridge. "
    "Repairs will cost 4 million euros, said the mayor, Grégory Doucet. "
    "A ferry will carry cyclists across the river in the meantime."
)
PROMPT = load_prompt(ROOT / "prompts", "fidelity-claim")
# judged: a claim scoring between 0.2 and 0.8 on the word-overlap calibration reaches the judge
JUDGED = Calibration({**LEXICAL.weights, "judge": 1.0}, LEXICAL.bias, 0.5, frozenset({"novel_number"}))
DECISION = KindDecision(JUDGED, (0.2, 0.8))


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
    assert (PROMPT.id, PROMPT.version) == ("fidelity-claim", 2)
    first = PROMPT.render(source=SOURCE, claim="A ferry will run.")
    second = PROMPT.render(source=SOURCE, claim="The mayor is Grégory Doucet.")
    prefix = first[1]["content"].split("Claim:")[0]
    assert first[0] == second[0] and second[1]["content"].startswith(prefix)  # the cached prefix is shared
    assert SOURCE in prefix and "yes or no" in first[0]["content"] and "yes or no" in prefix
    assert first[1]["content"].endswith("Claim: A ferry will run.")  # nothing after the claim: each further
    # claim of a source pays for its own tokens only
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


def test_a_pair_judged_before_is_not_asked_again() -> None:
    llm = ScriptedLLM(yes(0.9), yes(0.3), yes(0.7))
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    first = judge.probabilities(SOURCE, ["A ferry will run.", "The bridge will reopen."])
    assert judge.probabilities(SOURCE, ["The bridge will reopen.", "A ferry will run."]) == first[::-1]
    assert len(llm.prompts) == 2  # a retry's repeated sentences cost no call
    assert judge.probability(SOURCE + " More.", "A ferry will run.") == pytest.approx(0.7)  # another source
    assert len(llm.prompts) == 3
    fresh = ClaimJudge(lambda: llm, PROMPT, memo_size=0)  # type: ignore[arg-type,return-value]
    llm.replies += [yes(0.9), yes(0.8)]
    assert [fresh.probability(SOURCE, "A ferry will run.") for _ in range(2)] == pytest.approx([0.9, 0.8])


def test_auto_sends_only_the_unsure_claims_and_the_judge_decides_them() -> None:
    sure = "Repairs will cost 4 million euros, said the mayor, Grégory Doucet."
    unsure = "The library will close after a vote."
    fast = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, f"{sure} {unsure}")
    assert fast.claims[0].score > 0.8 and 0.2 <= fast.claims[1].score <= 0.8  # what the test relies on
    llm = ScriptedLLM(yes(0.05))
    report = checker(llm).check(SOURCE, f"{sure} {unsure}")
    assert len(llm.prompts) == 1 and llm.prompts[0][1]["content"].endswith(f"Claim: {unsure}")  # the unsure one
    assert [c.decided_by for c in report.claims] == ["signals", "judge"]
    assert report.claims[1].features["judge"] == pytest.approx(logit(0.05)) and not report.supported
    assert report.judged == 1 and "language model" in report.claims[1].reason


def test_always_judges_every_claim_and_off_none() -> None:
    text = "Repairs will cost 4 million euros. A ferry will carry cyclists."
    llm = ScriptedLLM(yes(0.9), yes(0.9))
    assert checker(llm, "always").check(SOURCE, text).judged == 2 and not llm.replies
    llm = ScriptedLLM()
    assert checker(llm, "off").check(SOURCE, text).judged == 0 and not llm.prompts


def test_a_kind_that_judges_failures_only_sends_the_failed_claims_and_leaves_passed_ones() -> None:
    passed = "Repairs will cost 4 million euros, said the mayor, Grégory Doucet."
    failed = "The library will close after a vote."
    fast = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, f"{passed} {failed}")
    assert fast.claims[0].supported and not fast.claims[1].supported  # what the test relies on
    confirming = dataclasses.replace(DECISION, band=(0.0, 1.0), failures_only=True)
    llm = ScriptedLLM(yes(0.97))
    report = checker(llm, decision=confirming).check(SOURCE, f"{passed} {failed}")
    assert len(llm.prompts) == 1 and llm.prompts[0][1]["content"].endswith(f"Claim: {failed}")
    assert [c.decided_by for c in report.claims] == ["signals", "judge"] and report.supported
    assert JudgedDecisions.from_json(JudgedDecisions({"rewrite": confirming}).to_json()).kinds["rewrite"] == confirming


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


def test_a_judged_failure_gives_the_judge_s_reading_as_it_was() -> None:
    """A claim the language model reads as "yes" can still fail when the verifier and word overlap outweigh it;
    the reason must not then say the model does not find it ("The library will close after a vote." printed
    "the language model does not find this in the source (P(yes) 0.86)")."""
    claim = "The library will close after a vote."
    fast = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, claim).claims[0]
    heavy = dataclasses.replace(JUDGED, weights={**JUDGED.weights, "judge": 0.01})  # the fast signals decide
    outweighed = judged_verdict(fast, 0.86, KindDecision(heavy, (0.2, 0.8)))
    assert not outweighed.supported and "does not find" not in outweighed.reason
    assert "P(yes) 0.86" in outweighed.reason and "does not outweigh" in outweighed.reason
    doubted = judged_verdict(fast, 0.1, DECISION)
    assert not doubted.supported and "does not find this in the source (P(yes) 0.10)" in doubted.reason
    faithful = FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, SOURCE.split(". ")[2]).claims[0]
    barred = judged_verdict(faithful, 0.7, dataclasses.replace(DECISION, judge_passes=0.8), read_passes=True)
    assert faithful.supported and not barred.supported and "under the 0.80 it must reach" in barred.reason


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


def test_a_short_answer_is_judged_with_its_question_and_the_passages_are_the_shared_prefix() -> None:
    llm = ScriptedLLM(yes(0.9), yes(0.9))
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    stage = JudgeStage(judge, JudgedDecisions({"answer": DECISION}), "always")  # type: ignore[arg-type]
    check = FidelityChecker(FakeEmbedder(dim=256), stage=stage)
    text = "7 to 2. The council voted to close the bridge on Tuesday."
    report = check.check_each([SOURCE], text, question="How did the council vote?")
    assert [c.decided_by for c in report.claims] == ["judge", "judge"]
    short, whole = (p[1]["content"] for p in llm.prompts)
    assert "Claim: How did the council vote: 7 to 2." in short  # two words say nothing without the question
    assert "Claim: The council voted to close the bridge on Tuesday." in whole  # a sentence stands alone
    assert short.split("Claim:")[0] == whole.split("Claim:")[0] and SOURCE in short  # one cached prefix


def test_an_uncited_answer_the_judge_supports_cites_the_passage_that_scores_it_best() -> None:
    from service.model import Chunk
    from service.qa.policy import QAPolicy
    from service.qa.retriever import Passage
    from service.qa.verify import AnswerVerifier

    texts = ["The council of Lyon met on Tuesday.", "Fedus worked on mixture-of-experts models at Google Brain."]
    passages = [Passage(Chunk("a", i, 0, len(t), t, "Title"), 0.1, 0.5, 1.0) for i, t in enumerate(texts)]
    reply = "At Google Brain, Fedus researched sparse expert networks."
    for policy, cited in ((QAPolicy(), [2]), (QAPolicy(repair_citations=False), [])):
        llm = ScriptedLLM(yes(0.99))
        judge = ClaimJudge(lambda llm=llm: llm, PROMPT)  # type: ignore[arg-type,misc]
        stage = JudgeStage(judge, JudgedDecisions({"answer": KindDecision(JUDGED, (0.0, 1.0))}))  # type: ignore[arg-type]
        answer = AnswerVerifier(FidelityChecker(FakeEmbedder(dim=256), stage=stage), policy).verify(
            "What did Fedus work on at Google?", reply, passages, {}
        )
        assert answer.fidelity is not None and answer.fidelity.claims[0].decided_by == "judge"
        assert answer.fidelity.supported and [c.number for c in answer.citations] == cited


def test_a_kind_that_reads_windows_sends_each_claim_its_window_and_says_so_in_its_json() -> None:
    filler = " ".join(f"Sentence number {n} is about the weather in spring." for n in range(10))
    source = f"{filler} The mayor, Grégory Doucet, opened the new ferry terminal. {filler}"
    llm = ScriptedLLM(yes(0.9))
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    windowed = dataclasses.replace(DECISION, band=(0.0, 1.0), window_words=40)
    stage = JudgeStage(judge, JudgedDecisions({"article": windowed}), "always")
    stage.apply(FidelityChecker(FakeEmbedder(dim=256)).check(source, "Grégory Doucet opened a ferry terminal."),
                source, "article")  # fmt: skip
    sent = llm.prompts[0][1]["content"]
    assert window_for(source, "Grégory Doucet opened a ferry terminal.", 40) in sent and filler not in sent
    again = JudgedDecisions.from_json(JudgedDecisions({"article": windowed}).to_json()).kinds["article"]
    assert again.window_words == 40
    whole = JudgedDecisions.from_json(JudgedDecisions({"article": DECISION}).to_json()).kinds["article"]
    assert whole.window_words == 0


def test_a_kind_that_judges_negations_sends_a_passed_claim_whose_negation_clashes() -> None:
    """The fast checker passes "will not carry" for "will carry" when its calibration keeps no negation rule (the
    shipped one does not); a kind with ``judge_negations`` sends the claim to the judge all the same, one
    without leaves it passed (the real twin: tests/integration/test_fidelity_judge_real.py)."""
    flipped = "A ferry will not carry cyclists across the river in the meantime."
    no_rule = dataclasses.replace(LEXICAL, rules=LEXICAL.rules - {"negation"})
    confirming = dataclasses.replace(DECISION, band=(0.0, 0.8), failures_only=True)
    for judge_negations, sent in ((False, 0), (True, 1)):
        llm = ScriptedLLM(yes(0.1))
        judge = ClaimJudge(lambda llm=llm: llm, PROMPT)  # type: ignore[arg-type,misc]
        kind = dataclasses.replace(confirming, judge_negations=judge_negations)
        stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}))
        report = FidelityChecker(FakeEmbedder(dim=256), calibration=no_rule, stage=stage).check(
            SOURCE, flipped, kind="rewrite"
        )
        assert report.claims[0].features["rule_negation"] == 1.0 and len(llm.prompts) == sent
        assert report.supported is not judge_negations
    again = JudgedDecisions.from_json(JudgedDecisions({"rewrite": kind}).to_json()).kinds["rewrite"]
    assert again.judge_negations


def test_a_kind_that_judges_number_order_fails_a_passed_swap_the_judge_doubts() -> None:
    """Two numbers given the other way round keep every word and number of the source, so the fast checker
    passes the claim; a kind with ``judge_number_order`` sends it to the judge all the same and fails it
    unless P(yes) reaches that value; a kind without leaves it passed; a claim in the source's order is not
    sent (the real twin: tests/integration/test_fidelity_judge_real.py)."""
    source = "In China, the top 10% now take home nearly 60% of the income."
    swap = "In China, the top 60% now take home nearly 10% of the income."
    confirming = dataclasses.replace(DECISION, band=(0.0, 0.8), failures_only=True)
    for value, p, sent, supported in ((None, 0.1, 0, True), (0.7, 0.1, 1, False), (0.7, 0.9, 1, True)):
        llm = ScriptedLLM(yes(p))
        judge = ClaimJudge(lambda llm=llm: llm, PROMPT)  # type: ignore[arg-type,misc]
        kind = dataclasses.replace(confirming, judge_number_order=value)
        stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}))
        report = FidelityChecker(FakeEmbedder(dim=256), stage=stage).check(source, swap, kind="rewrite")
        claim = report.claims[0]
        assert claim.features["rule_number_order"] == 1.0 and len(llm.prompts) == sent
        assert report.supported is supported, claim
        assert supported or (claim.kind == "misplaced" and "other way round" in claim.reason)
    faithful = FidelityChecker(FakeEmbedder(dim=256), stage=stage).check(source, source, kind="rewrite")
    assert faithful.supported and faithful.judged == 0 and faithful.claims[0].features["rule_number_order"] == 0
    again = JudgedDecisions.from_json(JudgedDecisions({"rewrite": kind}).to_json()).kinds["rewrite"]
    assert again.judge_number_order == 0.7
    assert (
        JudgedDecisions.from_json(JudgedDecisions({"rewrite": confirming}).to_json())
        .kinds["rewrite"]
        .judge_number_order
        is None
    )


def test_a_kind_with_a_bar_for_passes_reads_the_passed_claims_only_when_the_caller_asks() -> None:
    """A claim the fast checker passes is read by the judge only where the caller asks (``read_passes``: the
    rewriter, for a unit against its own source sentence) and the kind has a ``judge_passes`` bar; it then
    stays supported only if P(yes) reaches the bar (the real twin: tests/integration/test_fidelity_judge_real.py)."""
    faithful = "The council of Lyon voted 7 to 2 on Tuesday to close the Pont Wilson bridge."
    confirming = dataclasses.replace(DECISION, band=(0.0, 0.8), failures_only=True)
    cases = [  # (bar, caller asks, P(yes), claims read, supported)
        (None, True, 0.1, 0, True), (0.8, False, 0.1, 0, True), (0.8, True, 0.7, 1, False), (0.8, True, 0.9, 1, True),
    ]  # fmt: skip
    for bar, asks, p, sent, supported in cases:
        llm = ScriptedLLM(yes(p))
        judge = ClaimJudge(lambda llm=llm: llm, PROMPT)  # type: ignore[arg-type,misc]
        kind = dataclasses.replace(confirming, judge_passes=bar)
        stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}))
        report = FidelityChecker(FakeEmbedder(dim=256), stage=stage).check(
            SOURCE, faithful, kind="rewrite", read_passes=asks
        )
        assert len(llm.prompts) == sent and report.supported is supported, (bar, asks, p)
        assert supported or (report.claims[0].decided_by == "judge" and "P(yes) 0.70" in report.claims[0].reason)
    again = JudgedDecisions.from_json(JudgedDecisions({"rewrite": kind}).to_json()).kinds["rewrite"]
    assert again.judge_passes == 0.8
    with pytest.raises(ValueError, match="judge_passes"):
        JudgedDecisions.from_json(JudgedDecisions({"rewrite": dataclasses.replace(kind, judge_passes=1.5)}).to_json())


def test_a_passed_claim_a_rule_sends_to_the_judge_faces_the_bar_for_passes_too() -> None:
    """A claim whose negation clashes with the sentence is sent to the judge by ``judge_negations``; where the
    caller reads passes it must reach the ``judge_passes`` bar as well as the combination: the rule's doubt does
    not lower the bar a passed claim faces ("no one would find out how" written "no one didn't know how", P(yes)
    0.75, passed on the combination alone)."""
    flipped = "A ferry will not carry cyclists across the river in the meantime."
    no_rule = dataclasses.replace(LEXICAL, rules=LEXICAL.rules - {"negation"})
    kind = dataclasses.replace(DECISION, band=(0.0, 0.8), failures_only=True, judge_negations=True, judge_passes=0.8)
    for p, asks, supported in ((0.75, True, False), (0.9, True, True), (0.75, False, True)):
        llm = ScriptedLLM(yes(p))
        judge = ClaimJudge(lambda llm=llm: llm, PROMPT)  # type: ignore[arg-type,misc]
        stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}))
        report = FidelityChecker(FakeEmbedder(dim=256), calibration=no_rule, stage=stage).check(
            SOURCE, flipped, kind="rewrite", read_passes=asks
        )
        claim = report.claims[0]
        assert claim.features["rule_negation"] == 1.0 and len(llm.prompts) == 1, (p, asks)
        assert report.supported is supported, (p, asks, claim.score, claim.reason)
