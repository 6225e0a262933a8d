"""A LoRA adapter that teaches the embedded model the judge's question on sentence pairs (the rewrite's kind).

    .venv-train/bin/python -m training.judge_tune train --run j1 --pairs 480
    .venv-train/bin/python -m training.judge_tune score --run j1     # base and tuned judge on held-apart data

Optional work (torch, peft; the pairs come from ``../shared``). ``train`` renders OneStopEnglish pairs from
``training.pairs.ose_pairs`` (training-split articles; a premise holding a sentence the project ships is left
out) with the shipped judge prompt (``prompts/fidelity-claim.toml``), balanced between "yes" (an editor's
elementary sentence or a copy, against its three-sentence window) and "no" (a planted error), and trains a LoRA
(``training.rewrite_tune``'s model, loop and checkpoints) with the loss on the answer token only. ``score``
reads P(yes) in torch with the adapter and without it (the same code, so the two are comparable) on:

- ``audit``: the hand-labelled units of ``evals/datasets/judged/audit-*.jsonl`` (the embedded model's rewrites
  of held-apart articles that the rewrite check passed; 41 errors); a unit's score is its weakest sentence
  read against its source sentence, as the rewrite's check reads it;
- ``editors``: the editors' elementary sentences of the held-apart OneStopEnglish articles the project ships,
  against their windows (supported), and one planted error of each (not supported). The planted errors come
  from the same generator as the training negatives, so this set flatters the adapter; ``audit`` does not.

Measured, not shipped: docs/fidelity.md, "A judge tuned on sentence pairs".
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
from pathlib import Path
from typing import Any

import training.rewrite_tune as tune
from training.rewrite_tune import OUT as TUNE_OUT
from training.rewrite_tune import fit, load_model

PROJECT = Path(__file__).resolve().parents[1]
OUT = TUNE_OUT.parent / "judge-tune"
SHARED_OSE = PROJECT.parent / "shared" / "datasets" / "onestopenglish" / "onestopenglish-dev.jsonl"
SHIPPED_OSE = PROJECT / "evals" / "datasets" / "onestopenglish" / "onestopenglish-dev.jsonl"
RANK = 8
DEV = 48


def training_pairs(count: int, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """``count`` training pairs and ``DEV`` more, half "yes" and half "no", none from a shipped article."""
    from training.pairs import ose_pairs
    from training.rewrite_pairs import shipped_text

    shipped = shipped_text()
    rows = [
        {"source": p.premise, "claim": p.claim, "label": p.label, "kind": p.source}
        for p in ose_pairs(SHARED_OSE)
        if not any(len(s) >= 60 and s in shipped for s in _sentences(p.premise))
    ]
    rng = random.Random(seed)
    yes = [r for r in rows if r["label"] == 1]
    no = [r for r in rows if r["label"] == 0]
    rng.shuffle(yes), rng.shuffle(no)
    half = (count + DEV) // 2
    picked = yes[:half] + no[:half]
    rng.shuffle(picked)
    return {"train": picked[DEV:], "dev": picked[:DEV]}


def _sentences(text: str) -> list[str]:
    from service.text import sentences

    return [s.text for s in sentences(text)]


@functools.cache
def _judge_prompt() -> Any:
    from service.prompts import load_prompt

    return load_prompt(PROJECT / "prompts", "fidelity-claim")


def prompt_ids(tok: Any, source: str, claim: str) -> list[int]:
    chat = list(_judge_prompt().render(source=source, claim=claim))
    ids = tok.apply_chat_template(chat, add_generation_prompt=True)
    return list(ids["input_ids"] if hasattr(ids, "keys") else ids)


def encode(tok: Any, row: dict[str, Any]) -> tuple[list[int], int]:
    """The judge's prompt and its answer token ("yes" or "no"), and where the answer starts."""
    prompt = prompt_ids(tok, row["source"], row["claim"])
    answer = tok.encode("yes" if row["label"] else "no", add_special_tokens=False)[:1]
    return prompt + answer, len(prompt)


def train(run: Path, count: int) -> None:
    import torch

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    data = training_pairs(count)
    run.mkdir(parents=True, exist_ok=True)
    (run / "meta.json").write_text(json.dumps({"pairs": count, "rank": RANK, "alpha": 2 * RANK}))
    (run / "pairs.jsonl").write_text("".join(json.dumps(dict(r, split=s)) + "\n" for s in data for r in data[s]))
    tok, model = load_model(RANK, "bfloat16")  # in float32 the process grew past 20 GB within 55 steps
    tune.SAVE_EVERY = 10
    fit(model, {s: [encode(tok, r) for r in data[s]] for s in data}, 1, run)


