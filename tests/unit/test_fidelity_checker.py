import pytest

from service.fidelity.checker import FidelityChecker
from service.fidelity.question_names import question_aliases
from service.fidelity.signals import word_form, words_to_show
from service.text import stem
from tests.conftest import SEED
from tests.fakes import FakeEmbedder

SOURCE = (
    "The council of Lyon voted on Tuesday to close the Pont Wilson bridge. "
    "Repairs will cost 4 million euros, said the mayor, Grégory Doucet. "
    "The bridge will not reopen before 2026. "
    "A ferry will carry cyclists across the river in the meantime."
)


@pytest.fixture
def checker() -> FidelityChecker:
    return FidelityChecker(FakeEmbedder(dim=256))


def test_faithful_text_is_supported_with_evidence_offsets(checker: FidelityChecker) -> None:
    text = "The council of Lyon voted on Tuesday to close the Pont Wilson bridge. Repairs will cost 4 million euros."
    report = checker.check(SOURCE, text)
    assert report.supported and len(report.claims) == 2
    for claim in report.claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.unsupported_words == []
        assert all(SOURCE[e.start : e.end] == e.text for e in claim.evidence)
    assert "4 million euros" in report.claims[1].evidence[0].text


@pytest.mark.parametrize(
    ("text", "reason", "word"),
    [
        ("Repairs will cost 9 million euros, said the mayor.", "not in the source: 9", "9"),
        ("Repairs will cost 4 million euros, said the mayor, Anne Hidalgo.", "not in the source", "hidalgo"),
        ("The bridge will reopen before 2026.", "negation", None),
        ("The council of Lyon did not vote to close the Pont Wilson bridge.", "negation", None),
        ("The council of Paris voted on Tuesday to close the Pont Wilson bridge.", "not in the source", "paris"),
    ],
)
def test_planted_errors_are_flagged_with_the_words_at_fault(
    checker: FidelityChecker, text: str, reason: str, word: str | None
) -> None:
    report = checker.check(SOURCE, text)
    assert not report.supported
    [claim] = report.unsupported
    assert reason in claim.reason
    if word:
        assert word in claim.unsupported_words


def test_the_words_shown_without_support_leave_out_grammar_and_the_source_s_own_words_in_another_form(
    checker: FidelityChecker,
) -> None:
    # "voted" in the source: "vote" is not a word the source lacks, nor is "was"; "unanimous" is
    [claim] = checker.check(SOURCE, "The vote was unanimous.").claims
    assert not claim.supported
    assert claim.unsupported_words == ["unanimous"]


@pytest.mark.parametrize(
    ("word", "other"),
    [("vote", "voted"), ("decide", "decided"), ("study", "studies"), ("stop", "stopped"), ("close", "closing"),
     ("use", "used"), ("try", "tried"), ("library", "libraries"), ("bus", "buses")],
)  # fmt: skip
def test_the_forms_of_one_word_meet(word: str, other: str) -> None:
    assert word_form(stem(word)) == word_form(stem(other))
    assert words_to_show([word], {stem(other)}, []) == []


def test_a_number_or_a_name_is_always_shown() -> None:
    assert words_to_show(["4", "paris", "was"], {"4", "pari"}, ["paris"]) == ["4", "paris"]


def test_an_acronym_spelled_out_adds_no_name_and_a_different_name_still_does(checker: FidelityChecker) -> None:
    source = "In 2011, Bolivia notified the UN of its withdrawal from the convention."
    spelled = checker.check(source, "In 2011, Bolivia notified the United Nations of its withdrawal.").claims[0]
    assert spelled.features["rule_novel_name"] == 0.0 and spelled.kind != "novel"
    other = checker.check(source, "In 2011, Bolivia notified the European Union of its withdrawal.").claims[0]
    assert other.features["rule_novel_name"] == 1.0 and "european" in other.unsupported_words


def test_a_nationality_word_draws_on_its_place_and_a_different_place_still_does_not(
    checker: FidelityChecker,
) -> None:
    source = "The service will open across Europe next year, said the company's founder, Anna Berg."
    same = checker.check(source, "The European service will open next year, said Anna Berg.").claims[0]
    assert same.features["rule_novel_name"] == 0.0 and "european" not in same.unsupported_words
    other = checker.check(source, "The African service will open next year, said Anna Berg.").claims[0]
    assert other.features["rule_novel_name"] == 1.0 and "african" in other.unsupported_words


