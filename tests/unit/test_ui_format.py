"""The web UI's formatting functions, tested without launching Gradio."""

from __future__ import annotations

import re

import pytest

from service.evals.suite import SuiteResult
from service.evals.thresholds import Failure
from service.fidelity.report import ClaimVerdict, FidelityReport
from service.ingest.service import IngestReport, ItemResult
from service.llm.status import Status
from service.model import ArticleInfo, Chunk
from service.qa.answer import REFUSAL, Answer, Citation
from service.qa.retriever import Passage
from service.rewrite.measures import readability
from service.rewrite.result import AlignedUnit, RewriteResult
from service.rewrite.units import Unit
from service.ui.format_answer import answer_markdown, marked_text, source_details, timings_line
from service.ui.format_rewrite import aligned_html, cased, readability_chart, report_html
from service.ui.format_tables import (
    article_choices,
    article_rows,
    eval_message,
    eval_rows,
    ingest_message,
    status_markdown,
)
from tests.conftest import shown

PASSAGE = "Zoph resigned; his position was taken over by William (Liam) Fedus. <script>alert(1)</script>"


def _claim(text: str, supported: bool, words: list[str] | None = None) -> ClaimVerdict:
    return ClaimVerdict(text, 0, len(text), supported, 0.9 if supported else 0.1, [], words or [], "r")


def _answer(text: str, unsupported: list[str], refused: bool = False, withheld: str | None = None) -> Answer:
    passage = Passage(Chunk("abcd1234abcd1234", 0, 749, 1339, PASSAGE, "OpenAI <b>brain</b> drain"), 0.1, 0.6, 3.0)
    claims = [_claim(s, s not in unsupported) for s in ("Fedus took over.", *unsupported)]
    return Answer(
        question="q",
        text=text,
        refused=refused,
        citations=[] if refused else [Citation(1, passage)],
        passages=[passage],
        fidelity=None if refused else FidelityReport(claims, 0.5, not unsupported),
        withheld=withheld,
    )


def test_a_cited_answer_marks_only_its_unsupported_sentence_and_expands_to_the_passage() -> None:
    text = "Fedus took over [1]. He was paid 9 million dollars [1]."
    md = answer_markdown(_answer(text, ["He was paid 9 million dollars."]))
    assert md.count("<mark") == 1
    assert '<mark title="Not supported by the cited passages">⚠ He was paid 9 million dollars \\[1\\]\\.</mark>' in md
    assert "1 sentence is not supported" in md
    assert "<summary>[1] OpenAI &lt;b&gt;brain&lt;/b&gt; drain · characters 749–1,339</summary>" in md
    assert "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<script>" not in md
    assert "article abcd1234abcd1234" in md


def test_a_fully_supported_answer_says_so() -> None:
    md = answer_markdown(_answer("Fedus took over [1].", []))
    assert "Every sentence is supported" in md and "<mark" not in md


def test_a_refusal_reads_as_an_answer_and_mentions_a_withheld_draft() -> None:
    md = answer_markdown(_answer(REFUSAL, [], refused=True, withheld="Fedus earns 9 million [1]."))
    assert md.startswith("**The articles don't say\\.**") and REFUSAL == "The articles don't say."
    assert "withheld" in md and "<details>" not in md and "9 million" not in md


def test_answer_text_is_escaped() -> None:
    md = marked_text("<img src=x onerror=alert(1)> is here.", [])
    assert "<" not in md and shown(md) == "<img src=x onerror=alert(1)> is here."


@pytest.mark.parametrize(
    "hostile",
    [
        "![pixel](http://203.0.113.9/p.png?d=secret)",
        "[click](javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        "<http://203.0.113.9/auto>",
        "see http://203.0.113.9/bare and www.example.com",
        "<img src=x onerror=alert(1)> &lt;b&gt; &#60;script&#62;",
        "# heading\n\n---\n\n| a | b |\n|---|---|\n\n```\ncode\n```",
    ],
)
def test_markup_in_an_answer_or_a_passage_is_shown_as_text(hostile: str) -> None:
    text = marked_text(hostile, [])
    assert re.search(r"(?<!\\)[\[\]()!`<>#|*_:]", text) is None  # every Markdown or HTML character is inert
    assert shown(text) == hostile  # and the reader sees exactly what was written
    md = answer_markdown(_answer(f"It says {hostile} [1].", []))
    assert text in md and "<img" not in md and "](" not in md


