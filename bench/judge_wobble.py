"""How repeatable one reading of the judge is: the same claim on the same source, read three ways in a row.

    .venv/bin/python bench/judge_wobble.py [--claims 24]

For a fixed sample of `fidelity-pairs` claims (each on the first 250 words of its source, the size of a
window): *cold* (the cache holds another source, so the whole prompt is read), *warm* (the cache holds the
same source with another claim: only the claim is read, the way every further claim of a text is read) and
*again* (the identical prompt straight after: llama.cpp re-reads only its last token). llama.cpp computes a
prompt in batches whose boundaries depend on what is cached, and the kernels for different batch sizes round
differently, so the three P(yes) differ a little. A margin or threshold closer than this to a claim's
reading can go either way from run to run. Prints the log-odds differences; writes
bench/results/judge_wobble.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile, write_result
from service.app import Newsdesk
from service.fidelity.claim_judge import ClaimJudge, logit
from service.settings import load_settings

OTHER = "The council voted 7 to 2 on Tuesday to close the library. The building will be sold next year."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=24)
    args = ap.parse_args()
    settings = load_settings()
    rows = [json.loads(line) for line in (settings.evals_dir / "datasets" / "fidelity-pairs.jsonl").open()]
    sample = random.Random(0).sample(rows, min(args.claims, len(rows)))
    desk = Newsdesk(settings)
    judge = ClaimJudge(lambda: desk.llm, desk.claim_judge.prompt, memo_size=0)  # every reading asks the model
    reads = []
    try:
        for row in sample:
            source = " ".join(row["source"].split()[:250])
            judge.probability(OTHER, "The library will close.")  # the next read starts cold
            cold = judge.probability(source, row["claim"])
            judge.probability(source, "This is about something else entirely.")
            warm = judge.probability(source, row["claim"])
            again = judge.probability(source, row["claim"])
            reads.append({"id": row["id"], "cold": cold, "warm": warm, "again": again})
            print(f"{row['id']:28s} cold {cold:.4f} warm {warm:.4f} again {again:.4f}", flush=True)
    finally:
        if "local_server" in desk.__dict__:
            desk.local_server.stop()
    figures = {}
    for a, b in (("cold", "warm"), ("warm", "again"), ("cold", "again")):
        gaps = [abs(logit(r[a]) - logit(r[b])) for r in reads]
        figures[f"{a}_vs_{b}"] = {"median": round(percentile(gaps, 50), 3), "max": round(max(gaps), 3)}
        print(f"|log-odds| {a} vs {b}: median {figures[f'{a}_vs_{b}']['median']}, max {figures[f'{a}_vs_{b}']['max']}")
    write_result("judge_wobble", {"claims": len(reads), "figures": figures, "reads": reads})


if __name__ == "__main__":
    main()
