"""The checker's use of a verifier (windows, batching, calibration, rules) with a scripted verifier.
Its real twin: tests/integration/test_fidelity_real.py runs the shipped model."""

import pytest

from service.fidelity.calibration import LEXICAL, RULES, Calibration
from service.fidelity.checker import FidelityChecker
from tests.fakes import FakeEmbedder, FakeVerifier

SOURCE = (
    "The council of Lyon voted on Tuesday to close the Pont Wilson bridge. "
    "Repairs will cost 4 million euros, said the mayor, Grégory Doucet. "
    "The bridge will not reopen before 2026. "
    "A ferry will carry cyclists across the river in the meantime. "
    "Shops near the bridge expect fewer customers."
)
VERIFIER_ONLY = Calibration({"verifier": 1.0}, bias=0.0, threshold=0.5, rules=frozenset())


def checker(verifier: FakeVerifier, calibration: Calibration = VERIFIER_ONLY, windows: int = 2) -> FidelityChecker:
    return FidelityChecker(FakeEmbedder(dim=256), verifier, calibration, windows=windows)


def test_each_claim_is_shown_a_few_exact_source_windows_one_call_per_rank() -> None:
    verifier = FakeVerifier(default=0.2)
    checker(verifier, windows=2).check(SOURCE, "Lyon will close the bridge. A ferry will carry cyclists.")
    assert verifier.calls == 2 and len(verifier.pairs) == 4
    for premise, _claim in verifier.pairs:
        assert premise in SOURCE and premise.count(".") <= 3


def test_a_claim_stops_reading_windows_once_one_supports_it() -> None:
    text = "Lyon will close the bridge. A ferry will carry cyclists."
    verifier = FakeVerifier({"ferry": 0.9}, default=0.2)
    report = checker(verifier, windows=3).check(SOURCE, text)
    assert [claim for _, claim in verifier.pairs].count("A ferry will carry cyclists.") == 1
    assert [claim for _, claim in verifier.pairs].count("Lyon will close the bridge.") == 3
    assert [c.supported for c in report.claims] == [False, True]
    every = FakeVerifier({"ferry": 0.9}, default=0.2)
    FidelityChecker(FakeEmbedder(dim=256), every, VERIFIER_ONLY, windows=3, stop_at=None).check(SOURCE, text)
    assert len(every.pairs) == 6


def test_the_verifier_decides_a_paraphrase_that_word_overlap_doubts() -> None:
    text = "Doucet put the bill for fixing it at four million euros."
    assert not FidelityChecker(FakeEmbedder(dim=256)).check(SOURCE, text).supported  # word overlap alone
    report = checker(FakeVerifier({"bill": 0.95})).check(SOURCE, text)
    assert report.supported and report.score == pytest.approx(0.95, abs=0.01)
    swapped = checker(FakeVerifier({"bill": 0.05})).check(SOURCE, text)
    assert not swapped.supported


def test_evidence_is_the_best_window_and_its_sentences_that_share_words() -> None:
    class ByWindow(FakeVerifier):
        def probabilities(self, pairs: list[tuple[str, str]]) -> list[float]:  # type: ignore[override]
            return [0.9 if "ferry" in premise else 0.2 for premise, _ in pairs]

    report = checker(ByWindow(), windows=5).check(SOURCE, "Cyclists can cross the river by ferry.")
    [claim] = report.claims
    assert claim.supported
    assert any("ferry" in e.text for e in claim.evidence)
    assert all(SOURCE[e.start : e.end] == e.text for e in claim.evidence)


@pytest.mark.parametrize(
    ("rule", "text", "reason"),
    [
        ("novel_number", "Repairs will cost 9 million euros, said the mayor.", "not in the source: 9"),
        ("novel_name", "Repairs will cost 4 million euros, said the mayor, Anne Hidalgo.", "not in the source"),
        ("negation", "The bridge will reopen before 2026.", "negation"),
    ],
)
def test_a_rule_overrides_the_score_only_when_it_is_switched_on(rule: str, text: str, reason: str) -> None:
    sure = FakeVerifier(default=0.99)
    assert checker(sure).check(SOURCE, text).supported
    with_rule = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({rule}))
    report = checker(sure, with_rule).check(SOURCE, text)
    assert not report.supported and reason in report.claims[0].reason
    assert report.claims[0].kind == {"novel_number": "novel", "novel_name": "novel"}.get(rule, rule)
    assert report.claims[0].invented == rule.startswith("novel")
    assert checker(sure).check(SOURCE, text).claims[0].invented == rule.startswith("novel")  # rule off: still seen
    assert report.claims[0].features[f"rule_{rule}"] == 1.0  # measured whether on or not


