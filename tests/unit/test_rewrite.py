"""The sentence-aligned rewrite: units, the two-way check, retry and fallback, alignment, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import textstat
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app
from service.fidelity.checker import FidelityChecker
from service.prompts import load_prompt
from service.rewrite.measures import changed_share, fact_recall, facts, readability
from service.rewrite.result import RewriteResult, UnitDone
from service.rewrite.service import RewriteService, clean_output
from service.rewrite.unit_check import RewritePolicy, already_plain, check_unit, key_facts, missing_facts
from service.rewrite.units import split_units
from service.text import words
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM

SOURCE = (
    "The council of Lyon, in a move that has been widely discussed, voted on Tuesday to close the Pont Wilson "
    "bridge. Repairs will cost 4 million euros, said the mayor, Grégory Doucet."
)
PLAIN = (
    "Lyon's council voted on Tuesday to close the Pont Wilson bridge. "
    "The mayor, Grégory Doucet, said repairs will cost 4 million euros."
)
FIRST = "The council of Lyon voted on Tuesday. It voted to close the Pont Wilson bridge."
SECOND = "Mayor Grégory Doucet says repairs cost 4 million euros."
REORDERED = (  # the same facts in another order, one sentence of 21 words: faithful, changed, not easier
    "The council of Lyon voted on Tuesday, in a move that has been widely discussed, to close the Pont Wilson bridge."
)


def _service(llm: FakeLLM, policy: RewritePolicy | None = None) -> RewriteService:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    prompt = load_prompt(ROOT / "prompts", "rewrite-sentence")
    return RewriteService(lambda: llm, checker, prompt, policy)  # type: ignore[arg-type,return-value]


def test_units_are_the_sentences_with_their_spans_and_paragraphs() -> None:
    text = (
        "First point here. Second point there.\n\nA new paragraph starts. Click here to read more.\nFirst point here."
    )
    units = split_units(text)
    assert [text[u.start : u.end] for u in units] == [u.text for u in units]
    assert [u.paragraph for u in units] == [0, 0, 1, 1, 2]
    assert [u.skip for u in units] == ["", "", "", "promotion", "repeat"]
    assert [u.skip for u in split_units(text, drop_repeats=False)][-1] == ""


def test_key_facts_are_names_numbers_and_quotes_as_written() -> None:
    sentence = 'In 2024 Sundar Pichai said "we are all in on AI" about the o1 model, which cost $6,442.50.'
    assert key_facts(sentence) == ["we are all in on AI", "Sundar", "Pichai", "AI", "2024", "o1", "6,442.50"]
    assert missing_facts(sentence, 'Sundar Pichai said "we are all in on AI" in 2024. It cost $6,442.50.') == ["o1"]
    # news style's "bn" and "m" may be spelled out; a number left out is still missing
    assert missing_facts("It raised $240bn and £36.2m.", "It raised $240 billion and £36.2 million.") == []
    assert missing_facts("It raised $240bn and £36.2m.", "It raised a lot and £36.2 million.") == ["240bn"]
    assert missing_facts("Cliffs stretch about 1,000km.", "The cliffs run about 1,000 kilometres.") == []
    assert missing_facts("Cliffs stretch about 1,000km.", "The cliffs run about 1,000 miles.") == ["1,000km"]
    # a temperature's unit spelled out, and a range's unit given once, after its other end
    assert missing_facts("It is below -15C.", "It is below -15 degrees Celsius.") == []
    assert missing_facts("It is below -15C.", "It is below -5 degrees Celsius.") == ["15C"]
    gear = "You carry 20kg to 50kg of gear."
    assert missing_facts(gear, "You carry between 20 and 50kg of gear.") == []
    assert missing_facts(gear, "You carry 20 to 50 kilograms of gear.") == []
    assert missing_facts(gear, "You carry 20-50kg of gear.") == [] and missing_facts(gear, "You carry 20–50kg.") == []
    assert missing_facts(gear, "You carry 20, 50kg of gear.") == ["20kg"]  # a comma: two numbers, not a range
    assert missing_facts(gear, "You carry 20 bags and 50kg of gear.") == ["20kg"]  # not a range
    assert missing_facts(gear, "You carry 20 to 50 miles of gear.") == ["20kg", "50kg"]  # another unit
    # letters glued to a number belong to it: "3BC" is one fact, kept whole, not an acronym "BC" as well
    assert key_facts("He anticipated calculus in 3BC after it was found.") == ["3BC"]
    assert missing_facts("He anticipated calculus in 3BC after it was found.", "He anticipated calculus in 3BC.") == []
    # an acronym spelled out names the same organisation; dropped, it is missing
    sentence = "The UN asked the FAO for its list."
    assert missing_facts(sentence, "The United Nations asked the Food and Agriculture Organization for its list.") == []
    assert missing_facts(sentence, "The group asked the FAO for its list.") == ["UN"]


def test_numbers_written_as_words_are_facts_to_keep() -> None:
    sentence = "Insects need a quarter of the food of sheep, and half of pigs and chickens."
    assert "half" in key_facts(sentence)
    assert missing_facts(sentence, "Insects need a quarter of the food of sheep and of pigs and chickens.") == ["half"]
    assert missing_facts(sentence, "Insects need half the food of pigs and chickens, a quarter of sheep's.") == []
    # the digits say the same number; a vague number is a number too
    assert missing_facts("Two men and twelve women came.", "2 men and 12 women came.") == []
    assert missing_facts("Hundreds came, then thousands.", "Hundreds of people came.") == ["thousands"]
    # a number word inside a quote is part of the quote, which is kept (or missed) whole
    assert key_facts('She said "the two of us will go" on Monday.') == ["the two of us will go", "Monday"]
    # "one" is also a pronoun, "first" and "second" an order, "double" a verb: a plain rewrite may drop them
    assert missing_facts("One of them came first.", "A man came before the others.") == []
    assert missing_facts("The kiosks will double as DJ booths.", "The kiosks will become DJ booths.") == []
    # the rule can be switched off for measurement
    assert missing_facts(sentence, "Insects need less food than pigs.", number_words=False) == []
    checker, output = FidelityChecker(FakeEmbedder(dim=256)), "Insects need a quarter of the food of pigs."
    unit, _ = check_unit(checker, sentence, output, RewritePolicy(judge_passes=False))
    assert unit.missing == ["half"] and unit.failed
    unit, _ = check_unit(checker, sentence, output, RewritePolicy(judge_passes=False, number_words=False))
    assert unit.missing == []


def test_a_quote_inside_a_quote_is_not_cut_at_the_inner_opening_mark() -> None:
    sentence = "“Argentina rejects the “.patagonia” request for a domain,” the government said."
    assert ".patagonia" in key_facts(sentence)
    assert not any(f.startswith("Argentina rejects") for f in key_facts(sentence))


def test_already_plain_depends_on_the_level() -> None:
    assert already_plain("The bridge is closed.", "plain") and already_plain("The bridge is closed.", "simple")
    medium = "The council voted on Tuesday to close the old bridge over the river."  # 13 words
    assert already_plain(medium, "plain") and not already_plain(medium, "simple")


def test_a_fragment_of_three_words_or_fewer_is_plain_whatever_its_grade() -> None:
    for fragment in ("Australia", "4 Electronic tagging", "“Isolated,” he replies.", "other."):
        assert already_plain(fragment, "plain") and already_plain(fragment, "simple"), fragment
    assert not already_plain("Graham understands the enthusiasm.", "plain")  # four words, grade 18


def test_facts_are_digits_and_names_not_capitalised_common_words() -> None:
    text = "Brain scans in 3D. The brain of Dr Ada Lovelace weighed 1,300 grams in 2024."
    assert facts(text) == {"ada", "lovelace", "dr", "1,300", "2024"}


def test_readability_matches_textstat() -> None:
    r = readability(SOURCE)
    assert r.grade == round(textstat.flesch_kincaid_grade(SOURCE), 2)
    assert r.ease == round(textstat.flesch_reading_ease(SOURCE), 2)
    assert r.words_per_sentence == pytest.approx(len(words(SOURCE)) / 2, abs=0.01)
    assert readability(PLAIN).grade < r.grade


def test_fact_recall_and_changed_share() -> None:
    assert fact_recall(SOURCE, PLAIN) == (1.0, [])
    recall, dropped = fact_recall(SOURCE, "The council voted to close the Pont Wilson bridge on Tuesday.")
    assert dropped == ["4", "doucet", "grégory", "lyon"] and recall < 0.5
    named = "Michael O’Mara has sold 340,000 books of Three O’Clock Blues."
    assert fact_recall(named, named) == (1.0, [])  # a name with a curly apostrophe is kept by itself
    assert fact_recall(named, named.replace("Michael O’Mara", "Michael")) == (0.8, ["o'mara"])
    assert changed_share(SOURCE, SOURCE) == 0.0
    assert changed_share(SOURCE, PLAIN) == 0.5  # the second sentence is only reordered: same words, a copy


def test_each_sentence_is_rewritten_checked_and_aligned() -> None:
    llm = FakeLLM([FIRST, SECOND])
    events = list(_service(llm).rewrite(SOURCE, "Bridge closes", "plain"))
    result = events[-1]
    assert isinstance(result, RewriteResult)
    assert [e.unit.text for e in events if isinstance(e, UnitDone)] == [FIRST, SECOND]
    assert result.text == f"{FIRST} {SECOND}" and result.unsupported == [] and result.kept_original == 0
    assert [u.status for u in result.units] == ["rewritten", "rewritten"]
    assert [SOURCE[u.start : u.end] for u in result.units] == [u.source for u in result.units]
    assert len(llm.prompts) == 2  # one call per sentence, no retries
    first_user, second_user = llm.prompts[0][-1].content, llm.prompts[1][-1].content
    assert first_user == f"Sentence to rewrite:\n{SOURCE.split(' Repairs')[0]}"
    assert "Lyon" not in second_user  # no neighbouring sentence: its names cannot be carried over
    assert llm.prompts[0][0].content == llm.prompts[1][0].content  # byte-stable system text: a cached prefix
    assert "school grade 8" in llm.prompts[0][0].content and "grade" not in first_user + second_user
    simple = FakeLLM([FIRST, SECOND])
    list(_service(simple).rewrite(SOURCE, "Bridge closes", "simple"))
    assert "school grade 6" in simple.prompts[0][0].content  # each level is its own stable prefix


def test_an_addition_is_retried_then_sampled_with_the_problem_named_then_the_sentence_is_kept() -> None:
    invented = FIRST + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented] * 5 + [SECOND])
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert len(llm.prompts) == 6  # never a sixth attempt for one sentence: two greedy, three drawn
    retry, sampled = llm.prompts[1][-1].content, llm.prompts[2][-1].content
    assert "Your previous version had problems" in retry and "1890" in retry and sampled == retry
    assert llm.samples[:2] == [None, None] and llm.samples[4].temperature > 0 and llm.samples[5] is None
    first = result.units[0]
    assert first.status == "kept original" and first.retried and first.text == first.source
    assert any("1890" in p for p in first.problems)
    assert "kept as written" in result.verdict and "1890" not in result.text


def test_a_dropped_number_fails_the_unit_and_a_fixed_retry_is_used() -> None:
    llm = FakeLLM([FIRST, "Mayor Grégory Doucet says repairs are costly.", SECOND])
    result = _service(llm).run(SOURCE, "Bridge closes")
    second = result.units[1]
    assert second.status == "rewritten" and second.retried and second.text == SECOND
    assert '"4"' in llm.prompts[2][-1].content  # the retry names what was left out


def test_a_sampled_candidate_that_passes_is_kept() -> None:
    invented = FIRST + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented, invented, FIRST, SECOND])
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert result.units[0].status == "rewritten" and result.units[0].text == FIRST and result.units[0].retried


def test_further_draws_stop_at_the_first_usable_candidate() -> None:
    invented = FIRST + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented, invented, invented, FIRST, SECOND])
    result = _service(llm, RewritePolicy(draws=3)).run(SOURCE, "Bridge closes")
    assert result.units[0].status == "rewritten" and result.units[0].text == FIRST
    assert len(llm.prompts) == 5 and llm.prompts[3] == llm.prompts[2]  # the same prompt: its prefix is cached
    first, second = llm.samples[2], llm.samples[3]
    assert first.seed == 0 and second.seed != first.seed and second.temperature == first.temperature
    failing = FakeLLM([invented] * 5 + [SECOND])  # every draw fails: three drawn, then kept as written
    assert _service(failing, RewritePolicy(draws=3)).run(SOURCE, "Bridge closes").units[0].status == "kept original"
    drawn = [s is not None for s in failing.samples[:5]]
    assert len(failing.prompts) == 6 and drawn == [False, False, True, True, True]


def test_no_candidate_is_drawn_to_polish_a_faithful_changed_attempt() -> None:
    llm = FakeLLM([REORDERED, REORDERED, SECOND])
    result = _service(llm, RewritePolicy(retry_to_rescue=False)).run(SOURCE, "Bridge closes")
    assert len(llm.prompts) == 3 and llm.samples == [None, None, None]  # no third attempt for the first sentence
    first = result.units[0]
    assert first.status == "rewritten" and first.text == REORDERED and any("21 words" in p for p in first.problems)
    drawing = FakeLLM([REORDERED] * 5 + [SECOND])
    list(_service(drawing, RewritePolicy(draw_to_rescue=False, retry_to_rescue=False)).rewrite(SOURCE, "Bridge closes"))
    assert len(drawing.prompts) == 6 and drawing.samples[2].temperature > 0
    copied = FakeLLM([SOURCE.split(". ")[0] + ".", SOURCE.split(". ")[0] + ".", FIRST, SECOND])  # handed back
    assert _service(copied).run(SOURCE, "Bridge closes").units[0].text == FIRST  # a copy is still rescued


def test_a_faithful_changed_first_attempt_that_is_only_too_long_is_kept_without_a_retry() -> None:
    llm = FakeLLM([REORDERED, SECOND])
    first = _service(llm).run(SOURCE, "Bridge closes").units[0]
    assert len(llm.prompts) == 2 and first.text == REORDERED and not first.retried
    assert first.status == "rewritten" and any("21 words" in p for p in first.problems)  # still named


def test_with_the_fallback_switched_off_a_failure_is_flagged_not_hidden() -> None:
    invented = FIRST + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented] * 5 + [SECOND])
    result = _service(llm, RewritePolicy(keep_original=False)).run(SOURCE, "Bridge closes")
    assert [c.text for c in result.unsupported] == ["The bridge was built in 1890 by Gustave Eiffel."]
    assert "1 sentence(s) not supported" in result.verdict


def test_plain_sentences_promotion_and_repeats_need_no_model() -> None:
    text = "The bridge is closed. Click here to read more.\nThe bridge is closed."
    llm = FakeLLM([])
    result = _service(llm).run(text, "Bridge")
    assert [u.status for u in result.units] == ["already plain", "dropped: promotion", "dropped: repeat"]
    assert llm.prompts == [] and result.text == "The bridge is closed."
    assert result.removed_promotion == ["Click here to read more."]
    assert result.dropped_repeats == ["The bridge is closed."]


def test_an_output_sentence_restating_an_earlier_one_is_dropped() -> None:
    llm = FakeLLM([FIRST, "The Lyon council voted on Tuesday. " + SECOND])
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert result.units[1].text == SECOND


def test_a_copy_is_kept_as_the_original_and_not_called_a_rewrite() -> None:
    sentences = SOURCE.split(". ")
    llm = FakeLLM([sentences[0] + "."] * 5 + [sentences[1]] * 5)
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert all(u.problems == ("the model returned it unchanged",) for u in result.units)
    assert not result.is_rewrite and result.verdict.startswith("not a rewrite")


def test_nothing_but_promotion_is_a_clear_error() -> None:
    from service.errors import InvalidInput

    with pytest.raises(InvalidInput, match="promotional"):
        _service(FakeLLM([])).run("Click here to read more. Subscribe to our newsletter for updates.", "Ad")


def test_rewrite_cli_on_a_file_writes_markdown_and_json_alignment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    fake = FakeLLM([FIRST, SECOND, FIRST, SECOND])
    monkeypatch.setattr(app_module.Newsdesk, "llm", property(lambda _self: fake))
    article = tmp_path / "bridge.txt"
    article.write_text(SOURCE)
    result = CliRunner().invoke(app, ["rewrite", str(article), "--out", str(tmp_path / "out.md")])
    assert result.exit_code == 0, result.output
    assert "reading grade" in result.output and "names and numbers kept" in result.output
    assert (tmp_path / "out.md").read_text().startswith("# Bridge")
    as_json = CliRunner().invoke(app, ["rewrite", str(article), "--json"])
    data = json.loads(as_json.output)
    units = data["units"]
    assert [u["status"] for u in units] == ["rewritten", "rewritten"] and units[1]["text"] == SECOND
    assert [SOURCE[u["source"]["start"] : u["source"]["end"]] for u in units] == [u["source"]["text"] for u in units]
    bad = CliRunner().invoke(app, ["rewrite", str(article), "--level", "poetic"])
    assert bad.exit_code != 0


def test_echoed_prompt_scaffolding_and_wrapping_quotes_are_removed() -> None:
    echoed = "Lyon closes a bridge.\nReading level: plain English\n\nSentence to rewrite:\nThe council of Lyon..."
    assert clean_output(echoed) == "Lyon closes a bridge."
    assert clean_output('"Lyon closes a bridge."') == "Lyon closes a bridge."
    assert clean_output('He said "no" twice.') == 'He said "no" twice.'


@pytest.mark.parametrize(
    ("sentence", "promotion"),
    [
        ("The editor of Downcodes will give you an in-depth analysis of the reasons.", True),
        ("The editors of Wired will walk you through the results.", True),
        ("Click here to read more.", True),
        ("Subscribe to our newsletter for daily updates.", True),
        ("The editor of the Times said the minister resigned.", False),
        ("The team at Google will release Gemini next week.", False),
        ("Our newsletter editor will retire in May, the company said.", False),
    ],
)
def test_promotional_lines_are_recognised(sentence: str, promotion: bool) -> None:
    from service.rewrite.promotion import is_promotion

    assert is_promotion(sentence) is promotion
    units = split_units(f"The harbour reopened on Monday. {sentence} Boats returned at once.")
    assert [u.skip for u in units] == ["", "promotion" if promotion else "", ""]


def test_an_output_sentence_over_the_length_limit_is_retried_with_a_split_asked_for() -> None:
    long = "The council of Lyon voted on Tuesday to close the Pont Wilson bridge in the middle of the city for good."
    llm = FakeLLM([long, FIRST, SECOND])
    result = _service(llm, RewritePolicy(retry_to_rescue=False)).run(SOURCE, "Bridge closes")
    assert "has 21 words: split it into shorter sentences" in llm.prompts[1][-1].content
    assert result.units[0].text == FIRST and result.units[0].retried


APPOSITIVE = "Luke Metz, one of the main contributors to the o1 model, posted a long message on social media."


def test_a_sentence_plain_once_split_by_rule_needs_no_model() -> None:
    llm = FakeLLM([])
    result = _service(llm).run(APPOSITIVE, "Metz")
    unit = result.units[0]
    assert unit.status == "split by rule" and llm.prompts == []
    assert unit.sentences == [
        "Luke Metz posted a long message on social media.",
        "Luke Metz is one of the main contributors to the o1 model.",
    ]
    assert result.split_units == 1 and result.unsupported == [] and result.kept_original == 0


def test_the_model_gets_the_split_sentence_and_a_failing_rewrite_falls_back_to_the_split_before_any_draw() -> None:
    sentence = (
        "Luke Metz, one of the main contributors to the o1 model, posted a long message about the heavyweights "
        "of the company's internal research culture and its changing priorities on social media."
    )
    invented = "Luke Metz wrote about OpenAI's research culture in 1999. He is one of its contributors."
    llm = FakeLLM([invented] * 5)
    result = _service(llm).run(sentence, "Metz")
    user = llm.prompts[0][-1].content
    assert "Sentence to rewrite:\nLuke Metz posted a long message" in user
    assert "Luke Metz is one of the main contributors to the o1 model." in user
    assert "Hard words to replace with common words that mean the same: heavyweights." in user
    unit = result.units[0]
    assert unit.status == "split by rule" and unit.retried and "1999" not in result.text
    assert len(unit.sentences) == 2 and result.kept_original == 0
    assert llm.samples == [None, None]  # the split passes its check: it comes before any draw


def test_a_plain_split_that_fails_its_check_is_checked_once_and_is_no_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.rewrite import service as service_module
    from service.rewrite.unit_check import UnitCheck

    checked: list[str] = []
    real = service_module.check_unit

    def check(checker, source, output, policy, level):  # type: ignore[no-untyped-def]
        checked.append(output)
        if output.startswith("Luke Metz posted a long message on social media. Luke Metz is"):
            return UnitCheck(uncovered=True), 0  # the split fails, whatever the real check would say
        return real(checker, source, output, policy, level)

    monkeypatch.setattr(service_module, "check_unit", check)
    llm = FakeLLM(["Luke Metz posted on social media in 1999."] * 5)
    result = _service(llm).run(APPOSITIVE, "Metz")
    split = [c for c in checked if c.startswith("Luke Metz posted a long message on social media. Luke Metz is")]
    assert len(split) == 1 and len(llm.prompts) == 5
    assert result.units[0].status == "kept original"


def test_with_splitting_switched_off_the_model_gets_the_sentence_as_written() -> None:
    llm = FakeLLM(["Luke Metz posted a long message on social media. He helped build the o1 model."] * 5)
    _service(llm, RewritePolicy(split_clauses=False, name_hard_words=False)).run(APPOSITIVE, "Metz")
    assert f"Sentence to rewrite:\n{APPOSITIVE}" in llm.prompts[0][-1].content


def test_rewrite_rules_are_switched_off_by_name_and_an_unknown_name_is_refused() -> None:
    from service.errors import ConfigError
    from service.rewrite.unit_check import policy_without
    from service.settings import load_settings

    settings = load_settings(rewrite_rules_off="split_clauses, sample_candidate")
    policy = policy_without(settings.rewrite_rules_off)
    assert not policy.split_clauses and not policy.sample_candidate and policy.retry and policy.name_hard_words
    with pytest.raises(ConfigError, match="unknown rewrite rule"):
        load_settings(rewrite_rules_off="split, retry")


def test_the_rules_off_setting_names_every_switch() -> None:
    """The setting's description is written out (settings must not import the rewriter); it names every switch."""
    from service.rewrite.unit_check import SWITCHES
    from service.settings import Settings

    description = Settings.model_fields["rewrite_rules_off"].description or ""
    assert [s for s in SWITCHES if s not in description] == []


def test_a_word_hyphened_to_a_number_is_part_of_the_fact() -> None:
    sentence = "NASA estimates that the spacecraft will keep transmitting until the mid-2030s."
    assert "mid-2030s" in key_facts(sentence)
    assert missing_facts(sentence, "NASA says the spacecraft will send data until the end of the 2030s.") == [
        "mid-2030s"
    ]
    assert missing_facts(sentence, "NASA says the spacecraft will send data until the mid-2030s.") == []
    assert key_facts("They won 2-1.") == ["2", "1"]  # a score stays two numbers


def test_a_question_rewritten_as_a_statement_fails_and_the_rule_can_be_switched_off() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    sentence = "They must come forward, or how will we help our workers?"
    stated = "They must come forward, or we will help our workers."
    check, _ = check_unit(checker, sentence, stated, RewritePolicy(judge_passes=False))
    assert check.failed and "keep the question a question" in check.retry_request()
    asked, _ = check_unit(checker, sentence, "They must come forward. How will we help our workers?", RewritePolicy())
    assert not asked.asserted
    off, _ = check_unit(checker, sentence, stated, RewritePolicy(judge_passes=False, questions_asked=False))
    assert not off.asserted
    quoted = 'Lee said: "Was it worth it?"'  # a quoted question still counts; a statement about it does not pass
    assert check_unit(checker, quoted, "Lee said the vote was worth it.", RewritePolicy(judge_passes=False))[0].asserted
