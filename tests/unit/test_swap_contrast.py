"""A supported claim judged beside its twin with two names or numbers exchanged (service/fidelity/swap_contrast.py);
the real twin: tests/integration/test_fidelity_judge_real.py."""

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
from service.fidelity.swap_contrast import MAX_SWAPS, anchors, twins
from service.prompts import load_prompt
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, ScriptedLLM, yes

PROMPT = load_prompt(ROOT / "prompts", "fidelity-claim")
SOURCE = "Barret Zoph has resigned. William (Liam) Fedus replaced Barret Zoph at the start of the year."
CLAIM = "William (Liam) Fedus replaced Barret Zoph."
# the claim copies the source, so the fast checker passes it and, outside the band, the judge is not asked
DECISION = KindDecision(Calibration({**LEXICAL.weights, "judge": 1.0}, LEXICAL.bias, 0.5), (0.0, 0.0))


def check(llm: ScriptedLLM, margin: float | None, mode: str = "auto") -> FidelityChecker:
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    kind = dataclasses.replace(DECISION, judge_swaps=margin)
    return FidelityChecker(FakeEmbedder(dim=256), stage=JudgeStage(judge, JudgedDecisions({"article": kind}), mode))  # type: ignore[arg-type]


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
