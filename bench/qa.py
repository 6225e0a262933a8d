"""Q&A timings and accuracy: newsdesk's pipeline against LangChain's plain "stuff" baseline, same run.

    .venv/bin/python bench/qa.py [--limit N] [--order blocks|interleaved]

Both answer the questions of evals/datasets/qa.jsonl (factual and unanswerable) over the seed and
OneStopEnglish articles on the embedded model. The baseline is the classic chain: top-4 chunks of
1,000 characters (200 overlap) by vector search, stuffed into LangChain's standard QA prompt.
"Cold" is each first question; "warm" is a follow-up on the same article. Writes bench/results/qa.json
(qa-interleaved.json for --order interleaved).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.prompts import ChatPromptTemplate

from bench.common import summary, write_result
from service.app import Newsdesk
from service.evals.corpus import eval_drafts
from service.evals.suites.qa import contains_any
from service.qa.answer import Turn
from service.qa.citations import is_refusal
from service.settings import load_settings

DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "qa.jsonl"
STUFF_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "human",
            "Use the following pieces of context to answer the question at the end. If you don't know the "
            "answer, just say that you don't know, don't try to make up an answer.\n\n{context}\n\n"
            "Question: {question}\nHelpful Answer:",
        )
    ]
)


def _baseline(desk: Newsdesk, question: str) -> tuple[str, float, float, int]:
    hits = desk.search.search(question, k=4)
    context = "\n\n".join(h.chunk.text for h in hits)
    chain = STUFF_PROMPT | desk.llm.langchain_model()
    started = time.perf_counter()
    first = None
    pieces = []
    prompt_chars = len(STUFF_PROMPT.format(context=context, question=question))
    for chunk in chain.stream({"context": context, "question": question}):
        first = first or time.perf_counter()
        pieces.append(str(chunk.content))
    ended = time.perf_counter()
    return "".join(pieces), (first or ended) - started, ended - started, prompt_chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--order",
        choices=("blocks", "interleaved"),
        default="blocks",
        help="blocks: all newsdesk questions, then all baseline ones (each keeps its prompt prefix cached, as when"
        " deployed); interleaved: the two take turns (the worst case for newsdesk's cached system prompt)",
    )
    args = parser.parse_args()
    rows = [json.loads(x) for x in DATASET.read_text().splitlines() if x.strip()]
    rows = [r for r in rows if r["kind"] in ("factual", "unanswerable", "followup")][: args.limit]
    base = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "models").symlink_to(base.models_dir.resolve())
        ours = Newsdesk(load_settings(data_dir=Path(tmp)))
        naive = ours.with_collection("bench-naive", chunk_size=1000, chunk_overlap=200)
        keys = sorted({r["article"] for r in rows if r.get("article")} | {"seed"})
        for draft in eval_drafts(keys, base.datasets_dir).values():
            ours.ingest.ingest_draft(draft)
            naive.ingest.ingest_draft(draft)
        ours.llm.complete([{"role": "user", "content": "Say OK."}], max_tokens=2)  # start the server
        naive.__dict__["llm"] = ours.llm
        results: dict[str, dict[str, list[Any]]] = {
            name: {"ttft": [], "total": [], "chars": [], "correct": [], "refused_ok": [], "warm_ttft": []}
            for name in ("newsdesk", "baseline")
        }

        def newsdesk_row(row: dict[str, Any]) -> None:
            question = row["question"]
            t0 = time.perf_counter()
            answer = ours.qa.answer(question)
            mine = results["newsdesk"]
            mine["total"].append(time.perf_counter() - t0)
            mine["ttft"].append(answer.timings.get("first_token_s", 0.0) + answer.timings["retrieval_s"])
            mine["chars"].append(answer.prompt_chars)
            if row["kind"] == "unanswerable":
                mine["refused_ok"].append(answer.refused)
            else:
                accept = row.get("accept_first", row.get("accept"))
                mine["correct"].append(not answer.refused and contains_any(answer.text, accept))
            if row["kind"] == "followup":
                warm = ours.qa.answer(row["followup"], history=[Turn(question, answer.text)])
                mine["warm_ttft"].append(warm.timings.get("first_token_s", 0.0))
            print(f"{row['id']}: {answer.text[:80]!r}", file=sys.stderr)

        def baseline_row(row: dict[str, Any]) -> None:
            text, ttft, total, chars = _baseline(naive, row["question"])
            theirs = results["baseline"]
            theirs["ttft"].append(ttft)
            theirs["total"].append(total)
            theirs["chars"].append(chars)
            if row["kind"] == "unanswerable":
                theirs["refused_ok"].append(is_refusal(text) or "don't know" in text.lower())
            else:
                theirs["correct"].append(contains_any(text, row.get("accept_first", row.get("accept"))))
            print(f"{row['id']}: baseline {text[:80]!r}", file=sys.stderr)

        if args.order == "interleaved":  # each question by both in turn: neither keeps its prompt prefix cached
            for row in rows:
                newsdesk_row(row)
                baseline_row(row)
        else:  # each pipeline over all questions, as each would be deployed on its own model server
            for row in rows:
                newsdesk_row(row)
            for row in rows:
                baseline_row(row)
        ours.local_server.stop()
    figures = {}
    for name, r in results.items():
        figures[name] = {
            "ttft_s": {k: round(v, 2) for k, v in summary(r["ttft"]).items()},
            "total_s": {k: round(v, 2) for k, v in summary(r["total"]).items()},
            "prompt_chars_mean": round(sum(r["chars"]) / len(r["chars"])),
            "prompt_tokens_est": round(sum(r["chars"]) / len(r["chars"]) / 4),
            "accuracy": round(sum(r["correct"]) / max(1, len(r["correct"])), 3),
            "refusal_recall": round(sum(r["refused_ok"]) / max(1, len(r["refused_ok"])), 3),
        }
        if r["warm_ttft"]:
            figures[name]["followup_ttft_s"] = {k: round(v, 2) for k, v in summary(r["warm_ttft"]).items()}
    path = write_result(
        "qa" if args.order == "blocks" else "qa-interleaved", {"questions": len(rows), "order": args.order, **figures}
    )
    print(json.dumps(figures, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