def audit_items() -> list[dict[str, Any]]:
    """One item per hand-labelled unit: its source sentence, its output sentences, 1 when labelled an error."""
    from service.text import sentences

    items = []
    for path in sorted((PROJECT / "evals" / "datasets" / "judged").glob("audit-*.jsonl")):
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            claims = [s.text for s in sentences(row["rewrite"])]
            if claims:
                items.append({"source": row["source"], "claims": claims, "error": int(row["label"] == "error")})
    return items


def editors_items(seed: int = 29, each: int = 160) -> list[dict[str, Any]]:
    """The editors' sentences of the shipped held-apart articles against their windows, and planted errors in
    them (one claim per item; ``error`` 1 for the planted ones): a seeded sample of ``each`` of both."""
    from bench.rewrite_reference import held_apart_names
    from training.pairs import ose_pairs

    rows = {r["id"]: r for r in map(json.loads, SHIPPED_OSE.read_text(encoding="utf-8").splitlines())}
    names = held_apart_names(rows)
    items = [
        {"source": p.premise, "claims": [p.claim], "error": 1 - p.label}
        for p in ose_pairs(SHIPPED_OSE, seed=seed, ids=names)
        if p.source.startswith("ose-elementary")
    ]
    rng = random.Random(seed)
    return [i for error in (0, 1) for i in rng.sample([i for i in items if i["error"] == error], each)]


def p_yes(model: Any, tok: Any, source: str, claim: str) -> float:
    import torch

    ids = torch.tensor([prompt_ids(tok, source, claim)])
    inner = model.base_model.model  # the vocabulary projection at the answer position only
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        hidden = inner.model(input_ids=ids).last_hidden_state[0, -1]
        logits = inner.lm_head(hidden).float()
    probs = torch.softmax(logits, dim=-1)
    yes = sum(probs[i].item() for i in _ids(tok, ("yes", "Yes", " yes", " Yes", "YES")))
    no = sum(probs[i].item() for i in _ids(tok, ("no", "No", " no", " No", "NO")))
    return yes / (yes + no) if yes + no > 0 else 0.5


def _ids(tok: Any, words: tuple[str, ...]) -> set[int]:
    return {ids[0] for w in words if len(ids := tok.encode(w, add_special_tokens=False)) == 1}


def score(run: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from service.evals.metrics import roc_auc
    from training.rewrite_tune import GGUF

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    tok = AutoTokenizer.from_pretrained(PROJECT / "data" / "models", gguf_file=GGUF)
    if (run / "adapter").is_dir():
        base = AutoModelForCausalLM.from_pretrained(PROJECT / "data" / "models", gguf_file=GGUF, dtype=torch.bfloat16)
        model = PeftModel.from_pretrained(base, run / "adapter")
    else:  # training stopped early: the last checkpoint (the same bf16 base either way)
        _, model = load_model(RANK, "bfloat16")
        state = torch.load(run / "ckpt" / "state.pt", weights_only=False)
        model.load_state_dict(state["lora"], strict=False)
        print("the checkpoint at step", state["step"], flush=True)
    model.eval()
    report: dict[str, Any] = {}
    for name, items in (("audit", audit_items()), ("editors", editors_items())):
        readings: dict[str, list[float]] = {"base": [], "tuned": []}
        for n, item in enumerate(items):
            if n % 50 == 0:
                print(name, n, "of", len(items), flush=True)
            tuned = min(p_yes(model, tok, item["source"], c) for c in item["claims"])
            with model.disable_adapter():
                plain = min(p_yes(model, tok, item["source"], c) for c in item["claims"])
            readings["tuned"].append(tuned), readings["base"].append(plain)
        labels = [1 - i["error"] for i in items]  # 1 = supported: P(yes) should be high
        report[name] = {"items": len(items), "errors": sum(i["error"] for i in items)}
        for arm, ps in readings.items():
            good = [p for p, y in zip(ps, labels, strict=True) if y]
            report[name][arm] = {
                "auc": round(roc_auc(ps, labels), 3),
                "supported_below_0.8": round(sum(p < 0.8 for p in good) / max(1, len(good)), 3),
            }
        print(name, json.dumps(report[name]), flush=True)
        (run / f"readings-{name}.json").write_text(json.dumps({"items": items, "readings": readings}))
    (run / "score.json").write_text(json.dumps(report, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["train", "score"])
    ap.add_argument("--run", default="j1", help="the run's folder under data/judge-tune")
    ap.add_argument("--pairs", type=int, default=480, help="training pairs (half yes, half no)")
    args = ap.parse_args()
    train(OUT / args.run, args.pairs) if args.step == "train" else score(OUT / args.run)


if __name__ == "__main__":
    main()
