"""A LoRA adapter that teaches the embedded model sentence rewrites, exported for llama.cpp.

    .venv/bin/python -m training.rewrite_pairs                      # the editors' pairs (data/rewrite-tune/pairs.jsonl)
    .venv-train/bin/python -m training.rewrite_tune train --epochs 1 --run e1
    .venv-train/bin/python -m training.rewrite_tune export --run e1   # -> data/rewrite-tune/e1/adapter.gguf

    .venv/bin/python -m training.rewrite_self_pairs                 # the writer's own passed rewrites
    .venv-train/bin/python -m training.rewrite_tune train --run s1 --rank 8 --pairs data/rewrite-tune/self-pairs.jsonl

Optional work (torch, peft, gguf; the pairs come from ``../shared``). ``train`` loads the bundled GGUF model,
dequantised, in torch (bf16 autocast, two threads) and trains a LoRA (rank 16 unless ``--rank``, alpha twice the
rank) on every linear layer of every block, the loss on the reply tokens only, on the pairs' ``train`` split
rendered as the rewrite renders a sentence (``training/rewrite-sentence-tuned.toml``, level `plain`, the
sentence's hard words named), and prints the ``dev`` split's loss after each epoch. Resumable: a checkpoint
(adapter and optimiser) every ``SAVE_EVERY`` steps in the run's folder (``data/rewrite-tune/<run>/ckpt``; the
same command resumes). ``export`` writes the adapter in llama.cpp's GGUF LoRA format (each base tensor's
``.lora_a`` and ``.lora_b``, f16, and ``adapter.lora.alpha``). Measured, not shipped: docs/rewrite.md, "A writer
tuned on the editors' rewrites" and "A writer tuned on its own passed rewrites"; commit b12113a holds the
serving they were measured with (the adapter loaded off in newsdesk's llama.cpp server and turned on per
request, ``NEWSDESK_REWRITE_ADAPTER``) and a ``compare`` step (torch's and llama.cpp's greedy replies to the
``dev`` pairs: 4 of 5 identical).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "data" / "rewrite-tune"  # the pairs; a run's checkpoints, adapter and export in OUT / <run>
GGUF = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
RANK = 16  # alpha is twice the rank
TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
GGUF_NAMES = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
              "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
              "mlp.down_proj": "ffn_down"}  # fmt: skip
BATCH, LR, WARMUP, SAVE_EVERY = 4, 2e-4, 8, 20


def messages(row: dict[str, Any]) -> list[dict[str, str]]:
    from service.prompts import load_prompt
    from service.rewrite.service import LEVELS
    from service.rewrite.vocabulary import hard_words_line

    prompt = load_prompt(PROJECT / "training", "rewrite-sentence-tuned")
    hard = hard_words_line(row["sentence"])
    return list(prompt.render(level=LEVELS["plain"], problems="", hard=hard, sentence=row["sentence"]))


def encode(tok: Any, row: dict[str, Any]) -> tuple[list[int], int]:
    """The token ids of prompt and reply (with the turn's end), and where the reply starts."""
    chat = messages(row)
    prompt = tok.apply_chat_template(chat, add_generation_prompt=True)
    prompt = list(prompt["input_ids"] if hasattr(prompt, "keys") else prompt)
    reply = tok.encode(row["rewrite"] + "<|im_end|>", add_special_tokens=False)
    return prompt + reply, len(prompt)


def load_model(rank: int, base_dtype: str = "float32") -> tuple[Any, Any]:
    """The tokenizer and the model with a fresh LoRA; ``base_dtype="bfloat16"`` keeps the frozen weights in bf16
    (half the memory, no per-step casts under autocast), the LoRA's own in float32."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(PROJECT / "data" / "models", gguf_file=GGUF)
    dtype = getattr(torch, base_dtype)
    model = AutoModelForCausalLM.from_pretrained(PROJECT / "data" / "models", gguf_file=GGUF, dtype=dtype)
    config = LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=list(TARGETS), lora_dropout=0.05)
    model = get_peft_model(model, config)
    for param in model.parameters():
        if param.requires_grad:
            param.data = param.data.float()
    return tok, model


def batch_loss(model: Any, batch: list[tuple[list[int], int]]) -> Any:
    """Mean cross-entropy over the reply tokens of a right-padded batch; the vocabulary projection is applied
    to those positions only."""
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    mask = torch.zeros(len(batch), width, dtype=torch.long)
    for i, (seq, _) in enumerate(batch):
        ids[i, : len(seq)] = torch.tensor(seq)
        mask[i, : len(seq)] = 1
    rows, cols, targets = [], [], []
    for i, (seq, start) in enumerate(batch):
        for j in range(start, len(seq)):
            rows.append(i), cols.append(j - 1), targets.append(seq[j])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        hidden = model.base_model.model.model(input_ids=ids, attention_mask=mask).last_hidden_state
        logits = model.base_model.model.lm_head(hidden[rows, cols])
    return torch.nn.functional.cross_entropy(logits.float(), torch.tensor(targets))


def read_pairs(path: Path) -> list[dict[str, Any]]:
    """The rows of ``training.rewrite_pairs`` (one pair a line) or ``training.rewrite_self_pairs`` (one article
    a line, its pairs in a list, those it ``teaches``), as sentence, rewrite and split."""
    from training.rewrite_self_pairs import teaches

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_article = bool(rows) and "pairs" in rows[0]
    flat = [dict(p, split=r["split"]) for r in rows for p in (r["pairs"] if by_article else [r])]
    flat = [p for p in flat if not by_article or teaches(p["sentence"], p["rewrite"])]
    return [{k: r[k] for k in ("sentence", "rewrite", "split")} for r in flat]


def train(epochs: int, run: Path, pairs: Path, rank: int) -> None:
    import torch

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    rows = read_pairs(pairs)
    run.mkdir(parents=True, exist_ok=True)
    (run / "meta.json").write_text(json.dumps({"pairs": str(pairs), "rank": rank, "alpha": 2 * rank}))
    tok, model = load_model(rank)
    fit(model, {s: [encode(tok, r) for r in rows if r["split"] == s] for s in ("train", "dev")}, epochs, run)


def fit(model: Any, data: dict[str, list[tuple[list[int], int]]], epochs: int, run: Path) -> None:
    """Train the LoRA on ``data["train"]`` (token ids, where the reply starts), the ``dev`` loss after each epoch;
    resumable from the run's checkpoint; the adapter saved in ``run / "adapter"``."""
    import torch

    order = []
    for epoch in range(epochs):
        shuffled = list(range(len(data["train"])))
        random.Random(epoch).shuffle(shuffled)
        order += [shuffled[i : i + BATCH] for i in range(0, len(shuffled), BATCH)]
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * s / len(order)))
    )
    ckpt, first = run / "ckpt", 0
    if (ckpt / "state.pt").exists():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        model.load_state_dict(state["lora"], strict=False)
        opt.load_state_dict(state["opt"]), sched.load_state_dict(state["sched"])
        first = state["step"]
        print(f"resumed at step {first}", flush=True)
    per_epoch = len(order) // epochs
    model.train()
    started = time.time()
    for step in range(first, len(order)):
        loss = batch_loss(model, [data["train"][i] for i in order[step]])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step(), sched.step(), opt.zero_grad()
        print(f"step {step + 1}/{len(order)} loss {loss.item():.3f} {time.time() - started:.0f}s", flush=True)
        done = step + 1
        if done % SAVE_EVERY == 0 or done % per_epoch == 0 or done == len(order):
            ckpt.mkdir(parents=True, exist_ok=True)
            lora = {k: v for k, v in model.state_dict().items() if "lora_" in k}
            state = {"lora": lora, "opt": opt.state_dict(), "sched": sched.state_dict(), "step": done}
            torch.save(state, ckpt / "state.tmp")
            (ckpt / "state.tmp").replace(ckpt / "state.pt")
        if done % per_epoch == 0:
            model.eval()
            with torch.no_grad():
                dev = [batch_loss(model, data["dev"][i : i + BATCH]).item() for i in range(0, len(data["dev"]), BATCH)]
            print(f"epoch {done // per_epoch} dev loss {sum(dev) / len(dev):.3f}", flush=True)
            model.train()
    model.save_pretrained(run / "adapter")


