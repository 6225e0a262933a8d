"""The embedded server's command line: the threads that read prompts apart from those that generate (the
integration tests in tests/integration/test_llm_local.py serve with the real command)."""

import pytest

from service.llm.embedded_server import parse_args
from service.llm.local_server import reading_threads, server_command
from service.settings import load_settings


def _value(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


@pytest.mark.parametrize(("threads", "prompt_threads", "read_with"), [(1, 2, "2"), (1, 0, "1"), (2, 0, "2")])
def test_prompts_are_read_with_their_own_threads_or_the_generation_ones(
    threads: int, prompt_threads: int, read_with: str
) -> None:
    command = server_command("xllamacpp", "m.gguf", 8080, 4096, threads, "off", prompt_threads)
    assert _value(command, "--threads") == str(threads)
    assert _value(command, "--prompt-threads") == read_with
    args = parse_args(command[command.index("service.llm.embedded_server") + 1 :])
    assert (args.threads, args.prompt_threads) == (threads, int(read_with))


def test_the_llama_cpp_python_server_gets_the_same_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    command = server_command("llama-cpp-python", "m.gguf", 8080, 4096, 1, "off", 2)
    assert (_value(command, "--n_threads"), _value(command, "--n_threads_batch")) == ("1", "2")


def test_by_default_prompts_are_read_on_two_threads_where_two_cpus_are_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert reading_threads(load_settings()) == 2
    assert reading_threads(load_settings(local_threads=3)) == 3
    assert reading_threads(load_settings(local_prompt_threads=1)) == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    assert reading_threads(load_settings()) == 1
