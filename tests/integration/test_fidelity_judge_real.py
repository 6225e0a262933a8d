"""The language model in the fidelity decision on the real embedded model (the twin of tests/unit/test_judge.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest

from service.app import Newsdesk
from service.fidelity.claim_judge import ClaimJudge
from service.fidelity.decision import JudgedDecisions, fitted_decisions
from service.fidelity.judge_stage import JudgeStage
from service.settings import load_settings
from tests.conftest import SEED

COUNCIL = "The council voted 7 to 2 on Tuesday to close the library. The building will be sold next year."


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    nd = Newsdesk(load_settings(data_dir=tmp_path_factory.mktemp("judge") / "data"))
    yield nd
    nd.local_server.stop()


def test_the_source_is_read_once_for_all_the_claims_of_it(desk: Newsdesk) -> None:
    """llama.cpp's own count of the prompt tokens it evaluated: the second claim of a source pays only for the
    tokens after the shared prefix (the question and the source first, byte-stable; the claim last, with
    nothing after it but the chat template's few closing tokens)."""
    source = SEED.read_text(encoding="utf-8")
    judge = desk.claim_judge
    url = f"{desk.llm.endpoint.base_url}/chat/completions"
    evaluated = []
    for claim in ("Barret Zoph resigned from OpenAI.", "Luke Metz worked at OpenAI for more than two years."):
        messages = judge.prompt.render(source=source, claim=claim)
        body = {"model": "local", "messages": messages, "max_tokens": 1, "temperature": 0}
        reply = httpx.post(url, json=body, timeout=600, trust_env=False).json()
        evaluated.append(reply["timings"]["prompt_n"])
    assert evaluated[0] > 500 and evaluated[1] < 30, evaluated


def test_a_claim_judged_again_is_answered_from_memory(desk: Newsdesk, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = desk.llm.first_token_choices
    monkeypatch.setattr(desk.llm, "first_token_choices", lambda *a, **k: calls.append(1) or real(*a, **k))
    judge = ClaimJudge(lambda: desk.llm, desk.claim_judge.prompt)  # its own memory: nothing judged yet
    first = judge.probability(COUNCIL, "The library will close.")
    assert judge.probability(COUNCIL, "The library will close.") == first and 0.0 < first < 1.0
    assert len(calls) == 1


def test_the_judge_tells_a_faithful_claim_from_an_invented_one(desk: Newsdesk) -> None:
    source = SEED.read_text(encoding="utf-8")
    faithful, invented = desk.claim_judge.probabilities(
        source, ["Barret Zoph resigned from OpenAI.", "Barret Zoph was elected mayor of Paris."]
    )
    assert faithful > 0.5 > invented, (faithful, invented)


def test_the_judge_reading_a_claims_window_tells_a_faithful_claim_from_an_invented_one(desk: Newsdesk) -> None:
    """How the shipped article decision reads (its ``window_words``): the ~250 words of the seed that hold the
    claim's words, not the whole article (the unit twin: tests/unit/test_judge.py)."""
    source = SEED.read_text(encoding="utf-8")
    words = desk.checker_judging("auto").stage.decisions.kinds["article"].window_words  # type: ignore[union-attr]
    assert 0 < words < len(source.split())
    faithful = desk.claim_judge.probability(source, "Barret Zoph was in charge of the post-training team.", words)
    invented = desk.claim_judge.probability(source, "Barret Zoph was in charge of the Paris office.", words)
    assert faithful > 0.5 > invented, (faithful, invented)


def test_every_claim_judged_gets_a_verdict_that_says_the_language_model_decided(desk: Newsdesk) -> None:
    report = desk.checker_judging("always").check(COUNCIL, "The library will close after a vote. It has a pool.")
    assert report.judged == 2 and not report.judge_note
    assert all(c.decided_by in ("judge", "rule") for c in report.claims)
    assert all(0.0 <= c.features["judge_yes"] <= 1.0 for c in report.claims if c.decided_by == "judge")
    assert not report.claims[1].supported  # the source says nothing of a pool


def test_a_short_answer_is_judged_with_the_question_it_answers(desk: Newsdesk) -> None:
    """ "£36,200" is true of five days and false of forty: only the question tells which (the unit twin:
    tests/unit/test_judge.py)."""
    passage = (
        "Within five days, he had hit his target and raised £36,200. So popular was his campaign that within "
        "40 days he had raised a colossal £400,000."
    )
    check = desk.checker_judging("always")
    right = check.check_each([passage], "£36,200.", question="How much did he raise within five days?")
    wrong = check.check_each([passage], "£36,200.", question="How much had he raised within 40 days?")
    yes_right, yes_wrong = (r.claims[0].features["judge_yes"] for r in (right, wrong))
    assert yes_right > yes_wrong, (yes_right, yes_wrong)  # 0.91 against 0.84 on the embedded model


def test_the_rewrite_check_sends_its_fast_failures_to_the_judge_and_nothing_else(desk: Newsdesk) -> None:
    """The shipped rewrite decision judges failures only (the unit twin: tests/unit/test_judge.py): a faithful
    paraphrase the fast checker doubts is read by the model; a claim it passes, or one adding a name, is not."""
    checker = desk.checker_judging("auto")
    sentence = "The council voted 7 to 2 on Tuesday to close the library, which opened in 1901."
    passed = checker.check(sentence, "The council voted 7 to 2 on Tuesday to close the library.", kind="rewrite")
    assert passed.judged == 0 and passed.supported
    doubted = checker.check(sentence, "Most of the council wanted the old library shut.", kind="rewrite")
    assert doubted.claims[0].decided_by == "judge" and 0.0 <= doubted.claims[0].features["judge_yes"] <= 1.0
    named = checker.check(sentence, "Mayor Anne Hidalgo closed the library.", kind="rewrite")
    assert named.judged == 0 and not named.supported and named.claims[0].kind == "novel"


def test_the_rewriters_check_reads_its_passes_and_fails_a_changed_fact_the_words_hide(desk: Newsdesk) -> None:
    """A date changed in the source's own words ("the end of the 2030s" for "the mid-2030s") passes the fast
    checker; asked by the rewriter (``read_passes``), the shipped rewrite decision has the judge read the passed
    claim and fails it under the bar (``judge_passes``), while a faithful sentence passes the bar (the unit
    twin: tests/unit/test_judge.py). Without the rewriter's request the pass is not read."""
    checker = desk.checker_judging("auto")
    sentence = "NASA estimates that the spacecraft will be able to keep recording and transmitting until the mid-2030s."
    changed = (
        "NASA estimates that the spacecraft will be able to keep recording and transmitting until the end of the 2030s."
    )
    unread = checker.check(sentence, changed, kind="rewrite")
    assert unread.judged == 0 and unread.supported, unread.claims[0]
    read = checker.check(sentence, changed, kind="rewrite", read_passes=True)
    assert read.judged == 1 and not read.supported and read.claims[0].decided_by == "judge", read.claims[0]
    faithful = "NASA estimates that the spacecraft can keep recording and transmitting until the mid-2030s."
    kept = checker.check(sentence, faithful, kind="rewrite", read_passes=True)
    assert kept.judged == 1 and kept.supported, kept.claims[0]


def test_the_rewrite_check_sends_a_flipped_negation_to_the_judge_which_fails_it(desk: Newsdesk) -> None:
    """Word overlap cannot see a negation added to the same words; the shipped rewrite decision sends such a
    claim to the judge whatever its fast verdict (``judge_negations``; the unit twin: tests/unit/test_judge.py)."""
    sentence = "The temporary homes will be policed by the city, the mayor said on Monday."
    report = desk.checker_judging("auto").check(
        sentence, "The mayor said on Monday that the temporary homes will not be policed.", kind="rewrite"
    )
    claim = report.claims[0]
    assert claim.features["rule_negation"] == 1.0 and claim.decided_by == "judge", claim
    assert not report.supported, claim


def test_the_rewrite_check_sends_two_numbers_given_the_other_way_round_to_the_judge_which_fails_them(
    desk: Newsdesk,
) -> None:
    """Every word and number of a swap is the source's, so the fast checker passes it; the shipped rewrite
    decision sends a claim whose numbers its evidence gives the other way round to the judge
    (``judge_number_order``; the unit twin: tests/unit/test_judge.py), and the same sentence in the source's
    order is not sent."""
    sentence = "In China, the top 10% now take home nearly 60% of the income."
    checker = desk.checker_judging("auto")
    swap = checker.check(sentence, "In China, the top 60% now earn nearly 10% of the income.", kind="rewrite")
    claim = swap.claims[0]
    assert claim.features["rule_number_order"] == 1.0 and claim.decided_by == "judge", claim
    assert not swap.supported and claim.kind == "misplaced", claim
    kept = checker.check(sentence, "In China, the top 10% now earn nearly 60% of the income.", kind="rewrite")
    assert kept.supported and kept.judged == 0, kept.claims[0]


def test_a_claim_whose_twin_with_two_names_exchanged_reads_better_fails(desk: Newsdesk) -> None:
    """Every word of "Barret Zoph replaced William (Liam) Fedus." is its source's and the judge alone passes
    it; read beside its twin with the two names exchanged, which the source supports, it fails (the shipped
    article decision's ``judge_swaps``; the unit twin: tests/unit/test_swap_contrast.py), and the claim the
    right way round passes."""
    source = (
        "At the same time, reliable sources revealed that Barret Zoph, who was in charge of the post-training "
        "team, has also resigned, and his position was taken over by William (Liam) Fedus."
    )
    checker = desk.checker_judging("auto")
    swap = checker.check(source, "Barret Zoph replaced William (Liam) Fedus.")
    claim = swap.claims[0]
    assert not swap.supported and claim.kind == "misplaced" and claim.features["swap_gain"] > 0, claim
    kept = checker.check(source, "William (Liam) Fedus replaced Barret Zoph.")
    assert kept.supported and kept.claims[0].features["swap_gain"] < 0, kept.claims[0]


def test_an_answer_whose_twin_with_another_figure_of_its_passage_reads_better_fails(desk: Newsdesk) -> None:
    """ "£400,000" answering "How much did he raise within five days?" is a figure of its passage, and the fast
    check passes it; read beside its twin with the passage's other figure ("£36,200", the five days' sum), it
    fails with ``judge_replacements`` set on the shipped answer decision (measured, not shipped: docs/fidelity.md;
    the unit twin: tests/unit/test_swap_contrast.py), and the right figure passes."""
    passage = (
        "So he tried crowdfunding on a US website, Indiegogo, which had recently opened up in the UK. Within five "
        "days, he had hit his target and raised £36,200. So popular was his campaign at the end of 2012 to entice "
        "donations from the public that within 40 days he had raised a colossal £400,000."
    )
    shipped = fitted_decisions()
    answer = dataclasses.replace(shipped.kinds["answer"], judge_replacements=0.1)
    stage = JudgeStage(desk.claim_judge, JudgedDecisions({**shipped.kinds, "answer": answer}), "auto")
    checker = desk.checker_judging("auto")
    checker.stage = stage
    question = "How much did he raise within five days?"
    wrong = checker.check_each([passage], "£400,000", question=question)
    claim = wrong.claims[0]
    assert not wrong.supported and claim.kind == "misplaced" and claim.features["replace_gain"] > 0, claim
    right = checker.check_each([passage], "£36,200", question=question)
    assert right.supported and right.claims[0].features["replace_gain"] < 0, right.claims[0]
