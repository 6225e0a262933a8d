"""Where a rewrite's time goes above its floor: prefill, decoding kept and thrown away, checks, the judge.

    .venv/bin/python bench/rewrite_time.py [ARTICLE]      # default: corpus/openai-brain-drain.md

Rewrites one article with the shipped rules on the configured model and reads llama.cpp's own per-request
timings (the ``timings`` object its server adds to the last streamed chunk: tokens read and generated, and
the milliseconds each took) for every generation, and times every judge call. Prints the split of the
measured time and the outcome of every check (the model's attempts and the splits by rule: passed, or the
problems that sent an attempt to another); writes bench/results/rewrite_time.json. On an endpoint that does
not report ``timings`` the prefill and decoding figures are 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service.rewrite.service as rewrite_service
from bench.common import write_result
from service.app import Newsdesk
from service.llm import client
from service.settings import load_settings

SEED = Path(__file__).resolve().parents[1] / "corpus" / "openai-brain-drain.md"


def instrument(calls: list[dict[str, Any]], outcomes: Counter[str]) -> None:
    create, choices = client.LLM._create, client.LLM.first_token_choices
    check_unit = rewrite_service.check_unit  # type: ignore[attr-defined]

    def timed_create(self: Any, messages: Any, max_tokens: Any = None, stream: bool = False, **kw: Any) -> Any:
        reply = create(self, messages, max_tokens, stream=stream, **kw)
        if not stream:
            return reply
        record: dict[str, Any] = {}
        calls.append(record)

        class Watched:
            def __iter__(self) -> Any:
                for chunk in reply:
                    record.update((chunk.model_extra or {}).get("timings") or {})
                    yield chunk

            def close(self) -> None:
                reply.close()

        return Watched()

    def timed_choices(self: Any, messages: Any, top: int = 10) -> Any:
        started = time.perf_counter()
        try:
            return choices(self, messages, top)
        finally:
            calls.append({"judge_s": time.perf_counter() - started})

    def counted_check(*args: Any, **kw: Any) -> Any:
        check, claims = check_unit(*args, **kw)
        outcomes[", ".join(sorted({_problem(p) for p in check.problems()})) or "passed"] += 1
        return check, claims

    client.LLM._create = timed_create  # type: ignore[method-assign]
    client.LLM.first_token_choices = timed_choices  # type: ignore[method-assign]
    rewrite_service.check_unit = counted_check  # type: ignore[attr-defined]


def _problem(text: str) -> str:
    for marker, name in (("says something", "adds"), ("leaves out", "drops"), ("not easier", "not easier"),
                         ("words: split", "too long"), ("does not say everything", "drops")):  # fmt: skip
        if marker in text:
            return name
    return text[:40]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("article", nargs="?", type=Path, default=SEED)
    args = ap.parse_args()
    calls: list[dict[str, Any]] = []
    outcomes: Counter[str] = Counter()
    instrument(calls, outcomes)
    desk = Newsdesk(load_settings())
    try:
        result = desk.rewriter.run(args.article.read_text(encoding="utf-8"), args.article.stem)
    finally:
        if "local_server" in desk.__dict__:
            desk.local_server.stop()
    generations = [c for c in calls if "prompt_n" in c]
    figures = {
        "seconds": round(result.seconds, 1),
        "source_words": result.source_words,
        "floor_s": result.timings.get("floor_s"),
        "check_s": result.timings.get("check_s"),
        "generations": len([c for c in calls if "judge_s" not in c]),
        "prefill_tokens": sum(c["prompt_n"] for c in generations),
        "prefill_s": round(sum(c["prompt_ms"] for c in generations) / 1000, 1),
        "cached_tokens": sum(c.get("cache_n", 0) for c in generations),
        "decoded_tokens": sum(c["predicted_n"] for c in generations),
        "decode_s": round(sum(c["predicted_ms"] for c in generations) / 1000, 1),
        "judge_calls": len([c for c in calls if "judge_s" in c]),
        "judge_s": round(sum(c["judge_s"] for c in calls if "judge_s" in c), 1),
        "checks": dict(outcomes.most_common()),
    }
    for key, value in figures.items():
        print(f"{key:16s} {value}")
    write_result("rewrite_time", figures)


if __name__ == "__main__":
    main()
