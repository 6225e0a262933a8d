"""A linear probe on the judge's last hidden state: does the model know more than its yes/no rows say?

    .venv-train/bin/python -m training.judge_probe extract train          # hidden states of the judge-train pairs
    .venv-train/bin/python -m training.judge_probe extract frank-valid    # ... of every FRANK valid claim
    .venv-train/bin/python -m training.judge_probe fit --test frank-valid
    .venv-train/bin/python -m training.judge_probe in-split frank-valid   # diagnostic: fitted on FRANK valid itself

Optional work (torch, and ``../shared/datasets`` for the training pairs); measured, not part of newsdesk's
checks (docs/fidelity.md, "The judge's hidden state"). ``extract`` runs the bundled GGUF model, dequantised, in
torch (bf16 autocast) on the judge's prompt exactly as newsdesk renders it, and keeps the final normed hidden
state at the answer position (the vector the yes/no output rows read) with torch's own P(yes); a run of claims of
one source reuses the source's keys and values, as llama.cpp's prompt cache does. Resumable: one file per 50
items in ``data/judge-probe/<set>/``. ``fit`` fits an L2 logistic regression on the standardised states of the
``train`` pairs (gold labels), the penalty chosen by 5-fold cross-validation grouped by premise on those pairs
only (``--penalty`` forces one, for diagnostics), and with ``--test`` scores a FRANK split as the article
decision reads it (a summary's weakest claim), beside the judge's recorded P(yes): the FRANK split fits nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from service.evals.metrics import roc_auc

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "data" / "judge-probe"
GGUF = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PENALTIES = (3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0, 10.0)
CHUNK = 50
# The judge-train sample the states were extracted for: 1,580 of its pairs carry the judge's reading (of the
# labels file's 5,663 pairs, 3,936 are still built by training.pairs; a larger sample reads more of them).
SAMPLE = 6000


def items(name: str) -> list[dict[str, Any]]:
    """(key, source, claim) and labels: the judge-train pairs, or a FRANK split's claims on their windows."""
    if name == "train":
        from service.prompts import load_prompt
        from training.judge_labels import labels_path, sample
        from training.pairs import build
        from training.teacher import pair_key, read_labels

        labels = read_labels(labels_path(load_prompt(PROJECT / "prompts", "fidelity-claim").version))
        rows = []
        for p in sample(build(PROJECT.parent / "shared" / "datasets", "train"), SAMPLE):
            key = pair_key(p.premise, p.claim)
            if key in labels:
                rows.append({"key": key, "source": p.premise, "claim": p.claim, "label": p.label,
                             "judge": labels[key]["judge"], "group": p.source.split("-")[0]})  # fmt: skip
        return rows
    from bench.judge_claims import cache_path
    from service.evals.frank import load_frank
    from service.fidelity.claim_judge import WINDOW_WORDS, window_for
    from service.settings import load_settings

    split = name.removeprefix("frank-")
    articles = {r.id: r.article for r in load_frank(load_settings().datasets_dir, split=split)}
    judged = cache_path(name, "window")  # the judge's readings for the current judge prompt
    rows = []
    for r in (json.loads(line) for line in judged.read_text().splitlines() if line.strip()):
        for i, (claim, p) in enumerate(zip(r["claims"], r["judge"], strict=True)):
            article = articles[r["id"]]  # windowed as ClaimJudge.probability does with window_words
            source = window_for(article, claim, WINDOW_WORDS) if len(article.split()) > WINDOW_WORDS else article
            rows.append({"key": f"{r['id']}#{i}", "source": source, "claim": claim, "judge": p,
                         "group": r["dataset"], "label": int(r["consistent"])})  # fmt: skip
    return sorted(rows, key=lambda x: (x["source"], x["key"]))  # a window's claims together: its cache reused