def test_a_number_written_without_its_thousands_separator_is_the_same_word(checker: FidelityChecker) -> None:
    source = "A poll of more than 1,000 employers found that 17% of them used the contracts."
    claim = "A poll of {} employers found that 17% used them."
    with_comma, without = (checker.check(source, claim.format(n)) for n in ("1,000", "1000"))
    word_level = ("order", "coverage", "rare_novel", "rule_novel_number", "rule_misplaced")
    assert all(without.claims[0].features[k] == with_comma.claims[0].features[k] for k in word_level)
    assert without.claims[0].features["coverage"] == 1.0 and without.supported
    assert not checker.check(source, claim.format("1001")).supported


def test_content_absent_from_the_source_scores_low(checker: FidelityChecker) -> None:
    report = checker.check(SOURCE, "Scientists discovered water on a distant moon of Saturn last week.")
    assert not report.supported and report.score < 0.3


def test_a_name_taken_from_another_part_of_the_article_is_flagged(checker: FidelityChecker) -> None:
    source = SEED.read_text()
    report = checker.check(source, "Barret Zoph resigned, and his position was taken over by Mira Murati.")
    assert not report.supported
    assert "murati" in report.unsupported[0].unsupported_words


def test_citation_markers_and_empty_claims_are_ignored(checker: FidelityChecker) -> None:
    report = checker.check(SOURCE, "Repairs will cost 4 million euros [1]. Yes.")
    assert report.supported and len(report.claims) == 1
    assert checker.check(SOURCE, "").supported and checker.check(SOURCE, "").score == 1.0


def test_sources_are_indexed_once(checker: FidelityChecker) -> None:
    embedder = checker._embedder
    assert isinstance(embedder, FakeEmbedder)
    checker.check(SOURCE, "The bridge will close.")
    before = embedder.texts_embedded
    checker.check(SOURCE, "The ferry carries cyclists.")
    assert embedder.texts_embedded == before + 1  # only the new claim


def test_a_claim_stitched_from_two_passages_is_not_supported_by_either(checker: FidelityChecker) -> None:
    oxfam = "The report was published in Davos. Barbara Stocking, Oxfam's Chief Executive, criticised extreme wealth."
    bonuses = "Men get salary top-ups of £141,500 more than women. The figures came from a survey of managers."
    claim = "Barbara Stocking's salary is £141,500."
    joined = checker.check(f"{oxfam}\n\n{bonuses}", claim).claims[0]
    assert not joined.reason.startswith("not in the source")  # every word is somewhere in the joined text
    separate = checker.check_each([oxfam, bonuses], claim)
    assert not separate.supported
    assert separate.claims[0].reason.startswith("not in the source")
    fine = checker.check_each([bonuses, oxfam], "Barbara Stocking is Oxfam's Chief Executive.")
    assert fine.supported and "Stocking" in fine.claims[0].evidence[0].text


def test_a_full_name_from_the_question_is_not_new_to_a_passage_that_gives_it_short(checker: FidelityChecker) -> None:
    source = "Repairs will cost 4 million euros, said Doucet. The bridge will not reopen before 2026."
    answer = "Grégory Doucet said repairs will cost 4 million euros."
    asked = checker.check_each([source], answer, question="What did Grégory Doucet say about the repairs?")
    assert asked.claims[0].features["rule_novel_name"] == 0.0 and "grégory" not in asked.claims[0].unsupported_words
    unasked = checker.check_each([source], answer, question="How much will the repairs cost?")
    assert unasked.claims[0].features["rule_novel_name"] == 1.0  # the question did not give the name
    other = "Repairs will cost 4 million euros, said Anne Doucet."  # another person of that family name
    assert checker.check_each([other], answer, question="What did Grégory Doucet say?").claims[0].kind == "novel"


@pytest.mark.parametrize(
    ("question", "source", "known"),
    [
        (
            "How many major titles has Tiger Woods won?",
            "'I'm still right there,' 14-time major winner Woods said",
            {"tiger"},
        ),
        ("What was the score of Real Madrid's game against Eibar?", "after missing Madrid's 3-0 victory", {"real"}),
        ("What was the score of Real Madrid's game?", "Atletico Madrid boss Diego Simeone spoke", set()),
        ("What did Mark Wood say?", "said study co-author Bernard Wood", set()),
        ("Who replaced Barret Zoph?", "Barret Zoph resigned.", set()),  # nothing missing
        ("Who replaced him at OpenAI?", "Zoph resigned.", set()),  # no full name asked
    ],
)
def test_question_aliases(question: str, source: str, known: set[str]) -> None:
    assert question_aliases(question, source) == known
