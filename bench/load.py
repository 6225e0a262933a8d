"""Load test: N simulated users against a running newsdesk web app, through gradio_client (loopback only).

    .venv/bin/python bench/load.py [--users 1 4 16] [--per-user 5] [--search-users 16] [--search-per-user 20]

Starts `newsdesk serve` on a free 127.0.0.1 port over corpus/ in a temporary data directory (or uses --url,
which must be a loopback address). For each N, N users run at once, each a fixed mix in a fixed order:
one question (ask, the LLM), then searches and article listings (no LLM). Then a search-only run finds
the throughput limit without the LLM. Bounded: a fixed number of requests, and a deadline per run after
which users start no new request.
Prints requests served, errors, latency p50/p95 per kind, and the queue wait of questions (latency
minus the time the server spent answering); writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import summary, write_result

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUESTIONS = [
    "Who took over from Barret Zoph?",
    "Which company did Metz, Zoph and Fedus work at before OpenAI?",
    "What did Luke Metz contribute to?",
    "How long was Luke Metz at OpenAI?",
]
SEARCHES = ["post-training team", "Google Brain mixture of experts", "o1 inference model", "talent competition"]


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    queue_waits: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, wait: float | None = None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if wait is not None:
                self.queue_waits.append(wait)

    def figures(self, wall: float) -> dict[str, Any]:
        served = sum(len(v) for v in self.latencies.values())
        return {
            "served": served,
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "wall_s": round(wall, 2),
            "throughput_rps": round(served / wall, 2) if wall else None,
            "latency_s": {k: _rounded(summary(v)) for k, v in self.latencies.items()},
            "ask_queue_wait_s": _rounded(summary(self.queue_waits)) if self.queue_waits else None,
        }


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in values.items()}


def user(url: str, index: int, plan: list[str], run: Run, deadline: float) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for step, kind in enumerate(plan):
        if time.monotonic() > deadline:
            run.errors.append(f"user {index}: deadline reached before {kind}")
            return
        started = time.perf_counter()
        try:
            if kind == "ask":
                answer = client.predict(question=QUESTIONS[index % len(QUESTIONS)], api_name="/ask")
                seconds = time.perf_counter() - started
                served = sum(v for k, v in answer["timings"].items() if k != "first_token_s")
                run.record(kind, seconds, wait=max(0.0, seconds - served))
            elif kind == "search":
                client.predict(query=SEARCHES[(index + step) % len(SEARCHES)], k=3, api_name="/search")
                run.record(kind, time.perf_counter() - started)
            else:
                client.predict(api_name="/articles")
                run.record(kind, time.perf_counter() - started)
        except Exception as exc:  # a failed request is a figure, not a crash
            run.errors.append(f"user {index} {kind}: {type(exc).__name__}: {str(exc)[:120]}")


def load(url: str, users: int, plan: list[str], limit_s: float) -> dict[str, Any]:
    run = Run()
    deadline = time.monotonic() + limit_s
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        for i in range(users):
            pool.submit(user, url, i, plan, run, deadline)
    return {"users": users, "plan": plan, **run.figures(time.perf_counter() - started)}


def start_app(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data), "GRADIO_ANALYTICS_ENABLED": "False"}
    subprocess.run([str(BIN / "newsdesk"), "ingest", str(ROOT / "corpus")], env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen([str(BIN / "newsdesk"), "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    from gradio_client import Client

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            status = Client(url, verbose=False).predict(api_name="/status")["status"]
            if "answers" in status:
                return proc, url
        except Exception:
            pass
        time.sleep(2)
    proc.terminate()
    raise SystemExit(f"the app at {url} did not become ready (see {data / 'serve.log'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--per-user", type=int, default=5, help="requests per user: 1 ask, then search/list")
    parser.add_argument("--search-users", type=int, default=16)
    parser.add_argument("--search-per-user", type=int, default=20)
    parser.add_argument("--limit-s", type=float, default=600, help="deadline per run")
    parser.add_argument("--url", help="an already running app (loopback only)")
    args = parser.parse_args()
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test only runs against a loopback address")
    plan = ["ask"] + ["search" if i % 2 == 0 else "list" for i in range(max(0, args.per_user - 1))]
    proc = None
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as tmp:
        if args.url:
            url = args.url
        else:
            proc, url = start_app(Path(tmp))
        try:
            results = {"mixed": [load(url, n, plan, args.limit_s) for n in args.users]}
            search_plan = ["search"] * args.search_per_user
            results["search_only"] = load(url, args.search_users, search_plan, args.limit_s)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(30)
    for run in [*results["mixed"], results["search_only"]]:
        waits = run["ask_queue_wait_s"]
        print(
            f"users={run['users']:>2} served={run['served']:>3} errors={run['errors']} "
            f"wall={run['wall_s']:.1f}s rps={run['throughput_rps']} "
            + " ".join(f"{k}: p50 {v['p50']:.2f}s p95 {v['p95']:.2f}s" for k, v in run["latency_s"].items())
            + (f" ask queue wait p50 {waits['p50']:.1f}s p95 {waits['p95']:.1f}s" if waits else "")
        )
    write_result("load", results)


if __name__ == "__main__":
    main()