def extract(name: str, threads: int) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.cache_utils import DynamicCache

    from service.prompts import load_prompt

    torch.set_num_threads(threads)
    todo = items(name)
    out = OUT / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "items.jsonl").write_text("".join(json.dumps(x) + "\n" for x in todo))
    models = PROJECT / "data" / "models"
    tok = AutoTokenizer.from_pretrained(models, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(models, gguf_file=GGUF, dtype=torch.float32).eval()
    prompt = load_prompt(PROJECT / "prompts", "fidelity-claim")
    pieces = [tok.convert_tokens_to_string([t]).strip().lower() for t in tok.convert_ids_to_tokens(range(len(tok)))]
    yes = [i for i, t in enumerate(pieces) if t in ("yes", "y")]
    no = [i for i, t in enumerate(pieces) if t in ("no", "n")]
    prev: list[int] = []
    cache: Any = None
    for start in range(0, len(todo), CHUNK):
        path = out / f"{start:06d}.npz"
        if path.exists():
            continue
        began, states, probs, keys = time.time(), [], [], []
        for item in todo[start : start + CHUNK]:
            rendered = tok.apply_chat_template(prompt.render(source=item["source"], claim=item["claim"]),
                                               add_generation_prompt=True)  # fmt: skip
            ids = list(rendered["input_ids"] if hasattr(rendered, "keys") else rendered)
            shared = 0
            while shared < min(len(prev), len(ids)) - 1 and prev[shared] == ids[shared]:
                shared += 1
            if cache is None or shared == 0:
                cache, shared = DynamicCache(), 0
            elif len(prev) > shared:
                cache.crop(shared - len(prev))
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
                o = model(input_ids=torch.tensor([ids[shared:]]), past_key_values=cache, use_cache=True,
                          output_hidden_states=True)  # fmt: skip
            cache, prev = o.past_key_values, ids
            logp = torch.log_softmax(o.logits[0, -1].float(), -1)
            states.append(o.hidden_states[-1][0, -1].float().numpy())  # after the final norm: what the rows read
            probs.append(float(torch.sigmoid(torch.logsumexp(logp[yes], 0) - torch.logsumexp(logp[no], 0))))
            keys.append(item["key"])
        np.savez(path, h=np.array(states, dtype=np.float32), p=np.array(probs), keys=np.array(keys))
        print(f"{name}: {start + CHUNK}/{len(todo)} {time.time() - began:.0f}s", file=sys.stderr, flush=True)


def load(name: str) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    rows = {(x := json.loads(line))["key"]: x for line in (OUT / name / "items.jsonl").read_text().splitlines()}
    states, probs, keys = [], [], []
    for f in sorted((OUT / name).glob("*.npz")):
        z = np.load(f)
        states.append(z["h"])
        probs.append(z["p"])
        keys += [str(k) for k in z["keys"]]
    return np.concatenate(states), np.concatenate(probs), [rows[k] for k in keys]


def auc(score: Any, label: Any) -> float:
    return roc_auc([float(v) for v in score], [bool(v) for v in label])


def logistic(x: np.ndarray, y: np.ndarray, penalty: float) -> tuple[np.ndarray, float]:
    """L2 logistic regression, each class weighted to half the loss (balanced accuracy is what is measured)."""
    import torch

    xt, yt = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    weights = torch.where(yt == 1, 0.5 / yt.mean(), 0.5 / (1 - yt.mean()))
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(xt @ w + b, yt, reduction="none")
        loss = (weights * loss).mean() + penalty * (w @ w)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), float(b.detach())


