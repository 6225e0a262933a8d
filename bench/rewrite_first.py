"""How the model's first attempts fare, before any retry: the share of a rewrite's retries that a better first
attempt would save. The embedded model rewrites the first articles of a rewrite suite as the product does
(rule splits, skipped plain sentences, the hard words named, the fidelity judge as configured) with the
retry off, and each generated unit's first attempt is sorted by what its check says.

    .venv/bin/python bench/rewrite_first.py rewrite --limit 3                    # the suite's first 3 articles
    NEWSDESK_PROMPTS_DIR=/other/prompts .venv/bin/python bench/rewrite_first.py rewrite --limit 3  # a variant

Printed and written to bench/results/rewrite_first-<suite>-v<prompt version>-<judge mode>.json: per
generated unit, the share that passes every check (no retry would be spent), that comes back unchanged, that
has a sentence over the level's limit, that is not easier, that fails the fidelity check, that is kept as
written; with the seconds and the output tokens per second. Long: run it niced.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from bench.rewrite_reference import DATASETS
from service.app import Newsdesk
from service.evals.corpus import eval_drafts
from service.ingest.articles import build_article
from service.prompts import load_prompt
from service.rewrite.result import AlignedUnit
from service.rewrite.service import RewriteService
from service.rewrite.unit_check import RewritePolicy
from service.settings import load_settings


def outcome(unit: AlignedUnit) -> dict[str, bool] | None:
    """What a generated unit's first attempt needed; None for a unit the model did not write (skipped, plain,
    or split by rule: a rule split that stands in for a failed attempt is not told apart, and not counted)."""
    if unit.status not in ("rewritten", "kept original"):
        return None
    problems = " ".join(unit.problems)
    return {
        "passed": unit.status == "rewritten" and not unit.problems,
        "unchanged": "returned it unchanged" in problems,
        "too_long": "split it into shorter sentences" in problems,
        "harder": "not easier to read" in problems,
        "fidelity": "says something the sentence does not" in problems or "leaves out" in problems,
        "kept": unit.status == "kept original",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", choices=["rewrite", "rewrite-held-apart"])
    ap.add_argument("--limit", type=int, help="the suite's first LIMIT articles")
    ap.add_argument("--units", type=Path, help="also write each generated unit (source, output, problems) here")
    args = ap.parse_args()
    settings = load_settings()
    desk = Newsdesk(settings)
    prompt = load_prompt(settings.prompts_dir, "rewrite-sentence")
    service = RewriteService(lambda: desk.llm, desk.checker, prompt, RewritePolicy(retry=False))
    rows = [json.loads(line) for line in (DATASETS / f"{args.suite}.jsonl").read_text().splitlines() if line]
    names = list(dict.fromkeys(row["article"] for row in rows))[: args.limit]
    drafts = eval_drafts(names, settings.datasets_dir)
    found: list[dict[str, bool]] = []
    seconds = 0.0
    tokens_per_s: list[float] = []
    for name in names:
        article = build_article(drafts[name], 10**7)
        started = time.perf_counter()
        result = service.run(article.text, article.title)
        seconds += time.perf_counter() - started
        tokens_per_s.append(result.timings.get("decode_tokens_per_s", 0.0))
        generated = [(u, o) for u in result.units if (o := outcome(u)) is not None]
        found += [o for _, o in generated]
        if args.units:
            with args.units.open("a", encoding="utf-8") as f:
                for u, o in generated:
                    f.write(json.dumps({"article": name, "source": u.source, "output": u.text, "status": u.status,
                                        "problems": list(u.problems), **o}) + "\n")  # fmt: skip
        print(f"{name}: {len(result.units)} units, {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {
        "prompt_version": prompt.version,
        "fidelity_judge": settings.fidelity_judge,
        "articles": len(names),
        "generated_units": len(found),
        **{k: round(sum(o[k] for o in found) / max(1, len(found)), 3) for k in (found[0] if found else {})},
        "seconds": round(seconds, 1),
        "decode_tokens_per_s": round(sum(tokens_per_s) / max(1, len(tokens_per_s)), 2),
    }
    print(json.dumps(figures))
    write_result(f"rewrite_first-{args.suite}-v{prompt.version}-{settings.fidelity_judge}", figures)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