def export(run: Path) -> None:
    """The trained adapter (or, before training ends, the last checkpoint's) as a llama.cpp GGUF LoRA."""
    import gguf
    import numpy as np

    saved = run / "adapter" / "adapter_model.safetensors"
    if saved.exists():
        from safetensors.numpy import load_file

        tensors = load_file(str(saved))
    else:
        import torch

        state = torch.load(run / "ckpt" / "state.pt", weights_only=False)["lora"]
        tensors = {k: v.float().numpy() for k, v in state.items()}
        print("from the checkpoint at step", torch.load(run / "ckpt" / "state.pt", weights_only=False)["step"])
    writer = gguf.GGUFWriter(str(run / "adapter.gguf"), "qwen2")
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    meta = run / "meta.json"
    alpha = json.loads(meta.read_text())["alpha"] if meta.exists() else 2 * RANK
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    for name in sorted(tensors):
        if ".lora_A." not in name:
            continue
        layer = int(name.split(".layers.")[1].split(".")[0])
        module = next(v for k, v in GGUF_NAMES.items() if f".{k}." in name)
        base = f"blk.{layer}.{module}.weight"
        a, b = tensors[name], tensors[name.replace(".lora_A.", ".lora_B.")]  # (rank, in), (out, rank)
        writer.add_tensor(base + ".lora_a", a.astype(np.float16))
        writer.add_tensor(base + ".lora_b", b.astype(np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(run / "adapter.gguf", (run / "adapter.gguf").stat().st_size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["train", "export"])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--run", default="", help="a run's folder under data/rewrite-tune (its own checkpoints)")
    ap.add_argument("--pairs", type=Path, default=OUT / "pairs.jsonl", help="the pairs to train on")
    ap.add_argument("--rank", type=int, default=RANK)
    args = ap.parse_args()
    run = OUT / args.run if args.run else OUT
    train(args.epochs, run, args.pairs, args.rank) if args.step == "train" else export(run)


if __name__ == "__main__":
    main()
