from pathlib import Path

import pytest
import textstat
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app
from service.fidelity.checker import FidelityChecker
from service.prompts import load_prompt
from service.rewrite.measures import changed_share, fact_recall, readability
from service.rewrite.sections import join_sections, split_sections
from service.rewrite.service import RewriteService, SectionDone
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


def _service(llm: FakeLLM, section_chars: int = 900) -> RewriteService:
    checker = FidelityChecker(FakeEmbedder(dim=256))
    prompt = load_prompt(ROOT / "prompts", "rewrite-section")
    return RewriteService(lambda: llm, checker, prompt, section_chars)  # type: ignore[arg-type,return-value]


def test_sections_keep_paragraphs_whole_and_lose_nothing() -> None:
    paragraphs = [f"Paragraph {i} says one thing. It then says another thing." for i in range(12)]
    long = " ".join(f"Sentence {i} of a very long paragraph." for i in range(40))
    text = "\n".join([*paragraphs, long])
    sections = split_sections(text, 200)
    assert all(len(s) <= 200 for s in sections)
    assert words(join_sections(sections)) == words(text)
    assert sections[0].startswith("Paragraph 0") and "\n" in sections[0]  # paragraphs grouped


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
    assert changed_share(SOURCE, SOURCE) == 0.0
    assert changed_share(SOURCE, PLAIN) == 0.5  # the second sentence is only reordered: same words, a copy


def test_a_clean_rewrite_streams_and_reports() -> None:
    llm = FakeLLM([PLAIN])
    events = list(_service(llm).rewrite(SOURCE, "Bridge closes", "plain"))
    result = events[-1]
    assert "".join(e.text for e in events if type(e).__name__ == "Delta") == PLAIN
    assert result.text == PLAIN and result.is_rewrite and result.unsupported == []
    assert result.after.grade < result.before.grade and result.fact_recall == 1.0
    assert len(llm.prompts) == 1
    user = llm.prompts[0][1].content
    assert "Article title: Bridge closes" in user and SOURCE in user and "grade 8" in user


def test_an_unsupported_section_is_regenerated_once_with_the_problem_named() -> None:
    invented = PLAIN + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented, PLAIN])
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert len(llm.prompts) == 2
    assert "1890" in llm.prompts[1][1].content and "not supported" in llm.prompts[1][1].content
    [section] = result.sections
    assert section.regenerated and result.unsupported == [] and result.text == PLAIN


def test_what_still_fails_after_one_retry_is_flagged_not_hidden() -> None:
    invented = PLAIN + " The bridge was built in 1890 by Gustave Eiffel."
    llm = FakeLLM([invented, invented])
    result = _service(llm).run(SOURCE, "Bridge closes")
    assert len(llm.prompts) == 2  # never a third attempt
    assert [c.text for c in result.unsupported] == ["The bridge was built in 1890 by Gustave Eiffel."]
    assert "1 sentence(s) not supported" in result.verdict


def test_a_copy_is_not_called_a_rewrite() -> None:
    result = _service(FakeLLM([SOURCE])).run(SOURCE, "Bridge closes")
    assert not result.is_rewrite and result.verdict.startswith("not a rewrite")


def test_long_articles_are_rewritten_section_by_section_with_context() -> None:
    paragraphs = [f"Paragraph {i}: the council of Lyon discussed bridge number {i} on Tuesday." for i in range(6)]
    replies = [f"On Tuesday the council of Lyon discussed bridge number {i}." for i in range(6)]
    llm = FakeLLM(replies)
    result = _service(llm, section_chars=80).run("\n".join(paragraphs), "Bridges")
    assert len(result.sections) == 6 and len(llm.prompts) == 6  # one paragraph per section, no retries
    assert "The rewrite so far ends:" in llm.prompts[1][1].content
    assert all(isinstance(s, SectionDone) for s in result.sections)


def test_rewrite_cli_on_a_file_writes_markdown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    fake = FakeLLM([PLAIN, SOURCE])
    monkeypatch.setattr(app_module.Newsdesk, "llm", property(lambda _self: fake))
    article = tmp_path / "bridge.txt"
    article.write_text(SOURCE)
    result = CliRunner().invoke(app, ["rewrite", str(article), "--out", str(tmp_path / "out.md")])
    assert result.exit_code == 0, result.output
    assert "reading grade" in result.output and "names and numbers kept" in result.output
    assert (tmp_path / "out.md").read_text().startswith("# Bridge")
    copied = CliRunner().invoke(app, ["rewrite", str(article), "--json"])
    assert copied.exit_code == 1 and '"verdict": "not a rewrite' in copied.output
    bad = CliRunner().invoke(app, ["rewrite", str(article), "--level", "poetic"])
    assert bad.exit_code != 0


def test_echoed_prompt_scaffolding_is_removed() -> None:
    from service.rewrite.service import clean_output

    echoed = (
        "Lyon closes a bridge.\nReading level: plain English\n\nText to rewrite:\nThe council of Lyon, in a move..."
    )
    assert clean_output(echoed) == "Lyon closes a bridge."
    assert clean_output("<text>\nLyon closes a bridge.\n</text>") == "Lyon closes a bridge."


def test_sentences_repeating_the_previous_section_are_dropped() -> None:
    from service.rewrite.service import clean_output

    previous = "OpenAI lost two researchers. Both worked on o1."
    assert (
        clean_output("OpenAI lost two researchers. Fedus took over the team.", previous) == "Fedus took over the team."
    )


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
    from service.rewrite.promotion import remove_promotion

    kept, removed = remove_promotion(f"The harbour reopened on Monday. {sentence} Boats returned at once.")
    assert (removed == [sentence]) is promotion
    assert kept.startswith("The harbour reopened on Monday.") and kept.endswith("Boats returned at once.")
    assert (sentence in kept) is not promotion


def test_the_publishers_promotion_is_removed_before_rewriting_and_reported() -> None:
    llm = FakeLLM(["The harbour opened again on Monday. Boats came back at once."] * 2)
    text = "The harbour reopened on Monday. The editor of Downcodes will give you an in-depth analysis. Boats returned."
    result = _service(llm).run(text, "Harbour")
    assert result.removed_promotion == ["The editor of Downcodes will give you an in-depth analysis."]
    assert "Downcodes" not in str(llm.prompts[0]) and "downcodes" not in result.dropped_facts
