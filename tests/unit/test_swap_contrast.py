"""A supported claim judged beside its twins with two names or numbers exchanged, or one replaced by another of its
evidence (service/fidelity/swap_contrast.py); the real twin: tests/integration/test_fidelity_judge_real.py."""

from __future__ import annotations

import dataclasses
import math

import pytest

from service.errors import LLMUnavailable
from service.fidelity.calibration import LEXICAL, Calibration
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import ClaimJudge
from service.fidelity.decision import JudgedDecisions, KindDecision
from service.fidelity.judge_stage import JudgeStage
from service.fidelity.swap_contrast import MAX_REPLACEMENTS, MAX_SWAPS, anchors, replacements, twins
from service.prompts import load_prompt
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, ScriptedLLM, yes

PROMPT = load_prompt(ROOT / "prompts", "fidelity-claim")
SOURCE = "Barret Zoph has resigned. William (Liam) Fedus replaced Barret Zoph at the start of the year."
CLAIM = "William (Liam) Fedus replaced Barret Zoph."
# the claim copies the source, so the fast checker passes it and, outside the band, the judge is not asked
DECISION = KindDecision(Calibration({**LEXICAL.weights, "judge": 1.0}, LEXICAL.bias, 0.5), (0.0, 0.0))


def check(
    llm: ScriptedLLM, margin: float | None, mode: str = "auto", replace: float | None = None, kind: str = "article"
) -> FidelityChecker:
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    decision = dataclasses.replace(DECISION, judge_swaps=margin, judge_replacements=replace)
    stage = JudgeStage(judge, JudgedDecisions({kind: decision}), mode)  # type: ignore[arg-type]
    return FidelityChecker(FakeEmbedder(dim=256), stage=stage)


def test_anchors_are_whole_names_and_numbers_in_digits() -> None:
    found = anchors("William (Liam) Fedus of OpenAI took 27.2% in 2024, not GPT-4 or o1.")
    assert [(a.text, a.kind) for a in found] == [
        ("William (Liam) Fedus", "name"),
        ("OpenAI", "name"),
        ("27.2%", "number"),
        ("2024", "number"),
        ("GPT-4", "name"),  # a name with a digit in it, not the number 4
    ]


def test_twins_exchange_two_names_or_numbers_the_evidence_holds_but_never_a_list() -> None:
    assert twins(CLAIM, SOURCE) == [
        ("William (Liam) Fedus", "Barret Zoph", "Barret Zoph replaced William (Liam) Fedus.")
    ]
    assert twins("Brazil and Peru objected to the bid.", "Brazil and Peru objected to the bid.") == []
    assert twins("The Bank of England raised rates.", "The Bank of England raised rates.") == []
    assert twins("Zoph replaced Murati.", "Zoph resigned.") == []  # Murati is not in the evidence
    numbers = twins("In Africa it is 27.2%, in Europe 45.6%.", "In Africa it is 45.6%; in Europe it is 27.2%.")
    assert ("27.2%", "45.6%", "In Africa it is 45.6%, in Europe 27.2%.") in numbers
    many = "Ann met Bob, then Cal met Dan, then Eve met Fay."
    assert len(twins(many, many)) == MAX_SWAPS


@pytest.mark.parametrize(
    ("own", "twin", "supported"),
    [(0.66, 0.83, False), (0.80, 0.66, True), (0.70, 0.74, True)],  # log-odds gains 0.92, -0.72, 0.20
)
def test_a_supported_claim_fails_when_its_twin_reads_better_by_the_margin(
    own: float, twin: float, supported: bool
) -> None:
    llm = ScriptedLLM(yes(own), yes(twin))
    report = check(llm, 0.5).check(SOURCE, CLAIM)
    claim = report.claims[0]
    assert len(llm.prompts) == 2 and report.supported is supported
    assert "Barret Zoph replaced William (Liam) Fedus." in str(llm.prompts[1])
    assert claim.features["swap_gain"] == pytest.approx(
        math.log(twin / (1 - twin)) - math.log(own / (1 - own)), abs=1e-3
    )
    if not supported:
        assert claim.kind == "misplaced" and claim.decided_by == "judge"
        assert '"William (Liam) Fedus" and "Barret Zoph" the other way round' in claim.reason


def test_without_a_margin_or_with_the_judge_off_no_twin_is_read() -> None:
    for margin, mode in ((None, "auto"), (0.5, "off")):
        llm = ScriptedLLM()
        assert check(llm, margin, mode).check(SOURCE, CLAIM).supported and llm.prompts == []


def test_a_claim_without_two_names_the_evidence_holds_is_not_read_twice() -> None:
    llm = ScriptedLLM()
    assert check(llm, 0.5).check(SOURCE, "Barret Zoph has resigned.").supported and llm.prompts == []


