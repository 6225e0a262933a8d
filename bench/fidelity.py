"""Fidelity-check cost: 5-sentence summaries against 700-word articles, word-overlap checker vs verifier.

    .venv/bin/python bench/fidelity.py [--articles 20] [--judge-runtime xllamacpp native] [--judge-articles 6]
                                       [--judge-reads whole window]

Both checkers run in one process on the same texts (each article new to each checker, its sentences
embedded cold; the embedding model is loaded once beforehand); the verifier runs twice, as shipped and
reading every picked window of every claim (no stop once a window supports the claim). Summaries are five
sentences of the same article's OneStopEnglish elementary version. Reports p50/p95 per check and per claim for each, the
verifier's cold load, and the peak RSS before and after the verifier ran (its added memory). Goals: at
most 100 ms per claim p50 and 200 MB added, cold load at most 2 s. Writes bench/results/fidelity.json.

``--judge-runtime``: the language model's cost per judged claim on each named runtime of the embedded model
(a server of each, side by side), the articles taking turns between them: each of ``--judge-articles``
articles with its five claims asked one after another, so the first claim reads the article (cold) and the
others read only their own tokens after it (the cached prefix). Reports p50/p95 of both, per runtime, with
llama.cpp's system-info line. ``--judge-reads window`` asks each claim on its ~250-word window of the article
instead (a fresh server per way of reading, so neither finds the other's prefix in the cache); per article,
the time of all five claims is reported too.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import peak_rss_mb, summary, write_result
from service.embeddings.minilm import MiniLMEmbedder
from service.evals.corpus import load_onestopenglish
from service.fidelity.calibration import fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import WINDOW_WORDS, ClaimJudge
from service.fidelity.verifier import CrossEncoderVerifier
from service.llm.factory import build_llm
from service.llm.runtime_choice import runtime_system_info, servers_for
from service.prompts import load_prompt
from service.settings import Settings, load_settings
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


def judge_cost(settings: Settings, runtimes: list[str], texts: list[tuple[str, str]], window_words: int = 0
               ) -> dict[str, Any]:  # fmt: skip
    """Seconds per judged claim, first (the article read) and further (the article cached), per runtime;
    with ``window_words``, each claim read on its window of the article."""
    prompt = load_prompt(settings.prompts_dir, "fidelity-claim")
    first: dict[str, list[float]] = {r: [] for r in runtimes}
    further: dict[str, list[float]] = {r: [] for r in runtimes}
    per_text: dict[str, list[float]] = {r: [] for r in runtimes}
    with servers_for(settings, runtimes) as servers:
        llms = {r: build_llm(settings, server) for r, server in servers.items()}
        judges = {r: ClaimJudge(lambda llm=llms[r]: llm, prompt) for r in runtimes}
        for n, (source, text) in enumerate(texts):
            for runtime in runtimes if n % 2 == 0 else runtimes[::-1]:
                text_started = time.perf_counter()
                for k, claim in enumerate(span.text for span in sentences(text)):
                    started = time.perf_counter()
                    judges[runtime].probability(source, claim, window_words)
                    (first if k == 0 else further)[runtime].append(time.perf_counter() - started)
                per_text[runtime].append(time.perf_counter() - text_started)
    return {r: {"first_claim_s": {k: round(v, 2) for k, v in summary(first[r]).items()},
                "further_claim_s": {k: round(v, 2) for k, v in summary(further[r]).items()},
                "per_text_s": {k: round(v, 2) for k, v in summary(per_text[r]).items()},
                "system_info": runtime_system_info(settings, r)} for r in runtimes}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--judge-runtime", nargs="*", default=[], choices=["xllamacpp", "native"])
    parser.add_argument("--judge-articles", type=int, default=6)
    parser.add_argument("--judge-reads", nargs="+", default=["whole"], choices=["whole", "window"])
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
    for reads in args.judge_reads if args.judge_runtime else []:
        key = "judge" if reads == "whole" else "judge_window"
        words = WINDOW_WORDS if reads == "window" else 0
        figures[key] = judge_cost(settings, args.judge_runtime, texts[: args.judge_articles], words)
    path = write_result("fidelity", figures)
    for key, value in figures.items():
        print(f"{key:<14} {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
