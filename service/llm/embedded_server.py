"""The embedded model's HTTP server: llama.cpp's own OpenAI-compatible server, from the prebuilt
``xllamacpp`` wheel (no compiler needed). Run as its own process by ``LocalServer``:

    python -m service.llm.embedded_server --model FILE --alias local --port P --ctx 4096 --threads 1 \
        [--prompt-threads 2] [--speculative lookup]

One slot (requests queue and are answered one at a time, never interrupted), prompt caching on (a prompt
that shares its start with the previous one reuses the cached prefix). Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import threading

LOOKUP_MATCH = 3  # tokens that must match before a draft is proposed
LOOKUP_DRAFT = 8  # draft tokens per proposal


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--alias", default="local")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--prompt-threads", type=int, default=0, help="threads for prompt processing (0 = --threads)")
    ap.add_argument("--speculative", choices=["off", "lookup"], default="off")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = 1
    params.cache_prompt = True
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.prompt_threads or args.threads
    params.warmup = False
    if args.speculative == "lookup":
        # prompt-lookup decoding: when the last LOOKUP_MATCH tokens occur earlier in the context, the tokens
        # that followed them there are proposed as a draft and verified in one batch
        params.speculative.types = [xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
        params.speculative.ngram_simple.size_n = LOOKUP_MATCH
        params.speculative.ngram_simple.size_m = LOOKUP_DRAFT
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    server = xllamacpp.Server(params)
    print(f"embedded model server listening on {server.listening_address}", flush=True)
    stop.wait()


if __name__ == "__main__":
    main()
