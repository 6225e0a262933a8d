"""The per-claim judge's P(yes) for every claim of FRANK summaries, cached for fitting and measuring.

    .venv/bin/python bench/judge_frank.py --split valid                 # every valid summary (fit data)
    .venv/bin/python bench/judge_frank.py --split valid --mode window --limit 120
    .venv/bin/python bench/judge_frank.py --split test --limit 400      # the fixed sample CI's eval uses

Claims are split as the checker splits them. ``whole``: the article is the judge's cached prefix (claims of
one article asked back to back; summaries of the same article are adjacent). ``window``: each claim is
judged on the ~250-word window of the article its words point at, as MiniCheck chunks long documents.
One JSON line per summary in data/judge-frank-<split>-<mode>.jsonl: claims, P(yes), seconds per call.
Resumable: summaries already in the file are skipped. Runs on the configured LLM (the embedded model unless
NEWSDESK_LLM_BASE_URL or OPENAI_API_KEY says otherwise). Long: run it niced in the background.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.app import Newsdesk
from service.evals.frank import FrankRow, fixed_sample, load_frank
from service.fidelity.checker import claim_spans, without_citations
from service.settings import load_settings


def ordered(rows: list[FrankRow]) -> list[FrankRow]:
    """Summaries of one article next to each other, so the article stays the cached prefix."""
    return sorted(rows, key=lambda r: (hashlib.sha256(r.article.encode()).hexdigest(), r.id))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="valid", choices=["valid", "test"])
    ap.add_argument("--mode", default="whole", choices=["whole", "window"])
    ap.add_argument("--limit", type=int, help="FRANK's fixed stratified sample of this many summaries")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    desk = Newsdesk(load_settings())
    rows = fixed_sample(load_frank(desk.settings.datasets_dir, split=args.split), args.limit)
    out = args.out or desk.settings.data_dir / f"judge-frank-{args.split}-{args.mode}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {json.loads(line)["id"] for line in out.read_text().splitlines()} if out.is_file() else set()
    judge = desk.claim_judge
    if args.mode == "window":
        judge.max_source_words = 0  # every claim on its window
    todo = [r for r in ordered(rows) if r.id not in done]
    print(f"{len(done)} done, {len(todo)} to judge -> {out}", file=sys.stderr, flush=True)
    with out.open("a", encoding="utf-8") as f:
        for n, row in enumerate(todo, start=1):
            claims = [without_citations(c.text) for c in claim_spans(row.summary)]
            yes, seconds = [], []
            for claim in claims:
                started = time.perf_counter()
                yes.append(round(judge.probability(row.article, claim), 5))
                seconds.append(round(time.perf_counter() - started, 3))
            record = {"id": row.id, "dataset": row.dataset, "consistent": row.consistent, "claims": claims,
                      "judge": yes, "seconds": seconds}  # fmt: skip
            f.write(json.dumps(record) + "\n")
            f.flush()
            print(f"{n}/{len(todo)} {sum(seconds):.1f}s", file=sys.stderr, flush=True)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
