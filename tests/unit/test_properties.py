"""Property-based tests of every input path: whatever comes in is stored whole or refused with one clear
error (IngestError, InvalidInput, ConfigError), never another exception, never a partial article.
A list of hostile inputs (test_hostile_inputs.py) holds what someone thought of; these generate the rest.
bench/fuzz.py runs the same properties far longer, coverage-guided."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.app import Newsdesk
from service.errors import ConfigError, IngestError, InvalidInput
from service.fidelity.calibration import Calibration
from service.fidelity.checker import FidelityChecker
from service.ingest.articles import build_article
from service.ingest.chunking import Chunker
from service.ingest.decode import decode_bytes
from service.ingest.fetch import FetchPolicy, check_url
from service.ingest.sources import SUPPORTED_SUFFIXES, DraftReader, Source
from service.model import Draft, normalize_text
from service.qa.service import clean_question
from service.settings import Settings, load_settings
from tests.fakes import FakeEmbedder, FakeVerifier

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXTY = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=1500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda t: ("\ufeff" + t).encode("utf-16", "surrogatepass")),
    st.sampled_from([b"<html><body><p>", b"---\ntitle: x\n---\n", b'{"text": ', b"<rss><channel><item>"]).flatmap(
        lambda head: st.binary(max_size=800).map(lambda tail: head + tail)
    ),
)


class NoFetch(DraftReader):
    """Feeds with links would fetch their pages; here a link is just refused."""

    def _fetch_article(self, url: str) -> Draft:
        raise IngestError(f"{url}: not fetched in tests")


def read_all(data: bytes, suffix: str, tmp_path: Path) -> list[Draft | IngestError]:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        return list(NoFetch(FetchPolicy(5, 10**6, False)).read(Source(str(path), is_url=False)))
    except IngestError as exc:
        return [exc]


@QUICK
@given(data=TEXTY, suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_any_file_is_read_into_drafts_or_refused_with_a_clear_error(data: bytes, suffix: str, tmp_path: Path) -> None:
    for item in read_all(data, suffix, tmp_path):
        if isinstance(item, IngestError):
            assert str(item) and "\n" not in str(item).strip() and "Traceback" not in str(item)
            continue
        try:
            article = build_article(item, max_chars=500_000)
        except IngestError as exc:
            assert str(exc)
            continue
        assert article.text == normalize_text(item.text) and article.text.strip()
        assert article.title and len(article.title) <= 150


@QUICK
@given(st.binary(max_size=4000))
def test_any_bytes_decode_or_are_refused(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data, "x.txt")
    except IngestError as exc:
        assert str(exc).startswith("x.txt: ")
        return
    assert text.strip() and encoding


@QUICK
@given(st.text(min_size=1, max_size=3000), st.integers(100, 900), st.integers(0, 99))
def test_chunks_are_exact_spans_that_cover_the_article_in_order(text: str, size: int, overlap: int) -> None:
    try:
        article = build_article(Draft(text=text, source="s.txt"), max_chars=500_000)
    except IngestError:
        return
    chunks = Chunker(size, overlap).split(article)
    assert chunks and [c.index for c in chunks] == list(range(len(chunks)))
    covered = [False] * len(article.text)
    for before, chunk in zip([None, *chunks], chunks, strict=False):
        assert article.text[chunk.start : chunk.end] == chunk.text and chunk.text
        assert before is None or chunk.start >= before.start
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    assert all(c or ch.isspace() for c, ch in zip(covered, article.text, strict=True))


@QUICK
@given(st.text(max_size=300))
def test_any_url_is_checked_or_refused_without_a_connection(url: str) -> None:
    try:
        check_url(url, allow_private=True)  # allow_private: no DNS lookup, only the parsing is exercised
    except IngestError as exc:
        assert str(exc)


@QUICK
@given(address=st.ip_addresses(), port=st.integers(1, 65535), path=st.text(max_size=30))
def test_the_address_guard_refuses_every_non_public_address_and_only_those(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int, path: str
) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    url = f"http://{host}:{port}/{quote(path)}"
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    public = (mapped or address).is_global
    try:
        check_url(url, allow_private=False)  # a literal address: checked without any lookup
    except IngestError as exc:
        assert not public and "private or local address" in str(exc), (url, str(exc))
        return
    assert public, url


@QUICK
@given(st.text(max_size=3000))
def test_a_cleaned_question_is_one_printable_line(question: str) -> None:
    cleaned = clean_question(question)
    assert "\n" not in cleaned and cleaned == cleaned.strip()
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u200b\u200c\u2060\ufeff" for ch in cleaned)


@QUICK
@given(source=st.text(max_size=1500), text=st.text(max_size=600))
def test_fidelity_verdicts_on_any_unicode_keep_exact_offsets(source: str, text: str) -> None:
    verifier_cal = Calibration({"verifier": 1.0, "order": 0.5}, 0.0, 0.5)
    for checker in (
        FidelityChecker(FakeEmbedder(dim=32)),
        FidelityChecker(FakeEmbedder(dim=32), FakeVerifier(default=0.7), verifier_cal),
    ):
        report = checker.check(source, text)
        assert 0.0 <= report.score <= 1.0
        for claim in report.claims:
            assert text[claim.start : claim.end] == claim.text
            assert all(source[e.start : e.end] == e.text for e in claim.evidence)


FIELDS = sorted(n for n in Settings.model_fields if n not in ("openai_api_key", "auth"))


@QUICK
@given(name=st.sampled_from(FIELDS), value=st.text(max_size=40))
def test_any_setting_value_is_accepted_or_named_in_one_error(name: str, value: str) -> None:
    try:
        load_settings(**{name: value})
    except ConfigError as exc:
        assert "invalid settings" in str(exc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=TEXTY, suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_an_ingested_file_is_stored_whole_or_not_at_all(
    data: bytes, suffix: str, make_desk: Callable[..., Newsdesk], tmp_path: Path
) -> None:
    desk = make_desk()
    before = {a.id for a in desk.catalog.list()}
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    report = desk.ingest.ingest([str(path)])
    for item in report.items:
        assert item.status in ("added", "replaced", "unchanged", "failed", "warning")
        if item.status in ("added", "replaced"):
            stored = desk.catalog.show(item.article_id)
            assert stored.text is not None
            chunks = desk.store.chunks_of(item.article_id)
            assert stored.text and "".join(c.text for c in chunks)  # whole: its text and its passages
            assert all(stored.text[c.start : c.end] == c.text for c in chunks)
        elif item.status == "failed":
            assert item.message and "Traceback" not in item.message
    if not any(i.status in ("added", "replaced") for i in report.items):
        assert {a.id for a in desk.catalog.list()} == before


def test_the_utf16_mark_with_an_odd_byte_count_is_refused_not_a_traceback(tmp_path: Path) -> None:
    [item] = read_all(b"\xff\xfe\x00bad\x00", ".txt", tmp_path)
    assert isinstance(item, IngestError) and "UTF-16" in str(item)


def test_the_question_limit_is_a_clear_error(desk: Newsdesk) -> None:
    with pytest.raises(InvalidInput, match="too long"):
        desk.qa.answer("why " * 600)
