"""Every benchmark, one command (`make bench`): runs the scripts in turn, then prints one table.

    .venv/bin/python bench/run.py [--quick] [--only NAME ...]  (names: the keys of STEPS below)

Each script writes bench/results/<name>.json; the table is read back from those files, so a script
that was skipped shows its last figures (with their date). --quick trims counts (about 15 minutes
instead of about 45 on 2 vCPUs); the figures in README come from full runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PY = sys.executable
NEWSDESK = str(Path(PY).parent / "newsdesk")

STEPS: dict[str, tuple[list[str], list[str]]] = {  # name: (full command, extra args for --quick)
    "ingest_search": ([PY, "bench/ingest_search.py"], ["--articles", "40", "--queries", "50"]),
    "fidelity": ([PY, "bench/fidelity.py"], ["--articles", "10"]),
    "llm": ([PY, "bench/llm.py", "--threads", "1"], []),
    "qa": ([PY, "bench/qa.py"], ["--limit", "12"]),
    "rewrite": ([NEWSDESK, "eval", "rewrite", "--report", str(RESULTS / "rewrite")], ["--limit", "1"]),
    "rewrite_reference": ([PY, "bench/rewrite_reference.py"], []),
    "rewrite_reference_held_apart": ([PY, "bench/rewrite_reference.py", "--held-apart"], []),
    "load": ([PY, "bench/load.py"], ["--users", "1", "4", "--search-per-user", "10"]),
}


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / ("rewrite/results.json" if name == "rewrite" else f"{name}.json")
    return json.loads(path.read_text()) if path.is_file() else None


def table() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if d := _load("ingest_search"):
        rows += [
            ("ingest", f"{d['articles']} articles, {d['chunks']} chunks: {d['chunks_per_s']:.1f} chunks/s"),
            ("search latency", f"p50 {d['search_ms']['p50']:.1f} ms, p95 {d['search_ms']['p95']:.1f} ms"),
            ("ingest+search peak RSS", f"{d['peak_rss_mb']:.0f} MB"),
        ]
    if (d := _load("fidelity")) and "verifier" in d:
        checkers = [("fidelity check, verifier", "verifier"), ("fidelity check, word overlap", "word_overlap")]
        if "verifier_every_window" in d:
            checkers.append(("fidelity check, verifier reading every window", "verifier_every_window"))
        for label, key in checkers:
            f = d[key]
            rows.append((label, f"p50 {f['check_s']['p50']:.2f} s per 5-sentence summary, "
                         f"{f['per_claim_s']['p50'] * 1000:.0f} ms per claim"))  # fmt: skip
        for runtime, j in d.get("judge", {}).items():
            first, further = j["first_claim_s"]["p50"], j["further_claim_s"]["p50"]
            value = f"first (the article read) {first:.1f} s, further (the article cached) {further:.2f} s"
            rows.append((f"judged claim p50, {runtime} runtime", value))
        rss = d["peak_rss_mb"]
        rows.append(("verifier cold load, added peak RSS", f"{d['verifier']['cold_load_s']:.2f} s, "
                     f"{rss['after_verifier'] - rss['before_verifier']} MB"))  # fmt: skip
    if d := _load("llm"):
        for r in d["runs"]:
            ttft = f"cold 900-token TTFT {r['cold_900_ttft_s']:.1f} s, follow-up {r['followup_900_ttft_s']:.2f} s"
            threads = f"{r['threads']} thread, prompts on {r.get('prompt_threads', r['threads'])}"
            judged = f", judged claim {r['judged_claim_cached_s']:.2f} s" if "judged_claim_cached_s" in r else ""
            rows.append((f"LLM ({r['runtime']}, {threads})", f"{ttft}, prompt {r['cold_900_prompt_tok_s']:.0f} tok/s, "
                         f"{r['cold_900_gen_tok_s']:.0f} tok/s{judged}, RSS {r['peak_rss_mb']} MB"))  # fmt: skip
    for name in ("qa", "qa-interleaved"):
        if not (d := _load(name)):
            continue
        order = d.get("order", "interleaved")
        ratio = d["newsdesk"]["ttft_s"]["p50"] / d["baseline"]["ttft_s"]["p50"]
        rows.append((f"Q&A TTFT p50 newsdesk / baseline ({order})", f"{ratio:.2f}×"))
        for who in ("newsdesk", "baseline"):
            q = d[who]
            rows.append((
                f"Q&A {who} ({order})",
                f"TTFT p50 {q['ttft_s']['p50']:.1f} s / p95 {q['ttft_s']['p95']:.1f} s, total p50 "
                f"{q['total_s']['p50']:.1f} s, ~{q['prompt_tokens_est']} prompt tokens, accuracy "
                f"{q['accuracy']:.2f}, refusal recall {q['refusal_recall']:.2f}",
            ))  # fmt: skip
    if d := _load("rewrite"):
        metrics = d["suites"][0]["metrics"] if "suites" in d else d.get("metrics", {})
        rows.append(("rewrite", ", ".join(f"{k} {v:.3g}" for k, v in sorted(metrics.items()))[:160]))
    if d := _load("rewrite_reference"):
        figures = ", ".join(f"{k} {v}" for k, v in d["overall"].items())
        rows.append(("human elementary rewrites, same measures", figures))
    if d := _load("rewrite_reference_held_apart"):
        figures = ", ".join(f"{k} {v}" for k, v in d["overall"].items())
        rows.append(("human elementary rewrites, held-apart articles", figures))
    if d := _load("load"):
        for run in [*d["mixed"], {**d["search_only"], "only": True}]:
            lat = "; ".join(f"{k} p50 {v['p50']:.2f}/p95 {v['p95']:.2f} s" for k, v in run["latency_s"].items())
            label = f"load, {run['users']} users{', search only' if run.get('only') else ''}"
            rows.append((label, f"{run['served']} served, {run['errors']} errors, "
                         f"{run['throughput_rps']} req/s; {lat}"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(STEPS))
    parser.add_argument("--table", action="store_true", help="print the table of the last results, run nothing")
    args = parser.parse_args()
    if not args.table:
        for name in args.only or list(STEPS):
            command, quick = STEPS[name]
            print(f"\n=== {name}: {' '.join(command + (quick if args.quick else []))}", flush=True)
            done = subprocess.run(command + (quick if args.quick else []), cwd=ROOT)
            if done.returncode not in (0, 1):  # an eval that misses a threshold still measured
                print(f"{name} failed with exit code {done.returncode}", file=sys.stderr)
    lines = ["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in table())]
    print("\n" + "\n".join(lines))
    write_docs(lines)


def write_docs(lines: list[str]) -> None:
    """Put the table into docs/benchmarks.md between its markers, with the machine it was measured on."""
    docs = ROOT / "docs" / "benchmarks.md"
    text = docs.read_text(encoding="utf-8")
    begin, end = "<!-- table -->", "<!-- /table -->"
    if begin not in text or end not in text:
        return
    sources = []
    for path in sorted(RESULTS.glob("*.json")):
        m = json.loads(path.read_text()).get("machine", {})
        sources.append(f"`{path.name}` {m.get('processor', '?')} ({m.get('cpus', '?')} CPUs), {m.get('date', '?')}")
    header = f"Table written {machine()['date']}. Measured by (results file, CPU, time): " + "; ".join(sources) + "."
    body = "\n".join([begin, header, "", *lines, end])
    docs.write_text(text[: text.index(begin)] + body + text[text.index(end) + len(end) :], encoding="utf-8")


if __name__ == "__main__":
    main()
