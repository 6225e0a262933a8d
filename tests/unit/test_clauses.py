"""Splitting long sentences by grammar rules (the real spaCy pipeline; no model), the hard-word list, and
the generation floor's meter."""

from __future__ import annotations

import pytest

from service.parser import load_parser
from service.rewrite.clauses import split_clauses
from service.rewrite.floor import GenerationMeter
from service.rewrite.vocabulary import hard_words


@pytest.fixture(scope="module")
def parse():  # type: ignore[no-untyped-def]
    return load_parser()


def test_an_appositive_on_a_name_becomes_its_own_sentence_with_the_name_repeated(parse) -> None:  # type: ignore[no-untyped-def]
    sentence = "Luke Metz, one of the main contributors to the o1 model, posted a message on social media."
    assert split_clauses(sentence, parse) == [
        "Luke Metz posted a message on social media.",
        "Luke Metz is one of the main contributors to the o1 model.",
    ]


def test_a_relative_clause_and_coordinated_clauses_split_without_a_new_pronoun(parse) -> None:  # type: ignore[no-untyped-def]
    sentence = (
        "Barret Zoph, who was in charge of the post-training team, has also resigned, and his position was "
        "taken over by William (Liam) Fedus."
    )
    assert split_clauses(sentence, parse) == [
        "Barret Zoph has also resigned.",
        "His position was taken over by William (Liam) Fedus.",
        "Barret Zoph was in charge of the post-training team.",
    ]


def test_but_is_kept_when_two_clauses_are_split(parse) -> None:  # type: ignore[no-untyped-def]
    assert split_clauses(
        "BBM claims 80 million monthly users after its upgrade, but WhatsApp has 300 million.", parse
    ) == [
        "BBM claims 80 million monthly users after its upgrade.",
        "But WhatsApp has 300 million.",
    ]


def test_a_clause_after_a_list_is_not_given_to_its_first_name(parse) -> None:  # type: ignore[no-untyped-def]
    sentence = (
        "Many heavyweights have left one after another, including Luke Metz, one of the main contributors to "
        "the o1 inference model, and Barret Zoph, who was in charge of the post-training team."
    )
    pieces = split_clauses(sentence, parse)
    assert "Barret Zoph was in charge of the post-training team." in pieces
    assert not any(p.startswith("Luke Metz was in charge") for p in pieces)


def test_a_clause_whose_last_comma_may_close_it_is_not_cut_there(parse) -> None:  # type: ignore[no-untyped-def]
    sentence = (
        "She gave the letter to a guard, who then carried the box, which was sealed by John Hart, the city’s "
        "mayor, to the town hall under armed escort."
    )  # "to the town hall" is where the box was carried, whatever the parse says
    pieces = split_clauses(sentence, parse)
    assert not any("sealed" in p and "town hall" in p for p in pieces)
    assert any("carried the box" in p and "town hall" in p for p in pieces)
    enclosed = "Tom Reed, who, for reasons of his own, dislikes the new law, closed the bar early on Friday night."
    assert split_clauses(enclosed, parse) == [
        "Tom Reed closed the bar early on Friday night.",
        "Tom Reed, for reasons of his own, dislikes the new law.",
    ]  # a phrase set off by commas on both sides leaves no doubt


@pytest.mark.parametrize(
    "sentence",
    [
        "The library that opened in 1905 will close next year after the vote.",  # restrictive: no commas
        "“We tried and we failed, and we will try again,” said the mayor of the town.",  # a quote stays whole
        "Did the council vote to close the library, and will it open again?",  # a question keeps its shape
        "The roads give little sense of life in a land usually covered in snow, which is one reason why "
        "Google chose March.",  # "which" may describe the whole clause
        "He manages a youth club in Stockwell, south London, an area with some of the highest crime levels.",
        "“I’m typically given between £5 and £20 to spend at each store,” says Laura, a 50-year-old mystery "
        "shopper from Devon, who has been paid to visit around 7,000 shops since 2001.",  # "who" is Laura, not Devon
        "Yuu Wakebe, a health ministry official overseeing policy on working hours, who admits putting in 100 "
        "hours of overtime a month, blames the pressure to match one’s colleagues.",  # nor "working hours"
    ],
)
def test_splits_the_rules_cannot_make_safely_are_not_made(parse, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert split_clauses(sentence, parse) == [sentence]


def test_hard_words_are_rare_words_not_names_numbers_or_quotes() -> None:
    sentence = 'Many heavyweights, said Zbigniew Brzezinski, called 2024 "a pivotal year" for the reshuffle.'
    assert hard_words(sentence) == ["heavyweights", "reshuffle"]
    assert hard_words("The council voted to close the library on Tuesday.") == []


def test_the_floor_is_the_output_at_the_measured_decoding_speed() -> None:
    meter = GenerationMeter()
    assert meter.floor_s("Anything at all.") == 0.0  # nothing generated: no speed to measure
    assert "".join(meter.stream(iter(["One", " two", " three", " four."]))) == "One two three four."
    assert meter.generated_tokens == 4 and meter.generated_words == 4 and meter.tokens == 3
    meter.decode_s = 1.5  # 3 tokens after the first in 1.5 s: 2 tokens/s, one token a word
    assert meter.floor_s("Eight words of output at two tokens each.") == pytest.approx(4.0)