def test_a_passage_stays_inside_its_html_block_so_markdown_never_resumes() -> None:
    passage = "First paragraph.\n\n![pixel](http://203.0.113.9/p.png) after a blank line\n\n\n<b>x</b>"
    html = source_details(Citation(1, Passage(Chunk("a1", 0, 0, len(passage), passage, "T"), 0.1, 0.6, 3.0)))
    assert "\n\n" not in html and "\\" not in html  # one HTML block: no blank line, no backslash escapes
    assert "First paragraph.<br>![pixel](http://203.0.113.9/p.png) after a blank line<br>&lt;b&gt;x&lt;/b&gt;" in html


def test_timings_line_names_the_stages_it_has() -> None:
    assert timings_line({"retrieval_s": 0.05, "first_token_s": 2.5}) == "retrieval 0.05 s · first token 2.50 s"
    looked = timings_line({"generation_s": 3.0, "second_look_s": 1.5, "check_s": 1.0})
    assert looked == "generation 3.00 s · second look 1.50 s · fidelity check 1.00 s"


HARBOUR = "The harbour of Saint-Malo reopened on Monday. Mayor Gilles Lurton said 40 boats may return."


def _rewrite(text: str, unsupported: list[ClaimVerdict], dropped: list[str]) -> RewriteResult:
    first, second = HARBOUR.split(". ")
    units = [
        AlignedUnit.of(Unit(0, 0, 0, len(first) + 1, first + "."), text, "rewritten", True, [], unsupported, 2),
        AlignedUnit.of(
            Unit(1, 1, len(first) + 2, len(HARBOUR), second), second, "kept original", True, ['it leaves out "40"']
        ),
    ]
    return RewriteResult(
        title="Harbour", level="plain", text=text, units=units, before=readability(HARBOUR),
        after=readability(text), fact_recall=0.5, dropped_facts=dropped, changed_share=1.0, seconds=9.0,
        source_words=16,
    )  # fmt: skip


def test_the_rewrite_report_lists_kept_and_dropped_facts_as_written_and_the_kept_sentences() -> None:
    bad = _claim("It cost <b>9</b> million.", False, ["it", "9", "million"])  # function words are not shown
    result = _rewrite("Saint-Malo's harbour is open again. It cost <b>9</b> million.", [bad], ["gilles", "lurton"])
    html = report_html(result, HARBOUR)
    assert "<span class='dropped'>Gilles</span>, <span class='dropped'>Lurton</span>" in html
    assert "<span class='kept'>40</span>" in html and "<span class='kept'>Monday</span>" in html
    assert "1 sentence(s) not supported" in html and "1 sentence(s) kept as written" in html
    assert "Kept as written" in html and "it leaves out &quot;40&quot;" in html


def test_the_aligned_view_pairs_each_sentence_flags_in_place_and_escapes_everything() -> None:
    bad = _claim("It cost <b>9</b> million.", False, ["it", "9", "million"])
    result = _rewrite("Saint-Malo's harbour is open again. It cost <b>9</b> million.", [bad], [])
    html = aligned_html("<i>Harbour</i>", result.units, ["A <script>pending</script> sentence."])
    assert html.count('<tr class="unit') == 3 and '<tr class="para">' in html  # a paragraph break between
    assert '<td class="src">The harbour of Saint-Malo reopened on Monday.</td>' in html
    assert '<mark class="unsupported" title="not in the original: 9, million">It cost &lt;b&gt;9&lt;/b&gt;' in html
    assert '<span class="kept-original" title="it leaves out &quot;40&quot;">Mayor Gilles Lurton' in html
    assert "&lt;script&gt;pending" in html and "<script>" not in html and "<h3>&lt;i&gt;Harbour" in html