def test_a_model_that_does_not_answer_leaves_the_verdict_and_says_so() -> None:
    report = check(ScriptedLLM(LLMUnavailable("down")), 0.5).check(SOURCE, CLAIM)
    assert report.supported and "did not answer" in report.judge_note


def test_the_margin_round_trips_through_json_and_is_bounded() -> None:
    kind = dataclasses.replace(DECISION, judge_swaps=0.75)
    again = JudgedDecisions.from_json(JudgedDecisions({"article": kind}).to_json()).kinds["article"]
    assert again.judge_swaps == 0.75
    bad = JudgedDecisions({"article": dataclasses.replace(DECISION, judge_swaps=9.0)}).to_json()
    with pytest.raises(ValueError, match="judge_swaps"):
        JudgedDecisions.from_json(bad)


AXANI = "Jordan Axani, a 28-year-old developer, made it back to Canada with Elizabeth Quinn Gallagher."


def test_replacements_put_another_name_or_number_of_the_evidence_in_one_slot_nearest_first() -> None:
    found = replacements("Elizabeth Quinn Gallagher is 28 years old.", AXANI)
    assert ("Elizabeth Quinn Gallagher", "Jordan Axani", "Jordan Axani is 28 years old.") in found
    assert found[0][1] == "Canada"  # the nearest to Gallagher in the evidence comes first
    assert len(found) <= MAX_REPLACEMENTS
    wolves = "There are now an estimated 1,500 wolves in Poland. The number has doubled in 15 years."
    assert replacements("There are an estimated 15 wolves in Poland.", wolves) == [
        ("15", "1,500", "There are an estimated 1,500 wolves in Poland.")
    ]
    assert replacements("4%", "In China, sales fell by 23%; 450 shops; in Europe by 4%.") == [("4%", "23%", "23%")]


def test_a_replacement_is_never_part_of_a_name_the_claim_has_nor_a_name_it_lacks_in_the_evidence() -> None:
    assert replacements("Murati is a Canadian.", "Elizabeth Quinn Gallagher met Axani.") == []  # not held
    assert all(new != "Gallagher" for _, new, _ in replacements("Axani met Elizabeth Quinn Gallagher.",
                                                               "Axani met Gallagher in Toronto."))  # fmt: skip
    assert replacements("The wolves are back.", "There are 1,500 wolves.") == []  # no name or number to replace


def test_a_short_answer_and_its_replacement_are_asked_joined_to_the_question() -> None:
    llm = ScriptedLLM(yes(0.6), yes(0.9))
    sources = ["In China, sales fell by 23% after a food scare. In Europe, sales are down by 4%."]
    report = check(llm, None, replace=0.25, kind="answer").check_each(
        sources, "4%", question="By how much did sales fall in China?"
    )
    claim = report.claims[0]
    assert [str(p).count("By how much did sales fall in China: ") for p in llm.prompts] == [1, 1]
    assert "China: 23%" in str(llm.prompts[1])
    assert not report.supported and claim.kind == "misplaced" and claim.features["replace_gain"] > 0.25
    assert 'reads better with "23%" where this has "4%"' in claim.reason
    assert "swap_gain" not in claim.features  # no exchange read: that kind has no margin for it


def test_the_margins_round_trip_through_json_and_are_bounded() -> None:
    kind = dataclasses.replace(DECISION, judge_swaps=0.75, judge_replacements=1.5)
    again = JudgedDecisions.from_json(JudgedDecisions({"answer": kind}).to_json()).kinds["answer"]
    assert (again.judge_swaps, again.judge_replacements) == (0.75, 1.5)
    bad = JudgedDecisions({"answer": dataclasses.replace(DECISION, judge_replacements=-1.0)}).to_json()
    with pytest.raises(ValueError, match="judge_replacements"):
        JudgedDecisions.from_json(bad)


def test_an_answer_the_judge_has_just_read_on_its_passages_is_not_read_again_beside_its_twin() -> None:
    llm = ScriptedLLM(yes(0.9), yes(0.6))  # the judge's reading of "China: 4%", then its twin "China: 23%"
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    decision = dataclasses.replace(DECISION, band=(0.0, 1.0), judge_replacements=0.25)
    stage = JudgeStage(judge, JudgedDecisions({"answer": decision}), "auto")
    sources = ["In China, sales fell by 23% after a food scare. In Europe, sales are down by 4%."]
    report = FidelityChecker(FakeEmbedder(dim=256), stage=stage).check_each(  # type: ignore[arg-type]
        sources, "4%", question="By how much did sales fall in China?"
    )
    assert len(llm.prompts) == 2 and "China: 23%" in str(llm.prompts[1])
    assert report.supported and report.claims[0].features["replace_gain"] < 0
