"""From what the user named (paths, directories, URLs) to article drafts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from service.errors import IngestError
from service.ingest.decode import decode_bytes
from service.ingest.feeds import load_feed, looks_like_feed
from service.ingest.fetch import FetchPolicy, fetch
from service.ingest.html_loader import load_html
from service.ingest.text_loaders import load_markdown, load_records, load_text
from service.model import Draft

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")
MAX_FEED_ENTRIES = 200


@dataclass(frozen=True)
class Source:
    """One file or URL to read; a directory expands into many."""

    location: str
    is_url: bool


def expand(targets: list[str]) -> Iterator[Source | IngestError]:
    """Sources in the order given; directories recursively, sorted, hidden files skipped."""
    for target in targets:
        if target.startswith(("http://", "https://")) or "://" in target:
            yield Source(target, is_url=True)
            continue
        path = Path(target).expanduser()
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(p, path)
            )
            if not files:
                yield IngestError(f"{target}: no supported files in this directory ({', '.join(SUPPORTED_SUFFIXES)})")
            yield from (Source(str(p.resolve()), is_url=False) for p in files)
        elif path.is_file():
            yield Source(str(path.resolve()), is_url=False)
        else:
            yield IngestError(f"{target}: no such file or directory")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


class DraftReader:
    """Reads a Source into drafts, honouring the size and fetch limits."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy

    def read(self, source: Source) -> Iterator[Draft | IngestError]:
        if source.is_url:
            fetched = fetch(source.location, self._policy)
            yield from self._from_bytes(fetched.body, fetched.url, suffix=None, content_type=fetched.content_type)
            return
        path = Path(source.location)
        size = path.stat().st_size
        if size > self._policy.max_bytes:
            raise IngestError(
                f"{path.name}: {size / 1e6:.1f} MB is over the {self._policy.max_bytes / 1e6:g} MB limit "
                "(NEWSDESK_MAX_FILE_MB)"
            )
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise IngestError(f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
        yield from self._from_bytes(path.read_bytes(), str(path), suffix=path.suffix.lower(), content_type="")

    def _from_bytes(
        self, body: bytes, location: str, suffix: str | None, content_type: str
    ) -> Iterator[Draft | IngestError]:
        name = location if suffix is None else Path(location).name
        if suffix in (".xml", ".rss", ".atom") or looks_like_feed(body, content_type):
            yield from load_feed(body, location, self._fetch_article, MAX_FEED_ENTRIES)
            return
        text, _encoding = decode_bytes(body, name)
        if suffix in (".json", ".jsonl") or "json" in content_type:
            yield from load_records(text, location, jsonl=suffix == ".jsonl" or "jsonl" in content_type)
        elif suffix in (".md", ".markdown"):
            yield load_markdown(text, location)
        elif suffix in (".html", ".htm") or (suffix is None and ("html" in content_type or _looks_html(text))):
            yield load_html(text, location)
        else:
            yield load_text(text, location)

    def _fetch_article(self, url: str) -> Draft:
        fetched = fetch(url, self._policy)
        text, _ = decode_bytes(fetched.body, fetched.url)
        if "html" in fetched.content_type or _looks_html(text):
            return load_html(text, fetched.url)
        return load_text(text, fetched.url)


def _looks_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