def test_a_quotation_kept_as_said_is_marked_as_such_not_as_a_failure() -> None:
    said = "“We will <b>rebuild</b> it,” said the mayor."
    unit = AlignedUnit.of(Unit(0, 0, 0, len(said), said), said, "quotation")
    html = aligned_html("", [unit], [])
    assert '<tr class="unit quotation">' in html and "(quotation)</span>" in html
    assert "kept-original" not in html and "&lt;b&gt;rebuild" in html


def test_cased_finds_the_fact_as_written() -> None:
    assert cased("lurton", "Mayor Gilles Lurton said") == "Lurton"
    assert cased("absent", "nothing here") == "absent"
    assert cased("o'mara", "Michael O’Mara said") == "O’Mara"  # facts are compared with straight apostrophes


def test_the_readability_chart_draws_both_grades_and_the_target() -> None:
    result = _rewrite("Short words. Easy text.", [], [])
    figure = readability_chart(result)
    axes = figure.axes[0]
    heights = [round(bar.get_height(), 2) for bar in axes.patches]
    assert heights == [result.before.grade, result.after.grade]
    assert [line.get_ydata()[0] for line in axes.lines] == [8.0]


def _info(i: int, title: str) -> ArticleInfo:
    return ArticleInfo(f"{i:016x}", title, f"/data/uploads/a{i}.txt", None, "en", 3, 900, "2026-11-28T00:00:00")


def test_article_tables_and_choices() -> None:
    articles = [_info(1, "Short"), _info(2, "A" * 100)]
    assert article_rows(articles)[0] == ["Short", "/data/uploads/a1.txt", "—", 3, "0000000000000001"]
    labels = [label for label, _ in article_choices(articles)]
    assert labels[0] == "Short · 00000000" and len(labels[1].split(" · ")[0]) == 70


def test_ingest_message_lists_added_and_failed_items_escaped() -> None:
    report = IngestReport(
        [
            ItemResult("added", "x", article_id="1", title="Harbour <news>", chunks=2),
            ItemResult("failed", "y", message="empty.txt: the file is empty"),
            ItemResult("unchanged", "z", article_id="2", title="Old"),
        ]
    )
    message = ingest_message(report)
    assert message.splitlines()[0] == "**Ingest finished:** 1 added, 1 unchanged, 1 failed."
    assert "- ✓ added: Harbour &lt;news&gt; (2 chunks)" in message and "- ✗ empty.txt: the file is empty" in shown(
        message
    )


def test_status_line_variants() -> None:
    ok = Status("local", "local", "http://127.0.0.1:1/v1", True, "one two", 0.43, 20.0)
    down = Status("compatible", "llama", "http://h/v1", False, "connection refused")
    assert status_markdown(ok, "minilm", 3, model="embedded Qwen").startswith(
        "LLM: ✓ embedded Qwen answers, first token 0.4 s (probe)"
    )
    recent = status_markdown(ok, "minilm", 3, model="embedded Qwen", recent_first_token=(22.4, 150))
    assert "first token 22.4 s (latest answer, 2 min ago)" in recent and "0.4 s" not in recent
    assert "✗ compatible llama does not answer: connection refused" in status_markdown(down, "minilm", 0)
    assert status_markdown(None, "minilm", 0, pending="starting").startswith("LLM: … starting")
    assert "3 article(s) indexed" in status_markdown(ok, "minilm", 3)


def test_eval_rows_and_message_name_failures() -> None:
    result = SuiteResult("fidelity-synthetic", "d", {"pair_accuracy": 0.8333, "nan": float("nan")}, [], 1.0)
    assert eval_rows([result]) == [
        ["fidelity-synthetic", "nan", "n/a", 0],
        ["fidelity-synthetic", "pair_accuracy", 0.8333, 0],
    ]
    failed = eval_message([result], [Failure("fidelity-synthetic", "pair_accuracy", 0.8333, ">= 0.9")])
    assert "1 threshold(s) failed" in failed and "pair_accuracy = 0.833, needs >= 0.9" in shown(failed)
    assert "Every threshold passed" in eval_message([result], [])
