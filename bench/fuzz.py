"""Coverage-guided fuzzing of every input path (atheris, libFuzzer's engine), time-boxed; not part of CI.

    .venv/bin/pip install atheris==3.0.0        # the `fuzz` extra
    .venv/bin/python bench/fuzz.py [--runs 100000] [--seconds 900]

Each input picks an entry point with its first byte: byte decoding, the file readers (.txt .md .html .json
.jsonl .xml and feeds; links in feeds are not fetched), article building and chunking, the URL check, question
cleaning, the fidelity check (word overlap, hashed embeddings) and settings parsing. The invariant is the
product's: an input is accepted whole (an article whose chunks are exact spans covering its text) or refused
with newsdesk's own error (IngestError, InvalidInput, ConfigError); anything else is a crash, saved under
data/fuzz/crashes/ to become a regression test. Writes bench/results/fuzz.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["service"]):
    from service.errors import NewsdeskError
    from service.fidelity.checker import FidelityChecker
    from service.ingest.articles import build_article
    from service.ingest.chunking import Chunker
    from service.ingest.decode import decode_bytes
    from service.ingest.fetch import FetchPolicy, check_url
    from service.ingest.sources import SUPPORTED_SUFFIXES, DraftReader, Source
    from service.model import Draft
    from service.qa.service import clean_question
    from service.settings import Settings, load_settings

from bench.common import write_result  # noqa: E402

ENTRY_POINTS = ["decode", "read", "chunk", "url", "question", "fidelity", "settings"]
FIELDS = sorted(n for n in Settings.model_fields if n not in ("openai_api_key", "auth"))
COUNTS: Counter[str] = Counter()


class HashEmbedder:
    """Hashed bag of words: fast enough for fuzzing the checker's own logic."""

    model_id = "hash"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = np.zeros(32)
            for word in text.lower().split():
                v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1
            out.append((v / (np.linalg.norm(v) or 1)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class NoFetch(DraftReader):
    def _fetch_article(self, url: str) -> Draft:
        raise NewsdeskError(f"{url}: not fetched while fuzzing")


CHECKER = FidelityChecker(HashEmbedder())
READER = NoFetch(FetchPolicy(5, 10**6, False))
CHUNKER = Chunker(300, 50)
WORK = Path(tempfile.mkdtemp(prefix="newsdesk-fuzz-"))


def accept_article(draft: Draft) -> None:
    article = build_article(draft, max_chars=500_000)
    chunks = CHUNKER.split(article)
    assert chunks, "an accepted article has no chunks"
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text, "a chunk is not an exact span"
    covered = bytearray(len(article.text))
    for chunk in chunks:
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
    assert all(c or ch.isspace() for c, ch in zip(covered, article.text, strict=True)), "chunks miss text"


STARTED = time.perf_counter()


def record() -> None:
    """The figures so far (libFuzzer ends the process itself, so they are written as the run goes)."""
    crashes = ROOT / "data" / "fuzz" / "crashes"
    write_result("fuzz", {
        "inputs": sum(v for k, v in COUNTS.items() if ":" not in k),
        "seconds": round(time.perf_counter() - STARTED),
        "crash_files": len(list(crashes.iterdir())) if crashes.is_dir() else 0,
        "per_entry_point": {k: COUNTS[k] for k in ENTRY_POINTS},
        "refused": {k.split(":")[0]: v for k, v in COUNTS.items() if k.endswith(":refused")},
    })  # fmt: skip


def one_input(data: bytes) -> None:
    if not data:
        return
    fdp = atheris.FuzzedDataProvider(data)
    entry = ENTRY_POINTS[fdp.ConsumeIntInRange(0, len(ENTRY_POINTS) - 1)]
    COUNTS[entry] += 1
    if sum(COUNTS[e] for e in ENTRY_POINTS) % 5000 == 0:
        record()
    try:
        if entry == "decode":
            decode_bytes(fdp.ConsumeBytes(fdp.remaining_bytes()), "fuzz.txt")
        elif entry == "read":
            suffix = SUPPORTED_SUFFIXES[fdp.ConsumeIntInRange(0, len(SUPPORTED_SUFFIXES) - 1)]
            path = WORK / f"input{suffix}"
            path.write_bytes(fdp.ConsumeBytes(fdp.remaining_bytes()))
            for item in READER.read(Source(str(path), is_url=False)):
                if isinstance(item, Draft):
                    with contextlib.suppress(NewsdeskError):  # refused whole, as it should be
                        accept_article(item)
        elif entry == "chunk":
            accept_article(Draft(text=fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()), source="f.txt"))
        elif entry == "url":
            check_url(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()), allow_private=True)
        elif entry == "question":
            cleaned = clean_question(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
            assert "\n" not in cleaned, "a cleaned question spans lines"
        elif entry == "fidelity":
            source = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 2000))
            text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
            for claim in CHECKER.check(source, text).claims:
                assert text[claim.start : claim.end] == claim.text, "a claim's offsets are wrong"
        elif entry == "settings":
            name = FIELDS[fdp.ConsumeIntInRange(0, len(FIELDS) - 1)]
            load_settings(**{name: fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())})
    except NewsdeskError:
        COUNTS[f"{entry}:refused"] += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=900)
    args = ap.parse_args()
    crashes = ROOT / "data" / "fuzz" / "crashes"
    corpus = ROOT / "data" / "fuzz" / "corpus"
    crashes.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    atheris.Setup(
        [sys.argv[0], f"-runs={args.runs}", f"-max_total_time={args.seconds}", f"-artifact_prefix={crashes}/",
         "-max_len=4096", "-print_final_stats=1", str(corpus)],
        one_input,
    )  # fmt: skip
    atheris.Fuzz()  # does not return


if __name__ == "__main__":
    main()
