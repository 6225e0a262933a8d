"""The shipped int8 verifier back as a torch checkpoint, so a further training pass starts from what ships.

    .venv-train/bin/python -m training.from_onnx data/verifier-shipped

Checkpoints never go into git, so the fp32 weights the shipped model was quantised from are gone on a fresh
clone; this dequantises the shipped file instead (weight = (q - zero point) x scale, per output channel) into
the base model's architecture and prints how far the two disagree on the factuality ``dev`` sample (the
remaining difference is the int8 activations of onnxruntime's dynamic quantisation).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from transformers import BertForSequenceClassification, BertTokenizerFast

from training.export import TARGET
from training.pairs import build
from training.train import PROJECT, base_model_dir, dev_sample, encode

_LAYER = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "intermediate.dense", "output.dense")  # fmt: skip  # the order of each layer's MatMuls in the graph


def dequantized(path: Path) -> dict[str, np.ndarray]:
    """Every weight of the ONNX file by its torch name, as float32 in torch's layout."""
    graph = onnx.load(str(path)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out: dict[str, np.ndarray] = {}
    matmuls: list[str] = []
    for name in init:
        if name.endswith("_quantized"):
            stem = name.removesuffix("_quantized")
            w = (init[name].astype(np.float32) - init[f"{stem}_zero_point"].astype(np.float32)) * init[f"{stem}_scale"]
            if stem.startswith("onnx::MatMul_"):
                matmuls.append(stem)
                out[stem] = w.T  # MatMul weights are [in, out]; Linear keeps [out, in]
            elif stem.endswith("_Transposed"):
                out[stem.removesuffix("_Transposed")] = w.T
            else:
                out[stem] = w
        elif not name.endswith(("_scale", "_zero_point")) and init[name].dtype == np.float32:
            out[name] = init[name]
    matmuls.sort(key=lambda s: int(s.rsplit("_", 1)[1]))
    for i, stem in enumerate(matmuls):
        out[f"bert.encoder.layer.{i // 6}.{_LAYER[i % 6]}.weight"] = out.pop(stem)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--onnx", type=Path, default=TARGET)
    ap.add_argument("--shared", type=Path, default=PROJECT.parent / "shared" / "datasets")
    args = ap.parse_args()
    model = BertForSequenceClassification.from_pretrained(base_model_dir(), num_labels=1).eval()
    weights = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in dequantized(args.onnx).items()}
    own = model.state_dict()
    missing = [k for k in own if k not in weights and "position_ids" not in k]
    unknown = [k for k in weights if k not in own]
    if missing or unknown:
        sys.exit(f"weights do not match the architecture: missing {missing[:5]}, unknown {unknown[:5]}")
    model.load_state_dict(weights, strict=False)
    tokenizer = BertTokenizerFast.from_pretrained(base_model_dir())
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    dev = dev_sample(build(args.shared, "dev"), per_source=20, seed=13)
    session = ort.InferenceSession(str(args.onnx))
    gaps = []
    with torch.no_grad():
        for p in dev:
            enc = encode(tokenizer, [p], 256)
            mine = torch.sigmoid(model(**enc).logits[0, 0]).item()
            feed = {i.name: enc[i.name].numpy() for i in session.get_inputs()}
            theirs = float(1 / (1 + np.exp(-session.run(None, feed)[0][0, 0])))
            gaps.append(abs(mine - theirs))
    print(f"{args.out}: |P(torch) - P(onnx)| over {len(gaps)} dev pairs: mean {np.mean(gaps):.4f}, max {max(gaps):.4f}")


if __name__ == "__main__":
    main()
