"""Rewritten sentences to fit and measure the ``rewrite`` kind of the fidelity decision: the embedded model
rewrites each article of a rewrite suite as the product does, first attempts only (no retry: the check of a
first attempt is what decides whether a retry is spent), and every claim of every checked output is recorded
with its source sentence, its fast verdict and signals; ``--judge`` then adds the judge's P(yes) (the source
sentence as the source, as the product reads it) to every claim the fast checker failed.

    .venv/bin/python bench/rewrite_claims.py rewrite              # the suite the rewrite decision is fitted on
    .venv/bin/python bench/rewrite_claims.py rewrite --recheck    # the fast verdicts again, after a checker change
    .venv/bin/python bench/rewrite_claims.py rewrite --judge      # then: P(yes) for the fast checker's failures
    .venv/bin/python bench/rewrite_claims.py rewrite-held-apart --limit 4   # measured on, never fitted on

Writes data/rewrite-claims-<suite>.jsonl, one line per claim (resumable by article). The human label of each
failed claim is added by hand to the copy committed under evals/datasets/judged/ (its README says how), read
without the judge's reading. Long: run it niced.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answer_claims import fast_fields
from bench.rewrite_reference import DATASETS
from service.app import Newsdesk
from service.evals.corpus import eval_drafts
from service.fidelity.checker import FidelityChecker
from service.fidelity.decision import CheckKind
from service.fidelity.report import FidelityReport
from service.ingest.articles import build_article
from service.prompts import load_prompt
from service.rewrite.service import RewriteService
from service.rewrite.unit_check import RewritePolicy
from service.settings import load_settings

Row = dict[str, Any]


class RecordingChecker:
    """The fast checker, recording each forward check of a rewritten unit (source sentence → output)."""

    def __init__(self, inner: FidelityChecker) -> None:
        self.inner = inner
        self.rows: list[Row] = []

    def check(self, source: str, text: str, kind: CheckKind = "article", judged: bool = True) -> FidelityReport:
        report = self.inner.check(source, text, kind=kind, judged=False)
        for verdict in report.claims:
            self.rows.append({"sentence": source, "output": text, "claim": verdict.text, "fast_kind": verdict.kind,
                              "reason": verdict.reason, **fast_fields(verdict)})  # fmt: skip
        return report


def collect(desk: Newsdesk, names: list[str], out: Path, datasets_dir: Path) -> None:
    done = {json.loads(line)["article"] for line in out.read_text().splitlines()} if out.is_file() else set()
    drafts = eval_drafts(names, datasets_dir)
    recorder = RecordingChecker(desk.checker_judging("off"))
    policy = RewritePolicy(retry=False, sample_candidate=False)
    prompt = load_prompt(desk.settings.prompts_dir, "rewrite-sentence")
    service = RewriteService(lambda: desk.llm, recorder, prompt, policy)  # type: ignore[arg-type]
    with out.open("a", encoding="utf-8") as f:
        for name in names:
            if name in done:
                continue
            started = time.perf_counter()
            recorder.rows = []
            article = build_article(drafts[name], 10**7)
            service.run(article.text, article.title)
            for k, row in enumerate(recorder.rows):
                f.write(json.dumps({"id": f"{name}:{k}", "article": name, **row, "label": None}) + "\n")
            f.flush()
            print(f"{name}: {len(recorder.rows)} claims, {time.perf_counter() - started:.0f}s", file=sys.stderr,
                  flush=True)  # fmt: skip


def recheck(desk: Newsdesk, out: Path) -> None:
    """Each recorded output checked again by the current fast checker (no model call). Rewrites the file."""
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    checker = desk.checker_judging("off")
    units: dict[tuple[str, str, str], list[Row]] = {}
    for row in rows:
        units.setdefault((row["article"], row["sentence"], row["output"]), []).append(row)
    for (_, sentence, output), group in units.items():
        verdicts = checker.check(sentence, output, kind="rewrite", judged=False).claims
        repeats = len(group) // max(1, len(verdicts))  # the same output checked twice (a split, then its fallback)
        if [v.text for v in verdicts] * repeats != [r["claim"] for r in group]:
            raise SystemExit(f"{group[0]['id']}: the claims are split differently now")
        for row, verdict in zip(group, verdicts * repeats, strict=True):
            row.update({"fast_kind": verdict.kind, "reason": verdict.reason, **fast_fields(verdict)})
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def judge_failures(desk: Newsdesk, out: Path) -> None:
    """P(yes) for each claim the fast checker failed, timed. Rewrites the file."""
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    judge = desk.claim_judge
    for row in rows:
        if row["fast_supported"] or "judge" in row:
            continue
        started = time.perf_counter()
        row["judge"] = round(judge.probability(row["sentence"], row["claim"]), 5)
        row["judge_s"] = round(time.perf_counter() - started, 3)
        print(f"{row['id']}: {row['judge']} {row['judge_s']}s", file=sys.stderr, flush=True)
        out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", choices=["rewrite", "rewrite-held-apart"])
    ap.add_argument("--limit", type=int, help="the suite's first LIMIT articles")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--judge", action="store_true")
    ap.add_argument("--recheck", action="store_true")
    args = ap.parse_args()
    settings = load_settings(fidelity_judge="off")
    desk = Newsdesk(settings)
    out = args.out or settings.data_dir / f"rewrite-claims-{args.suite}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.recheck:
        recheck(desk, out)
    elif args.judge:
        judge_failures(desk, out)
    else:
        rows = [json.loads(line) for line in (DATASETS / f"{args.suite}.jsonl").read_text().splitlines() if line]
        names = list(dict.fromkeys(row["article"] for row in rows))[: args.limit]
        collect(desk, names, out, settings.datasets_dir)
    if "local_server" in desk.__dict__:
        desk.local_server.stop()


if __name__ == "__main__":
    main()
