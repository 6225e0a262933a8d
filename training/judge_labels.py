"""The language-model judge's P(yes) on a seeded sample of the verifier's training pairs (distillation labels).

    NEWSDESK_LOCAL_PROMPT_THREADS=1 nice -n 10 .venv/bin/python -m training.judge_labels --pairs 2000

Optional work: reads ``../shared/datasets`` (through ``training.pairs``) and runs the configured LLM on every
pair, so it takes hours on one core; resumable (pairs already in the output are skipped), stop it any time.
The sample is news-like: the summary pairs of CLIFF, XSumFaith, PolyTope and SummEdits and the
OneStopEnglish ``train`` pairs (copies, editors' rewordings, planted errors), in equal shares per group,
seeded, then ordered by a hash of the premise, so pairs of one window share the judge's cached prefix and a run
stopped early has labelled a random part of the sample. The output holds no
text: a key (sha1 of premise and claim), the pair's source and gold label, and the judge's P(yes), so the
committed file carries no third-party text and ``training.train --teacher`` finds the pairs again by key.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from service.app import Newsdesk
from service.prompts import load_prompt
from service.settings import load_settings
from training.pairs import Pair, build
from training.teacher import pair_key, read_labels

PROJECT = Path(__file__).resolve().parents[1]
GROUPS = {"summaries": ("cliff", "xsumfaith", "polytope", "summedits"), "onestopenglish": ("ose-",)}


def sample(pairs: list[Pair], total: int, seed: int = 13) -> list[Pair]:
    """``total`` pairs in equal shares of the groups, seeded; grouped by premise (cache reuse)."""
    rng = random.Random(seed)
    picked: list[Pair] = []
    for prefixes in GROUPS.values():
        group = sorted({p for p in pairs if p.source.startswith(prefixes)}, key=lambda p: pair_key(p.premise, p.claim))
        picked += rng.sample(group, min(len(group), total // len(GROUPS)))
    return sorted(picked, key=lambda p: (pair_key(p.premise, ""), p.claim))  # a premise's pairs together


def labels_path(version: int) -> Path:
    return PROJECT / "training" / "labels" / f"judge-train-v{version}.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=PROJECT.parent / "shared" / "datasets")
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    desk = Newsdesk(load_settings())
    out = args.out or labels_path(load_prompt(desk.settings.prompts_dir, "fidelity-claim").version)
    done = read_labels(out)
    todo = [p for p in sample(build(args.shared, "train"), args.pairs) if pair_key(p.premise, p.claim) not in done]
    print(f"{len(done)} done, {len(todo)} to judge -> {out}", file=sys.stderr, flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    judge = desk.claim_judge
    with out.open("a", encoding="utf-8") as f:
        for n, pair in enumerate(todo, start=1):
            started = time.perf_counter()
            yes = judge.probability(pair.premise, pair.claim)
            seconds = time.perf_counter() - started
            row = {"key": pair_key(pair.premise, pair.claim), "source": pair.source, "label": pair.label,
                   "judge": round(yes, 5), "seconds": round(seconds, 3)}  # fmt: skip
            f.write(json.dumps(row) + "\n")
            f.flush()
            if n % 20 == 0:
                print(f"{time.strftime('%H:%M:%S')} {n}/{len(todo)} {seconds:.1f}s", file=sys.stderr, flush=True)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
