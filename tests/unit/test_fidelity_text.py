import pytest

from service.text import (
    acronym_expansions,
    acronyms,
    is_number,
    negation_scopes,
    number_value,
    number_values,
    proper_nouns,
    sentences,
    stem,
    words,
)
from service.units import magnitudes, unit_words, written_out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith went to Washington. He said \"no.\" Then U.S. officials left.\nNew line",
         ["Mr. Smith went to Washington.", 'He said "no."', "Then U.S. officials left.", "New line"]),
        ("lowercase summary one . and two . three", ["lowercase summary one .", "and two .", "three"]),
        ("It cost 3.5 million. Done!", ["It cost 3.5 million.", "Done!"]),
        # a word ending like a title ("guest": St., "pilgrims": Ms., "nitrogen": Gen.) still ends its sentence
        ("You are our guest. We respect pilgrims. He said so. It is nitrogen. Dr. Chan met St. John.",
         ["You are our guest.", "We respect pilgrims.", "He said so.", "It is nitrogen.", "Dr. Chan met St. John."]),
        ("  \n  ", []),
    ],
)  # fmt: skip
def test_sentences_and_their_offsets(text: str, expected: list[str]) -> None:
    spans = sentences(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_words_numbers_and_stems() -> None:
    assert words("Zoph's team cost $240bn, or 3.5% in 2012.") == [
        "zoph's",
        "team",
        "cost",
        "240bn",
        "or",
        "3.5",
        "in",
        "2012",
    ]
    assert [w for w in words("six of 40kg and the 1,700km road") if is_number(w)] == ["six", "40kg", "1,700km"]
    assert stem("resigned") == stem("resigns") == "resign"
    assert stem("took") == stem("taken") == "take"
    assert stem("zoph's") == "zoph"
    assert stem("1,000") == stem("1000") == "1000" and stem("12,500,000") == "12500000"  # one number, two spellings
    assert stem("1990s") == "1990" and stem("3.5") == "3.5" and stem("1,00") == "1,00"


def test_negation_scope_names_the_negated_word() -> None:
    assert negation_scopes(words("Metz did not announce it")) == {"announce"}
    assert negation_scopes(words("The site has not yet been identified")) == {stem("identified")}
    assert negation_scopes(words("Metz announced it")) == set()


def test_the_pronoun_i_in_a_contraction_is_not_a_name() -> None:
    # "I’m" kept as "I am" is no name dropped, and a claim saying "I’d" adds none
    assert proper_nouns("But I’m sure, and I'd say I’ve tried, Ian said. I’ll go.") == {"ian"}


def test_proper_nouns_skip_common_sentence_starts() -> None:
    assert proper_nouns("The mayor met Bartho Boer in Amsterdam. Chile objected.") == {
        "bartho",
        "boer",
        "amsterdam",
        "chile",
    }


def test_a_sentence_opening_word_is_not_a_name_when_the_tagger_reads_a_common_word() -> None:
    assert proper_nouns("Fewer and fewer people want BlackBerry phones.") == {"blackberry"}
    assert proper_nouns("Putting the boxes on the map would help.") == set()
    assert proper_nouns("Critics say the plan is too costly.") == set()  # a plural noun
    assert proper_nouns("Metz posted online. Paris said no.") == {"metz", "paris"}
    assert proper_nouns("Dutch police said no.") == {"dutch"}  # a nationality, whatever the tagger says


def test_a_word_opening_a_quotation_or_a_clause_after_a_colon_is_read_as_a_first_word() -> None:
    assert proper_nouns("He said: “Seek out people who know the job.”") == set()
    assert proper_nouns("The advice for the job: Expect to work late.") == set()
    assert proper_nouns("Cathy Olkin said: “Charon just blew our socks off.”") == {"cathy", "olkin", "charon"}
    assert proper_nouns("“Obama will visit Paris,” said Jones.") == {"obama", "paris", "jones"}
    assert proper_nouns("Jones' dog chased 'Rex' home.") == {"jones", "rex"}  # a closing apostrophe opens nothing
    assert proper_nouns("Bobby Flay wed a star of Law & Order: SVU.") == {"bobby", "flay", "law", "order"}  # no acronym


def test_number_value_reads_digits_and_cardinal_words_alike() -> None:
    assert [number_value(w) for w in ("two", "2m", "6,442", "1.5", "forty", "dozen")] == [
        "2", "2", "6442", "1.5", "40", "12"
    ]  # fmt: skip
    assert number_value("hundreds") is None and number_value("first") is None and number_value("bag") is None
    assert number_values(words("An owl and 3 cats")) == {"1", "3"}
    assert magnitudes("$240bn in 2012, £36.2m, a 2m wall") == {"1000000000", "1000000"}
    assert magnitudes("a 2m wall, 2 million people") == set()  # a bare "2m" may be metres


def test_a_bare_m_counting_a_plural_noun_is_a_million_and_one_measuring_a_thing_is_not() -> None:
    assert magnitudes("The mountains formed 100m years ago.") == {"1000000"}
    assert magnitudes("It now has 2.5m users.") == {"1000000"}
    for metres in ("They built a 10m wall.", "The wall is 10m high.", "He ran the 100m race.", "It is 10m."):
        assert magnitudes(metres) == set(), metres


def test_a_unit_abbreviation_measuring_a_number_stands_for_its_words() -> None:
    found = unit_words(words("The distance – 5bn km – and 1,000km, 43 by 33km; a 4ft wall at 30mph"))
    assert {"kilometres", "kilometers", "feet", "miles", "hour"} <= set(found)
    assert unit_words(words("The km sign. Ha, ha, he said.")) == []  # no number measured: words as written
    assert {"1,000 km", "1,000 kilometres", "1,000 kilometers"} <= set(written_out("1,000km"))
    assert written_out("240bn") == ["240 billion"] and {"100 million", "100 metres"} <= set(written_out("100m"))
    assert written_out("Metz") == [] and written_out("2024") == []
    assert {"15 degrees", "15 celsius"} <= set(written_out("15C"))  # "-15 degrees Celsius" for "-15C"


def test_acronym_expansions_are_runs_of_capitalised_words_whose_initials_spell_a_known_acronym() -> None:
    known = acronyms("The UN, the FAO and the US said so; the BBC reported it.")
    assert known == {"UN", "FAO", "US", "BBC"}
    text = "The United Nations and the Food and Agriculture Organization met Boris Johnson in the United States."
    assert acronym_expansions(text, known) >= {"united", "nations", "food", "agriculture", "organization", "states"}
    assert not {"boris", "johnson", "the"} & acronym_expansions(text, known)


def test_two_numbers_are_reordered_only_when_every_sentence_holding_both_gives_them_the_other_way() -> None:
    from service.fidelity.number_order import digit_numbers, numbers_reordered

    source = ["In China, the top 10% now take home nearly 60% of the income."]
    assert digit_numbers("1,909 species in 2012, then 1909 again") == ["1909", "2012"]
    assert numbers_reordered("In China, the top 60% now earn nearly 10% of the income.", source) == ["60", "10"]
    assert numbers_reordered("The top 10% of people in China earn nearly 60% of the income.", source) == []
    # no sentence holds both (the misplaced rule's question, not this one); a sentence with one number only
    assert numbers_reordered("The top 60% earn 10%.", ["The top 10% are rich.", "They earn 60%."]) == []
    assert numbers_reordered("The top 60% are rich.", source) == []
    # one sentence of the evidence gives them in the claim's order: not reordered
    both = [*source, "Nearly 60% went to the top 10% in 2012."]
    assert numbers_reordered("Nearly 60% went to the top 10%.", both) == []
    # numbers in words are not read ("one" and "a" are everywhere)
    assert numbers_reordered("Ten went in, then two came out.", ["Two came out after ten went in."]) == []
