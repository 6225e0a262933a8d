from service.model import Chunk
from service.qa.excerpts import excerpt, focus, query_for, ranked
from service.qa.retriever import Passage

ARTICLE = (
    "Amsterdam still looks liberal to tourists. The city has many canals and bridges. "
    "The Mayor, Eberhard van der Laan, insists his new £810,000 policy protects victims. "
    "Critics call the plan illiberal. A spokesman denies it. The containers will be placed far from town."
)


def _passage(text: str, offset: int = 100) -> Passage:
    return Passage(Chunk("a", 0, offset, offset + len(text), text, "Amsterdam"), 0.1, 0.5, 1.0)


def test_an_excerpt_is_an_exact_span_around_the_best_sentence() -> None:
    passage = _passage(ARTICLE)
    [cut] = focus([passage], "How much does the Mayor's antisocial behaviour policy cost?", 140)
    chunk = cut.chunk
    assert "£810,000" in chunk.text and len(chunk.text) <= 140
    assert ARTICLE[chunk.start - 100 : chunk.end - 100] == chunk.text  # still exact offsets into the article
    assert (chunk.article_id, chunk.index, cut.fused) == ("a", 0, passage.fused)


def test_the_neighbours_fill_the_budget_and_short_passages_stay_whole() -> None:
    chunk = _passage(ARTICLE).chunk
    query = query_for("Eberhard van der Laan")
    assert excerpt(chunk, query, 10_000) == chunk
    wide = excerpt(chunk, query, 200)
    narrow = excerpt(chunk, query, 90)
    assert narrow.text.startswith("The Mayor, Eberhard") and narrow.text in wide.text and len(wide.text) > 120
    assert focus([_passage(ARTICLE)], "mayor", 0)[0].chunk == chunk  # 0 = whole chunks


def test_a_number_question_prefers_the_sentence_with_a_number() -> None:
    chunk = _passage("The policy was criticised by many. The policy costs £810,000 a year. It starts soon.").chunk
    [cut] = focus([_passage(chunk.text)], "How much does the policy cost?", 40)
    assert "£810,000" in cut.chunk.text


def test_a_follow_up_counts_the_earlier_question_less() -> None:
    text = "Oxfam published the report on the richest billionaires in Davos. Barbara Stocking is its chief executive."
    [cut] = focus([_passage(text)], "Who is its chief executive?", 70, earlier="Which charity published the report?")
    assert "Stocking" in cut.chunk.text


def test_passages_rank_by_their_best_sentence() -> None:
    passages = [_passage("Canals and bridges."), _passage("Eberhard van der Laan is the Mayor.", 300)]
    assert ranked(passages, "Who is the Mayor of Amsterdam?") == [passages[1]]  # the other shares no word
    assert ranked(passages, "zzzz qqqq") == []
