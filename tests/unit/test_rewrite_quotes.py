"""Quotations in a rewrite: paired over the paragraph, kept as said, and measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import app as app_module
from service.fidelity.checker import FidelityChecker
from service.prompts import load_prompt
from service.rewrite.quotes import (
    moved_into_quotes,
    quotation_sentence,
    quotations,
    quote_recall,
    quoted_spans,
    reworded_quotes,
)
from service.rewrite.service import RewriteService
from service.rewrite.unit_check import RewritePolicy, check_unit, said_verbatim
from service.rewrite.units import split_units
from service.settings import load_settings
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM

# a quotation over two sentences (marks only at its ends), one with its attribution first, and a sentence that
# merely uses a quoted phrase
TEXT = (
    "“We don’t want our digital lives to fade away. If we want to preserve them, we need to make sure that the"
    " digital objects we create today can still be rendered far into the future,” he added.\n"
    'Vint Cerf, a vice-president of the company, told the annual meeting in San Jose that he feared a "forgotten'
    ' century" of lost files.\n'
    'Cerf said: "If there are photos you really care about, print them out."'
)


def _kinds(text: str) -> list[bool]:
    spans = quoted_spans(text)
    return [quotation_sentence(u.start, u.end, spans, text) for u in split_units(text)]


def test_a_quotation_is_read_over_its_paragraph_and_a_quoted_phrase_is_not_speech() -> None:
    assert _kinds(TEXT) == [True, True, False, True]
    assert [q[:12] for q in quotations(TEXT)] == ["We don’t wan", "If there are"]  # "forgotten century": 2 words
    # quotations nest; a mark left open mid-sentence is a typo, not speech; a stray closing mark is ignored
    nested = "“Argentina rejects the “.patagonia” request for a domain,” the government notes."
    assert quotations(nested) == ["Argentina rejects the “.patagonia” request for a domain,"]
    assert quotations("It applied for “.shop”, “.book” and “.kindle . But its main bid is for its brand.") == []
    assert _kinds("the files will be worse than the paper we kept,” Cerf says. Then he left.") == [False, False]
    # more than an attribution outside the marks: the sentence is the writer's, and the model may rewrite it
    long_frame = 'The minister, who resigned on Monday after a row with the party, said "we have lost this fight".'
    assert _kinds(long_frame) == [False] and _kinds('"We have lost this fight," the minister said.') == [True]


def test_quote_recall_counts_quotations_kept_word_for_word() -> None:
    kept = TEXT.replace("preserve", "keep")
    recall, changed = quote_recall(TEXT, kept)
    assert recall == 0.5 and changed[0].startswith("We don’t want")
    assert quote_recall(TEXT, TEXT.replace("“", '"').replace("”", '"')) == (1.0, [])  # marks are not words
    assert quote_recall("No one was quoted.", "Nobody was.") == (1.0, [])


def test_quotation_sentences_are_kept_as_said_without_a_model_call() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    prompt = load_prompt(ROOT / "prompts", "rewrite-sentence")
    plain = (
        "Vint Cerf works for the company. He spoke at the meeting in San Jose. He feared a “forgotten century”"
        " of lost files."
    )
    llm = FakeLLM([plain] * 5)
    keep = RewritePolicy(keep_quotations=True)
    result = RewriteService(lambda: llm, checker, prompt, keep).run(TEXT, "Cerf")  # type: ignore[arg-type,return-value]
    assert [u.status == "quotation" for u in result.units] == [True, True, False, True]
    assert llm.prompts and all("San Jose" in str(p) for p in llm.prompts)  # only the writer's sentence asked
    assert result.quotations == 3 and "3 quotation" in result.sentence_summary
    assert quote_recall(TEXT, result.text) == (1.0, [])
    # by default (keep_quotations is opt-in) only the sentence whose quotation the check demands word for word (both
    # marks in it) is kept as said; the sentences of the quotation whose marks lie apart go to the model
    text = TEXT + ' "Keep them where your grandchildren will still find them in fifty years," he told the meeting.'
    llm = FakeLLM([plain] * 20)
    default = RewriteService(lambda: llm, checker, prompt)  # type: ignore[arg-type,return-value]
    statuses = [u.status for u in default.run(text, "Cerf").units]
    assert statuses[-2:] == ["already plain", "quotation"] and "quotation" not in statuses[:-1]
    assert any("preserve them" in str(p) for p in llm.prompts) and not any("fifty" in str(p) for p in llm.prompts)
    llm = FakeLLM([plain] * 20)
    off = RewritePolicy(verbatim_quotations=False)
    assert RewriteService(lambda: llm, checker, prompt, off).run(text, "Cerf").quotations == 0  # type: ignore[arg-type,return-value]
    assert any("fifty" in str(p) for p in llm.prompts)


@pytest.mark.parametrize(
    ("sentence", "verbatim"),
    [
        ("“I know it’s taboo to eat bugs in the western world, but why not?”, Redzepi has said.", True),
        ('Cerf said: "If there are photos you really care about, print them out."', True),
        ("“These are pretty significant mountains.”", True),
        # more than a verb and a speaker outside the marks: the writer's sentence, which the model may rewrite
        ("In a statement, Prince Charles, the baby's grandfather, said: “We are overjoyed at the news.”", False),
        ("Stern described the images as “just skimming the surface” of what would be learnt.", False),
        ("“We don’t want our digital lives to fade away.", False),  # its closing mark is in a later sentence
        ("He called it “bit rot”, she said.", False),  # a quoted phrase, not speech
    ],
)  # fmt: skip
def test_a_sentence_is_said_verbatim_when_the_check_demands_nearly_all_of_it_word_for_word(
    sentence: str, verbatim: bool
) -> None:
    assert said_verbatim(sentence) is verbatim


def test_the_setting_turns_the_rule_on_for_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    assert not app_module.Newsdesk(load_settings()).rewriter.policy.keep_quotations
    monkeypatch.setenv("NEWSDESK_REWRITE_KEEP_QUOTATIONS", "true")
    assert app_module.Newsdesk(load_settings()).rewriter.policy.keep_quotations


OLKIN = "Cathy Olkin, a mission scientist, said: “Charon just blew our socks off when we had the new image today."
SAID = "Charon blew our socks off when we had the new image today."


def test_an_attribution_closed_into_the_quotation_is_caught() -> None:
    moved = f'Cathy Olkin said: "{SAID} Cathy Olkin is a mission scientist."'
    assert moved_into_quotes(OLKIN, moved) == [f"{SAID} Cathy Olkin is a mission scientist."]
    right = f'Cathy Olkin is a mission scientist. She said: "{SAID}"'
    assert moved_into_quotes(OLKIN, right) == []
    # the writer's words presented as said
    assert moved_into_quotes("The plan would cut costs, officials said.", 'Officials said: "The plan would cut costs."')


@pytest.mark.parametrize(
    ("source", "output"),
    [
        # the sentence ends a quotation opened before it (a closing mark with nothing open), in single marks
        (
            "When they first asked me, I told them: 'You have to put a zero after everything'.”",
            'When they asked me, I told them: "You have to put a zero after everything."',
        ),
        # a mark left open to the end: the rest of the sentence may be speech
        (
            "He said: “It’s such a simple thing to do but seems to work.",
            "He said: “It’s simple, but it seems to work.”",
        ),
        # a phrase in quotation marks is a term the sentence uses, not speech
        ("Archivists call this loss of old files bit rot.", 'Archivists call this "bit rot".'),
        # a title in quotation marks is not speech
        (
            "In 2005, historian Doris Kearns Goodwin wrote Team of Rivals: the Political Genius of Abraham Lincoln.",
            'In 2005, Doris Kearns Goodwin wrote "Team of Rivals: The Political Genius of Abraham Lincoln".',
        ),
    ],
)
def test_words_the_source_may_quote_are_not_counted_as_moved(source: str, output: str) -> None:
    assert moved_into_quotes(source, output) == []


def test_the_rewriters_check_fails_a_moved_attribution_unless_the_rule_is_off() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    moved = f'Cathy Olkin said: "{SAID} Cathy Olkin is a mission scientist."'
    check, _ = check_unit(checker, OLKIN, moved, RewritePolicy(judge_passes=False))
    assert check.failed and any("inside quotation marks" in p for p in check.problems())
    check, _ = check_unit(checker, OLKIN, moved, RewritePolicy(judge_passes=False, quotes_as_said=False))
    assert not check.misquoted


CHARLES = (
    "In a statement, Prince Charles said: “Both my wife and I are overjoyed at the arrival of my first grandchild."
)


def test_a_quotation_with_its_words_changed_is_caught_and_speech_reported_without_marks_is_not() -> None:
    changed = "Prince Charles said: “Both my wife and I are very happy at the arrival of my first grandchild."
    assert reworded_quotes(CHARLES, changed) == [changed.split("“")[1]]
    added = "Obama said: “You should feel encouraged that social attitudes are changing.”"
    assert reworded_quotes("Obama also said: “You should feel encouraged social attitudes are changing.", added)
    cut = "Prince Charles said: “Both my wife and I are overjoyed at the arrival.”"
    assert reworded_quotes(CHARLES, cut) == []  # cut short inside the marks: still the words as said, in order
    assert (
        reworded_quotes(CHARLES, "Prince Charles said he and his wife were very happy about his first grandchild.")
        == []
    )
    # a character lost in decoding ("sourceâ€\ufffd" for "source”") is a gap, not part of the word before it
    lost = "The FAO plans a conference on “this valuable food sourceâ€\ufffd in 2013."
    assert reworded_quotes(lost, 'The FAO plans a conference on "this valuable food source" in 2013.') == []


def test_the_rewriters_check_fails_a_reworded_quotation_with_its_own_reason() -> None:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    changed = "Prince Charles said: “Both my wife and I are very happy at the arrival of my first grandchild.”"
    check, _ = check_unit(checker, CHARLES, changed, RewritePolicy(judge_passes=False))
    assert check.failed and any("changes the words inside quotation marks" in p for p in check.problems())
    moved = f'Cathy Olkin said: "{SAID} Cathy Olkin is a mission scientist."'
    check, _ = check_unit(checker, OLKIN, moved, RewritePolicy(judge_passes=False))
    assert check.misquoted and not check.reworded  # one quotation, one reason
