import itertools
import random

import pytest

from service.ingest.articles import build_article
from service.ingest.chunking import Chunker
from service.model import Draft, normalize_text
from tests.conftest import SEED


def _article(text: str):  # type: ignore[no-untyped-def]
    return build_article(Draft(text, "/x.txt"), max_chars=10_000_000)


@pytest.mark.parametrize(("size", "overlap"), [(700, 100), (200, 40), (1200, 0)])
def test_every_chunk_is_exactly_its_span_of_the_article(size: int, overlap: int) -> None:
    article = _article(SEED.read_text())
    chunks = Chunker(size, overlap).split(article)
    assert len(chunks) > 1
    for i, chunk in enumerate(chunks):
        assert chunk.index == i
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= size
    assert chunks[0].start == 0
    assert chunks[-1].end == len(article.text)
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    gaps = [i for i in range(len(article.text)) if i not in covered and not article.text[i].isspace()]
    assert gaps == []


def test_offsets_hold_on_repetitive_and_unbroken_text() -> None:
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma.", "delta,", "\n\n", "echo", "x" * 300]
    text = " ".join(rng.choice(words) for _ in range(3000))
    article = _article(text)
    for chunk in Chunker(300, 50).split(article):
        assert article.text[chunk.start : chunk.end] == chunk.text


def test_chunks_prefer_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} says something plain." for i in range(60))
    chunks = Chunker(300, 0).split(_article(text))
    assert all(c.text.endswith(".") for c in chunks)


def test_normalize_text_is_canonical() -> None:
    assert normalize_text("a\r\nb\rc\x00d  \n\n\n\ne\u0065\u0301") == "a\nb\ncd\n\neé"


def test_signature_names_the_chunking() -> None:
    assert Chunker(700, 100).signature != Chunker(600, 100).signature


def test_a_repeated_passage_gets_its_own_offsets_not_those_of_an_earlier_copy() -> None:
    """Found by bench/fuzz.py: a later chunk whose text also occurs earlier was given the earlier offsets,
    so its citation pointed at the wrong place and the end of the article was covered by no chunk."""
    article = build_article(Draft(text="The ferry runs twice a day. " * 40 + "The end.", source="x.txt"), 10**6)
    chunks = Chunker(300, 50).split(article)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert chunks[-1].end == len(article.text)
    for before, after in itertools.pairwise(chunks):  # in order, exact, and leaving no gap
        assert before.start < after.start <= before.end + 1 and article.text[after.start : after.end] == after.text


# Found by bench/fuzz.py: the last, one-character chunk also occurs inside the overlap of the chunk before.
FUZZ_SHORT_TAIL = (
    "?\n(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((mmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmi(((((((mmmmmmmmmmmmmmim((((((((((((((((((((("
    "(((((((((((((((((((((((((((((((((((((((=K\n2D?\n?\n?\nAA\n|\nK\nAA\nAA\nT\nKT\nKo41\n((((((((((((((((("
    "mmmmmmmmmmmmmmim((((((((((((((((((((((((((((((((((((((((((((((((((((=K\n2D?\n?\n?\nAA\n|\nK\nAA\nA"
    "?L\n?\n?\n\nD"
)


def test_a_short_last_chunk_is_placed_after_the_text_already_covered() -> None:
    article = build_article(Draft(text=FUZZ_SHORT_TAIL, source="x.txt"), 10**6)
    chunks = Chunker(300, 50).split(article)
    assert chunks[-1].text == "D" and chunks[-1].end == len(article.text)
    assert all(article.text[c.start : c.end] == c.text for c in chunks)


# Found by bench/fuzz.py: the splitter emitted a chunk that is only the tail of the one before.
FUZZ_TAIL_IN_OVERLAP = (
    "?\n(((((((((((_((((((((((((((((((((((((((((((((((((((((((((((,((mmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmm(((((((:::mmmmmmmmmmmmmmmmmmmmmmmim((((((((((((((((((((:::mmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmm((((((((((((((((mmmmmmmmmmmm(((((((((((((((((((((((((((((((((((((((((((((("
    "(((((((((((((mmmmmmmmm~mmmmmmmmm\n2)\nA?K\n?K\n\nA\n\n2)\nA\n2(((((((mmmmmmmmmimmmmim(((((((((((((("
    "(((((((((((((((((((0\nAA\n\nK\nAA\nAAmmmmmmmmmmmim((((((((((((((((((((:::mmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmm(((((((((((((*(((((((((((((((((((((((((((((((((((((((((((((((mmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmFi(((((((mmmmmmmmmmmmmmim(((((((((((((((((((("
    ":::mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmi(((((((mmmmmmmmmmmmmmim((((((((((((((((((((((((((("
    "((((((0\nAA\n\n((((((((((((((((((((((((((((((((((((((((mmmmmmmmm~mmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmi(((((((mmmmmmmmmimmmmim(((((((((((((((((((((((((((((((((0\nAA\n\nK\nAA\nAAmmmmmmmmmmmim(("
    "(K\nAA\nAA\n\n?L\n?\n?\n\nD"
)


def test_a_chunk_that_lies_inside_the_overlap_before_it_keeps_that_place() -> None:
    """Placing such a chunk after the covered text sent it to a later copy and left a gap."""
    article = build_article(Draft(text=FUZZ_TAIL_IN_OVERLAP, source="x.txt"), 10**6)
    chunks = Chunker(300, 50).split(article)
    covered = set().union(*(range(c.start, c.end) for c in chunks))
    assert all(i in covered or ch.isspace() for i, ch in enumerate(article.text))
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
