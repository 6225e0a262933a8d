"""Embedded-model figures: load time, peak RSS, prompt and generation speed, time to first token
for cold 300- and 1,000-token prompts and for a follow-up that shares the 1,000-token prefix.

    .venv/bin/python bench/llm.py [--threads 1 2] [--runtime xllamacpp llama-cpp-python]

Each (runtime, thread setting) gets a fresh server (the GGUF is assembled once under data/models); naming
two runtimes measures them side by side in one run (llama-cpp-python only if it is installed).
Prints a table and writes bench/results/llm.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from service.evals.corpus import load_onestopenglish
from service.llm.factory import build_llm
from service.llm.local_server import LocalServer
from service.llm.model_file import QWEN_CODER_15B, ensure_model_file
from service.settings import load_settings

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


def run(runtime: str, threads: int, models_dir: Path, texts: list[str]) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        (data / "models").symlink_to(models_dir)
        settings = load_settings(data_dir=data, local_threads=threads, llm_max_tokens=64, local_runtime=runtime)
        server = LocalServer(settings)
        started = time.perf_counter()
        info = server.ensure()
        load_s = time.perf_counter() - started
        llm = build_llm(settings, server)
        try:
            figures: dict[str, float | str] = {"runtime": runtime, "threads": threads, "load_s": round(load_s, 1)}
            for name, text, question in [
                ("cold_300", texts[0], "Who is this article about?"),
                ("cold_1000", texts[1], "Who is this article about?"),
                ("followup_1000", texts[1], "What happened first, according to the article?"),
            ]:
                messages = _prompt(text, question)
                tokens = _count(info.base_url, messages)
                ttft, gen_rate, _ = _timed_stream(llm, messages)
                figures[f"{name}_prompt_tokens"] = tokens
                figures[f"{name}_ttft_s"] = round(ttft, 2)
                if name.startswith("cold"):
                    figures[f"{name}_prompt_tok_s"] = round(tokens / ttft, 1)
                figures[f"{name}_gen_tok_s"] = round(gen_rate, 1)
            figures["peak_rss_mb"] = round(_rss_peak_mb(info.pid))
        finally:
            server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runtime", nargs="+", default=["xllamacpp"], choices=["xllamacpp", "llama-cpp-python"])
    args = parser.parse_args()
    settings = load_settings()
    models_dir = settings.models_dir.resolve()
    started = time.perf_counter()
    ensure_model_file(QWEN_CODER_15B, models_dir)
    assemble_s = time.perf_counter() - started
    ose = load_onestopenglish(settings.datasets_dir)
    short = " ".join(ose["Amsterdam"].advanced.split()[:200])  # about 300 tokens with the template
    long = " ".join(ose["Arctic mapping"].advanced.split()[:700])  # about 1,000 tokens
    rows = [run(r, t, models_dir, [short, long]) for r in args.runtime for t in args.threads]
    path = write_result(
        "llm", {"model": QWEN_CODER_15B.name, "assemble_or_verify_s": round(assemble_s, 1), "runs": rows}
    )
    keys = list(rows[0])
    print(f"model {QWEN_CODER_15B.name}; assemble/verify {assemble_s:.1f} s")
    print(f"{'figure':<28}" + "".join(f"{str(r['runtime'])[:10]:>12}" for r in rows))
    for key in keys[1:]:
        print(f"{key:<28}" + "".join(f"{r[key]:>12}" for r in rows))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