def test_calibration_round_trips_and_refuses_unknown_rules() -> None:
    cal = Calibration({"verifier": 0.8, "order": 1.2}, -0.3, 0.42, frozenset(RULES[:2]))
    assert Calibration.from_json(cal.to_json()) == cal
    with pytest.raises(ValueError, match="unknown fidelity rules"):
        Calibration.from_json('{"weights": {}, "bias": 0, "threshold": 0.5, "rules": ["vibes"]}')


def test_a_verifier_calibration_without_a_verifier_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the verifier"):
        FidelityChecker(FakeEmbedder(), None, VERIFIER_ONLY)
    assert not LEXICAL.uses_verifier


def test_the_verifiers_confident_no_overrides_a_high_combined_score_only_with_the_rule_on() -> None:
    text = "The bridge will reopen before 2026."  # every word is in the source: overlap is high
    overlap_heavy = Calibration({"verifier": 0.01, "order": 6.0}, -3.0, 0.5, frozenset(), veto=0.09)
    unsure = FakeVerifier(default=0.2)  # not sure enough: the combined score decides
    assert checker(unsure, overlap_heavy).check(SOURCE, text).supported
    sure_no = FakeVerifier(default=0.03)
    assert checker(sure_no, overlap_heavy).check(SOURCE, text).supported  # rule off
    with_rule = Calibration(overlap_heavy.weights, -3.0, 0.5, frozenset({"contradicted"}), veto=0.09)
    [claim] = checker(sure_no, with_rule).check(SOURCE, text).claims
    assert not claim.supported and "verifier finds no support" in claim.reason
    assert claim.features["rule_contradicted"] == 1.0 and not claim.invented
    assert checker(unsure, with_rule).check(SOURCE, text).supported
    assert Calibration.from_json(with_rule.to_json()).veto == 0.09


def test_a_claim_with_a_negation_word_meets_its_own_lower_veto() -> None:
    # The verifier reads "not" as a sign of no support, so a negated claim needs a surer "no" to be vetoed.
    overlap_heavy = Calibration({"verifier": 0.01, "order": 6.0}, -3.0, 0.5, frozenset({"contradicted"}), 0.09, 0.03)
    fairly_sure_no = FakeVerifier(default=0.05)
    plain, negated = "The bridge will reopen before 2026.", "The bridge will not reopen before 2026."
    [claim] = checker(fairly_sure_no, overlap_heavy).check(SOURCE, plain).claims
    assert "verifier finds no support" in claim.reason and claim.features["negated"] == 0.0
    [claim] = checker(fairly_sure_no, overlap_heavy).check(SOURCE, negated).claims
    assert claim.supported and claim.features["negated"] == 1.0
    assert not checker(FakeVerifier(default=0.02), overlap_heavy).check(SOURCE, negated).supported
    assert Calibration.from_json(overlap_heavy.to_json()) == overlap_heavy
    old = '{"weights": {}, "bias": 0, "threshold": 0.5, "rules": [], "veto": 0.09}'
    assert Calibration.from_json(old).veto_negated == 0.09  # a file without it keeps one cut-off


def test_a_number_written_another_way_is_the_sources_number() -> None:
    guards = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({"novel_number", "misplaced"}))
    source = "A 10kg bag of rocks is lifted to about 2m. It falls slowly."
    sure = checker(FakeVerifier(default=0.99), guards)
    for same in ("A ten-kilogram bag is lifted to about two metres.", "One bag of rocks is lifted to 2m."):
        assert sure.check(source, same).supported, same
    report = sure.check(source, "A bag is lifted to about three metres.")
    assert not report.supported and "three" in report.claims[0].reason


