"""A user's suites with the real parts: 200 check pairs on the shipped verifier with one model load, and an
eval re-run from the answer cache making no model call (the model is a scripted server that counts them)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import onnxruntime
import pytest

from service.app import Newsdesk
from service.evals.registry import suite_files
from service.evals.runner import run_suites
from service.settings import load_settings
from service.text import sentences
from tests.conftest import SEED
from tests.integration.conftest import BIN, QuietHTTPServer
from tests.integration.test_markup_injection import ScriptedModel


def test_two_hundred_check_pairs_run_with_one_load_of_each_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SEED.read_text(encoding="utf-8")
    claims = [s.text for s in sentences(source.split("---", 2)[2]) if len(s.text.split()) >= 6]
    rows = []
    for n in range(200):
        text = claims[n % len(claims)]
        if n % 2:  # every other text names a number or a person the article does not
            text = re.sub(r"\btwo\b|\bseven\b", "nine", text) if re.search(r"\btwo\b|\bseven\b", text) else (
                text.rstrip(".") + ", according to Sam Altman's memo of 3 March.")  # fmt: skip
        rows.append({"id": f"p{n}", "source": source, "text": text, "supported": n % 2 == 0})
    (tmp_path / "pairs.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (tmp_path / "suite.toml").write_text('name = "mine"\ntask = "check"\ndataset = "pairs.jsonl"\n')
    sessions: list[str] = []
    real = onnxruntime.InferenceSession

    def counted(path: str, *args: Any, **kwargs: Any) -> Any:
        sessions.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(onnxruntime, "InferenceSession", counted)
    # the fast checker alone: the judge's own reading of many claims of one source is
    # test_fidelity_judge_real's (the source read once); here, the fast path at the scale of a user's batch
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data", fidelity_model="verifier", fidelity_judge="off"))
    [result], failures, _ = run_suites(
        desk, suite_files(desk, [str(tmp_path / "suite.toml")]), None, tmp_path / "out", lambda _n: lambda *_: None
    )
    assert failures == [] and result.metrics["cases"] == 200 and result.metrics["errors"] == 0
    assert sorted(sessions) == ["model.onnx", "verifier-int8.onnx"]  # the embedder and the verifier, once each
    assert result.metrics["accuracy"] > 0.8


def _strip_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_timings(v) for k, v in value.items() if not re.search(r"second|created|_s$|ttft", k)}
    if isinstance(value, list):
        return [_strip_timings(v) for v in value]
    return value


def test_a_cached_rerun_makes_no_model_call_and_gives_the_same_results(tmp_path: Path) -> None:
    calls: list[str] = []

    class Counting(ScriptedModel):
        def do_POST(self) -> None:
            calls.append(self.path)
            super().do_POST()

    model = QuietHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_LLM_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "NEWSDESK_LLM_MODEL": "scripted",
    }
    runs = []
    try:
        for name in ("first", "second"):
            before = len(calls)
            command = [str(BIN / "newsdesk"), "eval", "qa", "--limit", "3", "--cache", str(tmp_path / "cache"),
                       "--report", str(tmp_path / name)]  # fmt: skip
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
            assert "Traceback" not in done.stderr, done.stderr
            runs.append((len(calls) - before, json.loads((tmp_path / name / "results.json").read_text())))
    finally:
        model.shutdown()
    (first_calls, first), (second_calls, second) = runs
    assert first_calls > 0 and second_calls == 0
    assert _strip_timings(first) == _strip_timings(second)
