"""The per-claim judge's P(yes) for every claim of a labelled set, cached for fitting and measuring.

    .venv/bin/python bench/judge_claims.py frank-valid                 # every FRANK valid summary (fit data)
    .venv/bin/python bench/judge_claims.py frank-valid --mode window --limit 120
    .venv/bin/python bench/judge_claims.py frank-test --articles 36    # every summary of 36 articles per dataset
    .venv/bin/python bench/judge_claims.py rewrite-dev                 # editors' rewrites + planted errors
    .venv/bin/python bench/judge_claims.py rewrite-held-apart          # the 14 held-apart editors' rewrites

Sets: FRANK summaries against their article (label: human); the OneStopEnglish editors' elementary rewrites
against the advanced original (every claim labelled supported: the editors kept the facts) of the `rewrite`
suite's articles (dev) or of the 14 articles no suite uses (held apart); `fidelity-synthetic`'s faithful and
corrupted texts (dev). Claims are split as the checker splits them. ``whole``: the source is the judge's
cached prefix (texts of one source are adjacent); ``window``: each claim on the ~250-word window its words
point at, as MiniCheck chunks long documents. One JSON line per text in
evals/datasets/judged/judge-<set>-<mode>-v<prompt version>.jsonl (``cache_path``): project data, committed,
so a refit needs no model, and named by the judge prompt's version, so a new prompt starts a new file instead
of mixing its readings with the old one's (with ``--shard K/N``, one file per shard, each on its own model
server via its own NEWSDESK_DATA_DIR). Resumable. Runs on the configured LLM. Long: run it niced in the
background.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.rewrite_reference import held_apart_names, suite_names
from service.app import Newsdesk
from service.evals.corpus import eval_drafts, load_onestopenglish
from service.evals.frank import article_sample, fixed_sample, load_frank
from service.fidelity.claim_judge import WINDOW_WORDS
from service.fidelity.claims import claim_spans, without_citations
from service.ingest.articles import build_article
from service.prompts import load_prompt
from service.settings import Settings, load_settings

SETS = ("frank-valid", "frank-test", "rewrite-dev", "rewrite-held-apart")
CACHE_DIR = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "judged"


def cache_path(name: str, mode: str = "whole", settings: Settings | None = None) -> Path:
    """Where the judge's readings of set ``name`` live, for the judge prompt newsdesk uses now."""
    prompt = load_prompt((settings or load_settings()).prompts_dir, "fidelity-claim")
    return CACHE_DIR / f"judge-{name}-{mode}-v{prompt.version}.jsonl"


@dataclass(frozen=True)
class Text:
    id: str
    group: str  # dataset (FRANK), "editors" or "synthetic"
    source: str
    text: str
    consistent: bool


def texts(name: str, settings: Settings, limit: int | None, articles: int | None = None) -> list[Text]:
    if name.startswith("frank-"):
        rows = load_frank(settings.datasets_dir, split=name.removeprefix("frank-"))
        rows = article_sample(rows, articles) if articles else fixed_sample(rows, limit)
        return [Text(r.id, r.dataset, r.article, r.summary, r.consistent) for r in rows]
    articles = load_onestopenglish(settings.datasets_dir)
    names = held_apart_names(articles) if name == "rewrite-held-apart" else suite_names()
    out = [Text(f"editors:{n}", "editors", articles[n].advanced, articles[n].elementary, True)
           for n in names if n in articles]  # fmt: skip
    if name == "rewrite-dev":
        path = settings.datasets_dir / "fidelity-synthetic.jsonl"
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        drafts = eval_drafts(sorted({r["article"] for r in rows}), settings.datasets_dir)
        for r in rows:
            source = build_article(drafts[r["article"]], 10**7).text
            out += [Text(f"{r['id']}:faithful", "synthetic", source, r["faithful"], True),
                    Text(f"{r['id']}:corrupted", "synthetic", source, r["corrupted"], False)]  # fmt: skip
    return out[:limit]


def read_judged(path: Path) -> list[dict[str, Any]]:
    """The texts judged into ``path`` and into its shards (``<stem>.shardK<suffix>``) beside it."""
    files = [path, *sorted(path.parent.glob(f"{path.stem}.shard*{path.suffix}"))]
    return [json.loads(line) for f in files if f.is_file() for line in f.read_text().splitlines() if line.strip()]


def _source_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", choices=SETS)
    ap.add_argument("--mode", default="whole", choices=["whole", "window"])
    ap.add_argument("--limit", type=int, help="FRANK: its fixed stratified sample of this many summaries")
    ap.add_argument("--articles", type=int, help="FRANK: every summary of this many articles per dataset")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--shard", default="0/1", help="K/N: only the sources of shard K of N")
    args = ap.parse_args()
    shard, shards = (int(x) for x in args.shard.split("/"))
    desk = Newsdesk(load_settings())
    out = args.out or cache_path(args.set, args.mode, desk.settings)
    done = {r["id"] for r in read_judged(out)}
    if shards > 1:
        out = out.with_name(f"{out.stem}.shard{shard}{out.suffix}")
    out.parent.mkdir(parents=True, exist_ok=True)
    judge = desk.claim_judge
    window_words = WINDOW_WORDS if args.mode == "window" else 0  # every claim on its window
    todo = sorted(
        texts(args.set, desk.settings, args.limit, args.articles), key=lambda t: (_source_key(t.source), t.id)
    )
    todo = [t for t in todo if t.id not in done and int(_source_key(t.source), 16) % shards == shard]
    print(f"{len(done)} done, {len(todo)} to judge -> {out}", file=sys.stderr, flush=True)
    with out.open("a", encoding="utf-8") as f:
        for n, item in enumerate(todo, start=1):
            claims = [without_citations(c.text) for c in claim_spans(item.text)]
            yes, seconds = [], []
            for claim in claims:
                started = time.perf_counter()
                yes.append(round(judge.probability(item.source, claim, window_words), 5))
                seconds.append(round(time.perf_counter() - started, 3))
            record = {"id": item.id, "dataset": item.group, "consistent": item.consistent, "claims": claims,
                      "judge": yes, "seconds": seconds}  # fmt: skip
            f.write(json.dumps(record) + "\n")
            f.flush()
            print(f"{n}/{len(todo)} {sum(seconds):.1f}s", file=sys.stderr, flush=True)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