def test_a_unit_spelled_out_as_its_number_is_the_sources_number_but_another_number_is_not() -> None:
    guards = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({"novel_number", "misplaced"}))
    source = "Coal will catch oil within a decade. Farmers have chewed coca for centuries. It lasts a fortnight."
    sure = checker(FakeVerifier(default=0.99), guards)
    for same in (
        "Coal will catch oil within ten years.",
        "Farmers have chewed coca for hundreds of years.",
        "It lasts two weeks.",
    ):
        assert sure.check(source, same).supported, same
    for wrong, number in (
        ("Coal will catch oil within twenty years.", "twenty"),
        ("Farmers have chewed coca for thousands of years.", "thousands"),
        ("It lasts three weeks.", "three"),
    ):
        report = sure.check(source, wrong)
        assert not report.supported and number in report.claims[0].reason, wrong


def test_a_unit_or_million_written_out_is_the_sources_but_metres_read_as_millions_are_not() -> None:
    guards = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({"novel_number", "misplaced"}))
    sure = checker(FakeVerifier(default=0.99), guards)
    assert sure.check("Its mountains formed 100m years ago.", "Its mountains formed 100 million years ago.").supported
    report = sure.check("The town's new wall is 10m high.", "The town's new wall is 10 million high.")
    assert not report.supported and "million" in report.claims[0].reason
    lexical = checker(FakeVerifier(default=0.99), LEXICAL)  # word coverage decides: the unit's words count
    source = "The distance to Pluto – 5bn km – is vast."
    assert lexical.check(source, "The distance to Pluto is 5 billion kilometres.").claims[0].unsupported_words == []
    assert lexical.check(source, "The distance to Pluto is 5 billion miles.").claims[0].unsupported_words == ["miles"]


def test_a_claim_giving_a_verbs_doer_and_receiver_the_other_way_round_fails_but_the_passive_does_not() -> None:
    guards = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({"role_swap"}))
    source = "Omar Abdullah has lobbied the British High Commission to relax the guidelines. The talks failed."
    sure = checker(FakeVerifier(default=0.99), guards)
    for same in (
        "The British High Commission was lobbied by Omar Abdullah.",
        "Omar Abdullah lobbied the British High Commission.",
        "He lobbied the British High Commission.",  # a pronoun is not read
    ):
        assert sure.check(source, same).supported, same
    for swapped in (
        "The British High Commission lobbied Omar Abdullah.",
        "Omar Abdullah was lobbied by the British High Commission.",
    ):
        report = sure.check(source, swapped)
        assert not report.supported and "other way round" in report.claims[0].reason, swapped
        assert report.claims[0].decided_by == "rule"
    off = checker(FakeVerifier(default=0.99), Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset()))
    assert off.check(source, "The British High Commission lobbied Omar Abdullah.").supported  # the rule is a switch


def test_a_rare_word_in_another_form_of_its_evidence_is_not_misplaced_but_a_name_still_is() -> None:
    from service.fidelity.signals import same_root

    assert same_root("capitalist", {"capital"}) and same_root("crowdfund", {"crowdfunder"})
    assert not same_root("mural", {"slab"}) and not same_root("cap", {"capital"})  # too short to share a root
    guards = Calibration(VERIFIER_ONLY.weights, 0.0, 0.5, frozenset({"misplaced"}))
    source = (
        "Ms Roberts put venture capital into the start-up last year. The weather was mild. Rain fell on Tuesday. "
        "The harbour stayed open. Ms Robertson runs the firm. Its crowdfunding page is closed. Venture "
        "capitalists like it."
    )
    sure = checker(FakeVerifier(default=0.99), guards)
    assert sure.check(source, "Ms Roberts put money from venture capitalists into the start-up last year.").supported
    report = sure.check(source, "Ms Roberts put crowdfunding into the start-up last year.")  # far from its evidence
    assert not report.supported and "crowdfunding" in report.claims[0].reason
    report = sure.check(source, "Ms Robertson put venture capital into the start-up last year.")
    assert not report.supported and "robertson" in report.claims[0].reason.lower()  # a name has no other forms
