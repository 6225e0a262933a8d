"""The native runtime (llama.cpp compiled for this CPU by `make native`) serves like the prebuilt one: it answers,
streams, returns log-probabilities, and the process really runs the native build. Skipped where no native build
exists: CI never compiles (the build takes 10-40 minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.fidelity.claim_judge import yes_probability
from service.llm.client import LLM
from service.llm.factory import build_llm
from service.llm.local_server import LocalServer
from service.llm.native import NativeRuntime
from service.prompts import Message
from service.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
BUILT = NativeRuntime(load_settings(data_dir=ROOT / "data"))
TEXT = "Text: The council of Lyon voted on Tuesday to close the Pont Wilson bridge for repairs costing 4 million euros."

pytestmark = pytest.mark.skipif(
    not BUILT.available(), reason="no native build in data/runtime (`make native` builds one; CI does not compile)"
)


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, LocalServer]]:
    data = tmp_path_factory.mktemp("native") / "data"
    data.mkdir()
    (data / "runtime").symlink_to(BUILT.root.resolve(), target_is_directory=True)
    settings = load_settings(data_dir=data, local_runtime="native")
    server = LocalServer(settings)
    yield settings, server
    server.stop()


def test_the_native_server_runs_the_native_build(native: tuple[Settings, LocalServer]) -> None:
    _, server = native
    info = server.ensure()
    maps = Path(f"/proc/{info.pid}/maps").read_text()
    assert info.runtime == "native"
    assert str(BUILT.site.resolve()) in maps  # its xllamacpp extension is the one built here


def _ask(native: tuple[Settings, LocalServer], system: str, question: str) -> tuple[LLM, list[Message]]:
    settings, server = native
    messages: list[Message] = [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{TEXT}\n{question}"},
    ]
    return build_llm(settings, server), messages


def test_the_native_server_streams_an_answer(native: tuple[Settings, LocalServer]) -> None:
    llm, messages = _ask(native, "Answer from the text only, in one short sentence.",
                         "Question: On which day did the council vote?")  # fmt: skip
    pieces = list(llm.stream(messages))
    assert len(pieces) > 1 and "Tuesday" in "".join(pieces)


def test_the_native_server_returns_log_probabilities(native: tuple[Settings, LocalServer]) -> None:
    llm, messages = _ask(native, "Answer with one word: yes or no.",
                         "Does the text say the council voted on Tuesday? Answer yes or no.")  # fmt: skip
    answer, choices = llm.first_token_choices(messages)
    assert len(choices) > 1 and 0 < sum(choices.values()) <= 1.001
    assert yes_probability(answer, choices) > 0.5
