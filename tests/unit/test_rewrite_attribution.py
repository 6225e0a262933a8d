"""A rewrite keeps who says what its sentence reports (service/rewrite/attribution.py), with the real parser."""

from __future__ import annotations

import pytest

from service.fidelity.checker import FidelityChecker
from service.prompts import load_prompt
from service.rewrite.attribution import attributions, lost_attribution
from service.rewrite.service import RewriteService
from service.rewrite.unit_check import RewritePolicy, check_unit
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM

ADDED = (
    "If we want to preserve them, we need to make sure that the digital objects we create today can still be"
    " rendered far into the future,” he added."
)  # the last sentence of a quotation whose opening mark is in the sentence before


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        (ADDED, ["he added"]),
        ("India’s wealthiest will quadruple their net worth by 2018, a report says, with many new millionaires.",
         ["report says"]),
        ("Sleep, she says, is the ultimate performance enhancer.", ["she says"]),
        ("Later, Obama met Jeremy Corbyn, who said they had an “excellent” 90-minute discussion.", ["who said"]),
        ("Transport is entering a new era, according to Allan Clelland, an industry expert.", ["according to"]),
        ("A 2010 report found that 75% of them have created a social media account.", ["report found"]),
        ("The three-day wedding was reported to have cost $80m.", ["wedding reported"]),
        # no attribution: "say" as "for example", an idiom, a verb with an object and no clause, words inside marks
        ("At the most, we’ll pay £15 plus reimbursement for, say, a meal for two.", []),
        ("Suffice to say there’s been significant interest from many companies.", []),
        ("Scientists found new ways to use little creatures.", []),
        ("The council asked residents to vote on the plan.", []),  # an active verb's "to" clause: a request
        ("“Over the course of two and a half days, I think we met about two dozen people.", []),
    ],
)  # fmt: skip
def test_an_attribution_is_a_reporting_verb_with_a_subject_governing_a_clause(sentence: str, said: list[str]) -> None:
    assert attributions(sentence) == said


def test_an_output_keeps_the_attribution_with_any_reporting_verb_and_its_subject() -> None:
    report = "Buyers of luxury goods are becoming more demanding, the Kotak Mahindra report says."
    assert lost_attribution(report, "Buyers of luxury goods are becoming more demanding. The report says this.") == []
    assert lost_attribution(report, "Buyers of luxury goods are becoming more demanding.") == ["report says"]
    assert lost_attribution("The cost of meat is rising fast.", "Meat costs more.") == []  # nothing to keep
    istat = "The jobless rate was 17.7% in 2014, according to Italy’s statistics institute, Istat."
    assert lost_attribution(istat, "The jobless rate was 17.7% in 2014, as reported by Istat.") == []


def test_the_rewriters_check_fails_an_output_that_drops_the_speaker_unless_the_rule_is_off() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    dropped = ADDED.replace("” he added.", ".").replace(",.", ".")
    check, _ = check_unit(checker, ADDED, dropped, RewritePolicy(judge_passes=False))
    assert check.failed and 'it leaves out who says it ("he added")' in check.problems()
    check, _ = check_unit(checker, ADDED, dropped, RewritePolicy(judge_passes=False, attribution=False))
    assert not check.unattributed
    kept = "He added that we need to make sure the digital objects we create today can still be rendered."
    check, _ = check_unit(checker, ADDED, kept, RewritePolicy(judge_passes=False))
    assert not check.unattributed


def test_the_retry_names_the_attribution_and_its_answer_is_kept() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    prompt = load_prompt(ROOT / "prompts", "rewrite-sentence")
    sentence = "Most of our customers are baby boomers who want to feel young again, the company's owner says."
    dropped = "Most of our customers are baby boomers who want to feel young again."
    llm = FakeLLM(
        [dropped, "The company's owner says most of their customers are baby boomers who want to feel young again."]
    )
    result = RewriteService(lambda: llm, checker, prompt, RewritePolicy(judge_passes=False)).run(sentence, "Bikes")  # type: ignore[arg-type,return-value]
    (unit,) = result.units
    assert unit.status == "rewritten" and unit.retried and unit.text.startswith("The company's owner says")
    assert 'who says it ("owner says")' in str(llm.prompts[1])
