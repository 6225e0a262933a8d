import json

import pytest

from service.errors import IngestError
from service.ingest.html_loader import load_html
from service.ingest.text_loaders import iso_date, load_markdown, load_records
from service.model import Draft

ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Park opens | City News</title>
<meta property="article:published_time" content="2024-09-27T08:00:00Z"></head><body>
<nav><a href="/">Home</a> | <a href="/login">Login</a> | Subscribe now</nav>
<article><h1>Park opens</h1>
<p>The mayor opened the new riverside park on Tuesday after two years of building work.</p>
<p>It cost 3 million dollars, the council said, and will host a market every Saturday.</p>
<script>alert('x')</script></article>
<footer>Copyright 2024 City News. Cookie policy. Privacy.</footer></body></html>"""


def test_markdown_front_matter_gives_title_date_language() -> None:
    draft = load_markdown("---\ntitle: Park opens\ndate: 2024-09-27\nlanguage: en\n---\nBody text.", "/a.md")
    assert draft == Draft("Body text.", "/a.md", "Park opens", "2024-09-27", "en")


def test_markdown_source_only_overrides_path_when_it_is_a_url() -> None:
    assert load_markdown("---\nsource: Downcodes\n---\nx", "/a.md").source == "/a.md"
    assert load_markdown("---\nsource: https://n.example/a\n---\nx", "/a.md").source == "https://n.example/a"


def test_markdown_heading_is_the_title_without_front_matter() -> None:
    assert load_markdown("# Storm hits coast\n\nText.", "/b.md").title == "Storm hits coast"


def test_broken_front_matter_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="front matter is not valid YAML"):
        load_markdown("---\ntitle: [unclosed\n---\nBody", "/c.md")


def test_html_keeps_the_article_and_drops_navigation_scripts_and_footer() -> None:
    draft = load_html(ARTICLE_HTML, "/p.html")
    assert "riverside park on Tuesday" in draft.text
    assert "3 million dollars" in draft.text
    for junk in ("Login", "Subscribe", "Cookie policy", "alert("):
        assert junk not in draft.text
    assert draft.published == "2024-09-27"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><div><p>hi",
        "<html><body><nav>Home</nav></body></html>",
        "\x00\x01<<<>>>",
    ],
)
def test_html_without_article_text_is_a_clear_error(html: str) -> None:
    with pytest.raises(IngestError, match=r"(no article text|could not be parsed)"):
        load_html(html, "/bad.html")


def test_html_too_deep_for_trafilatura_falls_back_to_its_visible_text() -> None:
    body = "<p>The council met on Tuesday and approved the new bridge over the river.</p>"
    html = "<head><script>alert('x')</script></head>" + "<div>" * 10000 + body + "</div>" * 10000 + "<style>p{}</style>"
    draft = load_html(html, "/deep.html")
    assert draft.text == "The council met on Tuesday and approved the new bridge over the river."


def test_broken_but_readable_html_still_yields_its_text() -> None:
    html = "<html><body><p>The council voted 7 to 2 on Monday to close the old bridge for repairs<p>Work starts"
    assert "voted 7 to 2" in load_html(html, "/b.html").text


def test_jsonl_records_become_drafts_and_bad_lines_are_reported() -> None:
    lines = [
        json.dumps({"id": "a1", "title": "One", "text": "First story.", "date": "2023-01-02"}),
        "not json",
        json.dumps({"title": "No text"}),
        "",
        json.dumps({"url": "https://n.example/2", "body": "Second story."}),
    ]
    results = list(load_records("\n".join(lines), "/r.jsonl", jsonl=True))
    drafts = [r for r in results if isinstance(r, Draft)]
    errors = [str(r) for r in results if isinstance(r, IngestError)]
    assert [d.text for d in drafts] == ["First story.", "Second story."]
    assert drafts[0].source == "/r.jsonl#a1" and drafts[0].published == "2023-01-02"
    assert drafts[1].source == "https://n.example/2"
    assert len(errors) == 2
    assert "line 2" in errors[0] and "line 3" in errors[1]


def test_json_array_and_invalid_json() -> None:
    drafts = list(load_records(json.dumps([{"text": "A"}, {"text": "B"}]), "/r.json", jsonl=False))
    assert [d.text for d in drafts if isinstance(d, Draft)] == ["A", "B"]
    with pytest.raises(IngestError, match="not valid JSON"):
        list(load_records("{oops", "/r.json", jsonl=False))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-09-27", "2024-09-27"), ("2024-09-27T10:00:00Z", "2024-09-27"), ("yesterday", None), (None, None)],
)
def test_iso_date(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected
