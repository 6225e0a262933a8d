"""The contradiction model's step in the fidelity decision, with a scripted model (its real twin:
tests/integration/test_contradiction_real.py runs the shipped ONNX model)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from service.errors import LLMUnavailable
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import ClaimJudge
from service.fidelity.decision import JudgedDecisions, KindDecision
from service.fidelity.judge_stage import JudgeStage
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder, ScriptedLLM, yes
from tests.unit.test_judge import DECISION, PROMPT, SOURCE

FERRY = "A ferry will carry cyclists across the river in the meantime."
SWAPPED = "The council of Lyon voted 2 to 7 on Tuesday to close the Pont Wilson bridge."


class ScriptedContradiction:
    """Log-odds by claim text (0.0 for any other claim); records what it read."""

    def __init__(self, by_claim: dict[str, float]) -> None:
        self.by_claim = by_claim
        self.read: list[tuple[str, str]] = []

    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.read += list(pairs)
        return [self.by_claim.get(claim, 0.0) for _, claim in pairs]


def check(  # type: ignore[no-untyped-def]
    kind: KindDecision, said: ScriptedContradiction | None, text: str, llm: ScriptedLLM, mode: str = "auto",
    source: str = SOURCE, asked: bool = True,
):  # fmt: skip
    """The rewriter's own check of a unit (``asked``: it asks for the contradiction model's reading)."""
    judge = ClaimJudge(lambda: llm, PROMPT)  # type: ignore[arg-type,return-value]
    stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}), mode, said)  # type: ignore[arg-type]
    return FidelityChecker(FakeEmbedder(dim=256), stage=stage).check(
        source, text, kind="rewrite", read_passes=True, read_contradictions=asked
    )


def test_a_claim_read_as_contradicted_fails_without_a_judge_call() -> None:
    kind = dataclasses.replace(DECISION, contradiction=2.0)
    said = ScriptedContradiction({SWAPPED: 4.1})
    llm = ScriptedLLM()  # no reply queued: a judge call would fail the test
    sentence = SOURCE.split(". ")[0] + "."
    report = check(kind, said, SWAPPED, llm, source=sentence)
    claim = report.claims[0]
    assert not report.supported and claim.decided_by == "contradiction" and claim.kind == "unsupported"
    assert claim.features["contradiction"] == pytest.approx(4.1) and "says otherwise" in claim.reason
    assert llm.prompts == [] and said.read == [(sentence, SWAPPED)]  # the source sentence, then the claim


def test_a_claim_under_the_cut_goes_on_as_before_and_records_the_reading() -> None:
    kind = dataclasses.replace(DECISION, contradiction=2.0)
    said = ScriptedContradiction({FERRY: 1.9})
    report = check(kind, said, FERRY, ScriptedLLM(yes(0.9)))
    assert report.supported and report.claims[0].decided_by != "contradiction"
    assert report.claims[0].features["contradiction"] == pytest.approx(1.9)


def test_nothing_is_read_unless_the_caller_asks_the_kind_has_a_cut_and_the_stage_has_the_model() -> None:
    """A text checked against a whole article is never read: the model misfires on a premise of several
    sentences (docs/fidelity.md)."""
    said = ScriptedContradiction({FERRY: 9.0})
    assert check(DECISION, said, FERRY, ScriptedLLM(yes(0.9))).supported and said.read == []
    kind = dataclasses.replace(DECISION, contradiction=2.0)
    assert check(kind, said, FERRY, ScriptedLLM(yes(0.9)), asked=False).supported and said.read == []
    assert check(kind, None, FERRY, ScriptedLLM(yes(0.9))).supported
    assert check(kind, said, FERRY, ScriptedLLM(), mode="off").supported and said.read == []


def test_the_rewrite_policy_asks_for_it_and_can_switch_it_off() -> None:
    from service.rewrite.unit_check import RewritePolicy, check_unit, policy_without

    kind = dataclasses.replace(DECISION, band=(0.0, 1.0), failures_only=True, contradiction=2.0)
    sentence = SOURCE.split(". ")[0] + "."
    for policy, failed in (
        (RewritePolicy(judge_passes=False), True),
        (policy_without(["judge_passes", "contradictions"]), False),
    ):
        said = ScriptedContradiction({SWAPPED: 4.0})
        judge = ClaimJudge(lambda: ScriptedLLM(), PROMPT)  # type: ignore[arg-type,return-value]
        stage = JudgeStage(judge, JudgedDecisions({"rewrite": kind}), "auto", said)  # type: ignore[arg-type]
        result, _ = check_unit(FidelityChecker(FakeEmbedder(dim=256), stage=stage), sentence, SWAPPED, policy)
        assert bool(result.unsupported) is failed and bool(said.read) is failed


def test_the_contradiction_model_still_reads_when_the_judge_is_down() -> None:
    """It needs no language model: a claim it fails stays failed when the judge does not answer."""
    kind = dataclasses.replace(DECISION, band=(0.0, 1.0), contradiction=2.0)
    said = ScriptedContradiction({SWAPPED: 4.0})
    llm = ScriptedLLM(LLMUnavailable("the model is down"))
    report = check(kind, said, f"{FERRY} {SWAPPED}", llm, mode="always")
    assert report.judge_note and [c.supported for c in report.claims] == [True, False]


def test_the_cut_round_trips_and_is_validated() -> None:
    kind = dataclasses.replace(DECISION, contradiction=2.25)
    again = JudgedDecisions.from_json(JudgedDecisions({"rewrite": kind}).to_json()).kinds["rewrite"]
    assert again.contradiction == 2.25
    text = JudgedDecisions({"rewrite": dataclasses.replace(kind, contradiction=11.0)}).to_json()
    with pytest.raises(ValueError, match="contradiction"):
        JudgedDecisions.from_json(text)


def test_the_shipped_rewrite_decision_reads_contradictions_and_no_other_kind_does() -> None:
    shipped = JudgedDecisions.from_json((ROOT / "service/fidelity/model/judged.json").read_text()).kinds
    assert shipped["rewrite"].contradiction is not None
    assert shipped["article"].contradiction is None and shipped["answer"].contradiction is None
