"""Embedded-model figures: load time, peak RSS, prompt and generation speed, time to first token
for cold ~450- and ~900-token prompts and for a follow-up that shares the ~900-token prefix; then
newsdesk's two real jobs at temperature 0, with the shipped prompts: a Q&A answer over three passages and
the rewrite of one sentence unit (prompt tokens, prompt time, generation tokens/s, and for
speculative runs the draft tokens proposed and accepted; ``same_text`` says whether the output matches the
first setting's byte for byte).

    .venv/bin/python bench/llm.py [--threads 1 2] [--prompt-threads 0 2] \
        [--runtime xllamacpp native llama-cpp-python] [--speculative off lookup] [--gguf bundled FILE]

Also a judged claim (``prompts/fidelity-claim.toml``, one output token) after the ~900-token article is cached:
the mean prompt time of three further claims. ``--prompt-threads`` sets the threads that read prompts apart
from the generation threads (0 = newsdesk's default, ``NEWSDESK_LOCAL_PROMPT_THREADS``).

Each (runtime, threads, prompt threads, speculative) setting gets a fresh server (the GGUF is assembled once under
data/models; ``--gguf FILE`` serves another model file, e.g. a requantised copy); naming several measures them
side by side in one run (``native`` only once `make native` has
built it, llama-cpp-python only if it is installed). Each run records llama.cpp's system-info line (the CPU
features the runtime uses). Prints a table and writes bench/results/llm.json (llm-gguf.json with ``--gguf``)
with the CPU model.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.evals.corpus import load_onestopenglish
from service.llm.endpoint import LOCAL_ALIAS
from service.llm.factory import build_llm
from service.llm.local_server import reading_threads
from service.llm.model_file import QWEN_CODER_15B, ensure_model_file
from service.llm.native import NativeRuntime
from service.llm.runtime_choice import runtime_system_info, servers_for
from service.prompts import load_prompt
from service.rewrite.service import LEVELS
from service.settings import Settings, load_settings
from service.text import sentences

SYSTEM = "You answer questions about news articles. Use only the article. Answer in one or two sentences."


def _prompt(article: str, question: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"Article:\n{article}\n\n{question}"}]


def _count(base_url: str, messages: list[dict[str, str]]) -> int:
    """Prompt tokens, + 12 for the chat template: llama.cpp's /tokenize, or llama-cpp-python's own route."""
    text = "\n".join(m["content"] for m in messages)
    root = base_url.removesuffix("/v1")
    response = httpx.post(f"{root}/tokenize", json={"content": text}, timeout=30)
    if response.status_code == 200:
        return len(response.json()["tokens"]) + 12
    response = httpx.post(f"{root}/extras/tokenize/count", json={"input": text}, timeout=30)
    return int(response.json()["count"]) + 12


def _rss_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed_stream(llm, messages):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    first = None
    pieces = 0
    for _ in llm.stream(messages, max_tokens=64):
        first = first or time.perf_counter()
        pieces += 1
    ended = time.perf_counter()
    assert first is not None
    return first - started, (pieces - 1) / max(ended - first, 1e-6), pieces


def _jobs(settings: Settings, texts: list[str]) -> list[tuple[str, list[dict[str, str]]]]:
    """A Q&A answer and a rewrite unit, rendered from the shipped prompts."""
    words = texts[1].split()
    passages = "\n\n".join(
        f"[{n}] (Arctic mapping) {' '.join(words[i : i + 70])}" for n, i in enumerate((0, 200, 400), start=1)
    )
    qa = load_prompt(settings.prompts_dir, "qa-answer").render(
        history="", passages=passages, question="Who is mapping the Arctic, and what have they found so far?"
    )
    first = sentences(texts[1])[0].text
    rewrite = load_prompt(settings.prompts_dir, "rewrite-sentence").render(
        level=LEVELS["plain"], problems="", hard="", sentence=first
    )
    return [("qa_answer", qa), ("rewrite_unit", rewrite)]


def _job(base_url: str, messages: list[dict[str, str]]) -> tuple[dict[str, float], str]:
    body = {"model": LOCAL_ALIAS, "messages": messages, "max_tokens": 200, "temperature": 0}
    started = time.perf_counter()
    reply = httpx.post(f"{base_url}/chat/completions", json=body, timeout=900).json()
    elapsed = time.perf_counter() - started
    t = reply.get("timings", {})
    figures = {
        "prompt_tokens": reply["usage"]["prompt_tokens"],
        "prompt_s": round(t.get("prompt_ms", 0) / 1000, 2),
        "gen_tokens": reply["usage"]["completion_tokens"],
        "gen_tok_s": round(t.get("predicted_per_second", 0), 1),
        "total_s": round(elapsed, 1),
        "draft_proposed": t.get("draft_n", 0),
        "draft_accepted": t.get("draft_n_accepted", 0),
    }
    return figures, reply["choices"][0]["message"]["content"]


JUDGED_CLAIMS = [
    "Scientists are mapping the Arctic sea floor.",
    "The mapping project was finished ten years ago by a single ship.",
    "The maps will help people understand the region.",
]


def _judged_claim_s(settings: Settings, base_url: str, article: str) -> float:
    """Mean prompt seconds of a judged claim once ``article`` is the cached prefix (the first claim reads it)."""
    prompt = load_prompt(settings.prompts_dir, "fidelity-claim")
    seconds = []
    for claim in JUDGED_CLAIMS:
        body = {"model": LOCAL_ALIAS, "messages": prompt.render(source=article, claim=claim), "max_tokens": 1}
        reply = httpx.post(f"{base_url}/chat/completions", json=body, timeout=900).json()
        seconds.append(reply.get("timings", {}).get("prompt_ms", 0) / 1000)
    return sum(seconds[1:]) / len(seconds[1:])


def run(
    settings: Settings, runtime: str, threads: int, prompt_threads: int, speculative: str, gguf: str, texts: list[str]
) -> tuple[dict[str, float | str], dict[str, str]]:
    started = time.perf_counter()
    model = None if gguf == "bundled" else Path(gguf).resolve()
    options = {
        "local_threads": threads, "local_prompt_threads": prompt_threads, "local_speculative": speculative,
        "local_gguf": model,
    }  # fmt: skip
    with servers_for(settings, [runtime], **options) as servers:
        server = servers[runtime]
        base_url = server.ensure().base_url
        load_s = time.perf_counter() - started
        llm = build_llm(settings, server)
        info = runtime_system_info(settings, runtime)
        figures: dict[str, float | str] = {
            "runtime": runtime, "model": Path(gguf).name, "threads": threads,
            "prompt_threads": reading_threads(settings.model_copy(update=options)), "speculative": speculative,
            "load_s": round(load_s, 1),
            "avx512": str("AVX512 = 1" in info),
        }  # fmt: skip
        texts_out: dict[str, str] = {}
        for name, text, question in [
            ("cold_450", texts[0], "Who is this article about?"),
            ("cold_900", texts[1], "Who is this article about?"),
            ("followup_900", texts[1], "What happened first, according to the article?"),
        ]:
            messages = _prompt(text, question)
            tokens = _count(base_url, messages)
            ttft, gen_rate, _ = _timed_stream(llm, messages)
            figures[f"{name}_prompt_tokens"] = tokens
            figures[f"{name}_ttft_s"] = round(ttft, 2)
            if name.startswith("cold"):
                figures[f"{name}_prompt_tok_s"] = round(tokens / ttft, 1)
            figures[f"{name}_gen_tok_s"] = round(gen_rate, 1)
        for name, messages in _jobs(settings, texts):
            job, texts_out[name] = _job(base_url, messages)
            figures |= {f"{name}_{key}": value for key, value in job.items()}
        figures["judged_claim_cached_s"] = round(_judged_claim_s(settings, base_url, texts[1]), 2)
        figures["peak_rss_mb"] = round(_rss_peak_mb(server.ensure().pid))
        figures["system_info"] = info
    return figures, texts_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--runtime", nargs="+", default=["xllamacpp"], choices=["xllamacpp", "native", "llama-cpp-python"]
    )
    parser.add_argument("--prompt-threads", type=int, nargs="+", default=[0], help="0 = the default")
    parser.add_argument("--speculative", nargs="+", default=["off"], choices=["off", "lookup"])
    parser.add_argument("--gguf", nargs="+", default=["bundled"], help="model files: 'bundled' or a GGUF path")
    args = parser.parse_args()
    settings = load_settings(llm_max_tokens=64)
    models_dir = settings.models_dir.resolve()
    if "native" in args.runtime and not NativeRuntime(settings).available():
        raise SystemExit(f"native runtime {NativeRuntime(settings).state().line()}")
    started = time.perf_counter()
    ensure_model_file(QWEN_CODER_15B, models_dir)
    assemble_s = time.perf_counter() - started
    ose = load_onestopenglish(settings.datasets_dir)
    short = " ".join(ose["Amsterdam"].advanced.split()[:300])  # about 450 tokens with the template
    long = " ".join(ose["Arctic mapping"].advanced.split()[:620])  # about 900 tokens
    runs = [
        run(settings, r, t, pt, sp, g, [short, long])
        for r in args.runtime
        for t in args.threads
        for pt in args.prompt_threads
        for sp in args.speculative
        for g in args.gguf
    ]
    rows = [figures for figures, _ in runs]
    for figures, outputs in runs:
        for job in outputs:
            figures[f"{job}_same_text"] = str(outputs[job] == runs[0][1][job])
    path = write_result(
        "llm" if args.gguf == ["bundled"] else "llm-gguf",
        {"model": QWEN_CODER_15B.name, "assemble_or_verify_s": round(assemble_s, 1), "runs": rows},
    )
    keys = list(rows[0])
    print(f"model {QWEN_CODER_15B.name}; assemble/verify {assemble_s:.1f} s")
    print(f"{'figure':<30}" + "".join(f"{str(r['runtime'])[:10]:>12}" for r in rows))
    print(f"{'model':<30}" + "".join(f"{str(r['model'])[:10]:>12}" for r in rows))
    for key in keys[1:]:
        if key not in ("system_info", "model"):
            print(f"{key:<30}" + "".join(f"{r.get(key, ''):>12}" for r in rows))
    for r in rows:
        print(f"{r['runtime']}: {r['system_info']}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