def fit(test: str | None, forced: float | None = None) -> dict[str, Any]:
    h, p, rows = load("train")
    y = np.array([r["label"] for r in rows])
    fold = np.array([int(hashlib.md5(r["source"].encode()).hexdigest(), 16) % 5 for r in rows])
    mean, scale = h.mean(0), h.std(0) + 1e-6
    x = (h - mean) / scale
    report: dict[str, Any] = {"train_pairs": len(rows), "judge_auc": auc(p, y), "cv": {}}
    for penalty in PENALTIES:
        held = np.zeros(len(y))
        for k in range(5):
            w, b = logistic(x[fold != k], y[fold != k], penalty)
            held[fold == k] = x[fold == k] @ w + b
        report["cv"][penalty] = {"auc": auc(held, y), "groups": {
            g: [auc(p[m], y[m]), auc(held[m], y[m])] for g in sorted({r["group"] for r in rows})
            if (m := np.array([r["group"] == g for r in rows])).any()}}  # fmt: skip
        print(f"penalty {penalty:g}: CV ROC-AUC {report['cv'][penalty]['auc']:.3f} (judge {report['judge_auc']:.3f})")
    best = forced or max(PENALTIES, key=lambda q: report["cv"][q]["auc"])  # forced: a diagnostic, never a choice
    w, b = logistic(x, y, best)
    raw_w, raw_b = w / scale, b - float((w / scale) @ mean)  # on the raw state: what an output row computes
    np.savez(OUT / "probe.npz", w=raw_w, b=raw_b, penalty=best)
    report["penalty"] = best
    if test:
        th, tp, trows = load(test)
        score = th @ raw_w + raw_b
        report["test"] = {}
        for group in sorted({r["group"] for r in trows}):
            summaries: dict[str, list[int]] = {}
            for i, r in enumerate(trows):
                if r["group"] == group:
                    summaries.setdefault(r["key"].split("#")[0], []).append(i)
            label = [trows[ix[0]]["label"] for ix in summaries.values()]
            readings = (("judge", [r["judge"] for r in trows]), ("judge_torch", tp), ("probe", score))
            weakest = {name: [min(s[i] for i in ix) for ix in summaries.values()] for name, s in readings}
            report["test"][group] = {k: auc(v, label) for k, v in weakest.items()} | {"summaries": len(label)}
            shown = ", ".join(f"{k} {v:.3f}" for k, v in report["test"][group].items())
            print(f"{test} {group}: summary ROC-AUC {shown}")
    return report


def in_split(name: str) -> None:
    """Diagnostic: the probe fitted on a FRANK split itself, out of fold by article, on the claims whose label is
    exact (every claim of a consistent summary; one-sentence summaries), scored like ``fit --test``."""
    h, _, rows = load(name)
    fold = np.array([int(hashlib.md5(r["key"].split(":")[0].encode()).hexdigest(), 16) % 5 for r in rows])
    summaries: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        summaries.setdefault(r["key"].split("#")[0], []).append(i)
    y = np.array([r["label"] for r in rows])
    exact = np.array([r["label"] == 1 or len(summaries[r["key"].split("#")[0]]) == 1 for r in rows])
    x = (h - h.mean(0)) / (h.std(0) + 1e-6)
    for penalty in (0.1, 1.0, 10.0):
        score = np.zeros(len(rows))
        for k in range(5):
            w, b = logistic(x[(fold != k) & exact], y[(fold != k) & exact], penalty)
            score[fold == k] = x[fold == k] @ w + b
        for group in sorted({r["group"] for r in rows}):
            ixs = [ix for ix in summaries.values() if rows[ix[0]]["group"] == group]
            label = [rows[ix[0]]["label"] for ix in ixs]
            judge = auc([min(rows[i]["judge"] for i in ix) for ix in ixs], label)
            probe = auc([min(score[i] for i in ix) for ix in ixs], label)
            print(f"{name} penalty {penalty:g} {group}: judge {judge:.3f}, probe out of fold {probe:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("set", choices=["train", "frank-valid", "frank-test"])
    ex.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "2")))
    ft = sub.add_parser("fit")
    ft.add_argument("--test", choices=["frank-valid", "frank-test"])
    ft.add_argument("--penalty", type=float, help="use this penalty instead of the cross-validated one")
    cv = sub.add_parser("in-split")
    cv.add_argument("set", choices=["frank-valid", "frank-test"])
    args = ap.parse_args()
    if args.command == "extract":
        extract(args.set, args.threads)
    elif args.command == "in-split":
        in_split(args.set)
    else:
        report = fit(args.test, args.penalty)
        (OUT / "report.json").write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
