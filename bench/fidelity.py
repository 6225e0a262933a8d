"""Fidelity-check speed: a 5-sentence summary against a 700-word article (target: under 2 s).

    .venv/bin/python bench/fidelity.py [--articles 20]

Each article is new to the checker (its sentences are embedded cold); the embedding model is loaded
once beforehand. Summaries are five sentences of the same article's OneStopEnglish elementary version.
Prints p50/p95 per check and per claim; writes bench/results/fidelity.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary, write_result
from service.embeddings.minilm import MiniLMEmbedder
from service.evals.corpus import load_onestopenglish
from service.fidelity.checker import FidelityChecker
from service.fidelity.text import sentences
from service.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()
    embedder = MiniLMEmbedder()
    embedder.embed_query("warm-up")
    checker = FidelityChecker(embedder)
    articles = list(load_onestopenglish(load_settings().datasets_dir).values())[: args.articles]
    per_check, per_claim = [], []
    for article in articles:
        source = " ".join(article.advanced.split()[:700])
        text = " ".join(s.text for s in sentences(article.elementary)[2:7])
        started = time.perf_counter()
        report = checker.check(source, text)
        seconds = time.perf_counter() - started
        per_check.append(seconds)
        per_claim.append(seconds / max(1, len(report.claims)))
    figures = {
        "articles": len(articles),
        "check_s": {k: round(v, 3) for k, v in summary(per_check).items()},
        "per_claim_s": {k: round(v, 3) for k, v in summary(per_claim).items()},
    }
    path = write_result("fidelity", figures)
    for key, value in figures.items():
        print(f"{key:<12} {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
