"""Ingest and search figures on the embedded defaults (MiniLM int8 + on-disk Chroma).

    .venv/bin/python bench/ingest_search.py [--articles N] [--queries 100]

Ingests the 30 OneStopEnglish articles shipped in evals/datasets (`advanced` texts) plus the seed article
into a fresh temporary index, then times searches and measures recall@1/@3 on evals/datasets/retrieval.jsonl.
Prints a table and writes bench/results/ingest_search.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import peak_rss_mb, summary, write_result
from service.app import Newsdesk
from service.evals.corpus import load_onestopenglish, ose_draft, seed_draft
from service.evals.retrieval import evidence_span, first_hit_rank, load_questions, recall_at
from service.settings import load_settings

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "retrieval.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, help="ingest only the first N OneStopEnglish articles")
    parser.add_argument("--queries", type=int, default=100, help="search queries to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp))
        desk = Newsdesk(settings)
        ose = load_onestopenglish(settings.datasets_dir)
        drafts = [ose_draft(a) for a in list(ose.values())[: args.articles]]

        start = time.perf_counter()
        desk.embedder.embed_query("warm-up")  # model load, timed separately
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        results = [desk.ingest.ingest_draft(d) for d in drafts]
        ingest_s = time.perf_counter() - start
        chunks = sum(r.chunks for r in results)
        seed = desk.ingest.ingest_draft(seed_draft())

        ids = {d.source: r.article_id for d, r in zip(drafts, results, strict=True)}
        questions = load_questions(QUESTIONS)
        ranks: list[int | None] = []
        hybrid_ranks: list[int | None] = []
        hybrid = desk.retriever()  # BM25 + MiniLM, reciprocal rank fusion (what Q&A uses)
        for q in questions:
            article_id = seed.article_id if q.article == "seed" else ids[f"onestopenglish:{q.article}:advanced"]
            assert article_id is not None
            span = evidence_span(desk.catalog.show(article_id).text or "", q.evidence)
            hits = desk.search.search(q.question, k=3)
            ranks.append(first_hit_rank([h.chunk for h in hits], article_id, span))
            hybrid_ranks.append(first_hit_rank([p.chunk for p in hybrid.passages(q.question)], article_id, span))

        queries = [q.question for q in questions]
        queries += [" ".join(d.text.split()[5:15]) for d in drafts]
        queries = (queries * (args.queries // len(queries) + 1))[: args.queries]
        latencies = []
        for query in queries:
            t = time.perf_counter()
            desk.search.search(query, k=5)
            latencies.append((time.perf_counter() - t) * 1000)

    figures = {
        "articles": len(drafts),
        "chunks": chunks,
        "model_load_s": round(load_s, 2),
        "ingest_s": round(ingest_s, 1),
        "articles_per_s": round(len(drafts) / ingest_s, 2),
        "chunks_per_s": round(chunks / ingest_s, 1),
        "search_ms": {k: round(v, 1) for k, v in summary(latencies).items()},
        "questions": len(questions),
        "recall_at_1": round(recall_at(ranks, 1), 3),
        "recall_at_3": round(recall_at(ranks, 3), 3),
        "misses_at_3": [q.id for q, r in zip(questions, ranks, strict=True) if r is None],
        "hybrid_recall_at_1": round(recall_at(hybrid_ranks, 1), 3),
        "hybrid_recall_at_3": round(recall_at(hybrid_ranks, 3), 3),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    path = write_result("ingest_search", figures)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
