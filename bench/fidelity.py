"""Fidelity-check cost: 5-sentence summaries against 700-word articles, word-overlap checker vs verifier.

    .venv/bin/python bench/fidelity.py [--articles 20]

Both checkers run in one process on the same texts (each article new to each checker, its sentences
embedded cold; the embedding model is loaded once beforehand); the verifier runs twice, as shipped and
reading every picked window of every claim (no stop once a window supports the claim). Summaries are five
sentences of the same article's OneStopEnglish elementary version. Reports p50/p95 per check and per claim for each, the
verifier's cold load, and the peak RSS before and after the verifier ran (its added memory). Goals: at
most 100 ms per claim p50 and 200 MB added, cold load at most 2 s. Writes bench/results/fidelity.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import peak_rss_mb, summary, write_result
from service.embeddings.minilm import MiniLMEmbedder
from service.evals.corpus import load_onestopenglish
from service.fidelity.calibration import fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.verifier import CrossEncoderVerifier
from service.settings import load_settings
from service.text import sentences


def run(checker: FidelityChecker, texts: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    per_check, per_claim = [], []
    for source, text in texts:
        started = time.perf_counter()
        report = checker.check(source, text)
        seconds = time.perf_counter() - started
        per_check.append(seconds)
        per_claim.append(seconds / max(1, len(report.claims)))
    return {
        "check_s": {k: round(v, 3) for k, v in summary(per_check).items()},
        "per_claim_s": {k: round(v, 3) for k, v in summary(per_claim).items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()
    settings = load_settings()  # the shipped defaults: threads and batch sizes as the app uses them
    embedder = MiniLMEmbedder(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
    embedder.embed_query("warm-up")
    articles = list(load_onestopenglish(settings.datasets_dir).values())[: args.articles]
    texts = [
        (" ".join(a.advanced.split()[:700]), " ".join(s.text for s in sentences(a.elementary)[2:7])) for a in articles
    ]
    lexical = run(FidelityChecker(embedder), texts)
    rss_before = peak_rss_mb()
    verifier = CrossEncoderVerifier(threads=settings.fidelity_threads)
    started = time.perf_counter()
    verifier.probabilities([("A source sentence.", "A claim.")])
    cold_load = time.perf_counter() - started
    checked = run(FidelityChecker(embedder, verifier, fitted()), texts)
    every_window = run(FidelityChecker(embedder, verifier, fitted(), stop_at=None), texts)
    figures = {
        "articles": len(articles),
        "threads": {"embedder": settings.embed_threads, "verifier": settings.fidelity_threads},
        "embed_batch_size": settings.embed_batch_size,
        "word_overlap": lexical,
        "verifier": checked | {"cold_load_s": round(cold_load, 2)},
        "verifier_every_window": every_window,
        "peak_rss_mb": {"before_verifier": round(rss_before), "after_verifier": round(peak_rss_mb())},
    }
    path = write_result("fidelity", figures)
    for key, value in figures.items():
        print(f"{key:<14} {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
