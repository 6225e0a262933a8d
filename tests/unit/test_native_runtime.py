"""The native runtime's build bookkeeping and the measured choice between runtimes (fake builds and timings;
tests/integration/test_native_runtime_real.py serves with a real native build where one exists)."""

import json
import os
import sys
import time
from pathlib import Path

import pytest

from service.errors import ConfigError
from service.llm.local_server import LocalServer
from service.llm.native import NativeRuntime, NativeState
from service.llm.runtime_choice import Choice, RuntimeFigures, _figures, choose, resolve_runtime, write_choice
from service.settings import Settings, load_settings


def _figs(job_s: float) -> RuntimeFigures:
    return RuntimeFigures(450, 450 / job_s, 20.0, job_s)


@pytest.mark.parametrize(
    ("native", "prebuilt", "chosen"),
    [(7.0, 10.0, "native"), (9.4, 10.0, "native"), (9.8, 10.0, "xllamacpp"), (12.0, 10.0, "xllamacpp")],
)
def test_the_native_runtime_is_chosen_only_when_clearly_faster(native: float, prebuilt: float, chosen: str) -> None:
    assert choose({"xllamacpp": _figs(prebuilt), "native": _figs(native)}) == chosen


def test_without_native_figures_the_prebuilt_runtime_is_chosen() -> None:
    assert choose({"xllamacpp": _figs(10.0)}) == "xllamacpp"


def test_figures_are_the_medians_of_llama_cpp_timings() -> None:
    runs = [
        {"prompt_n": 450, "prompt_ms": 4500, "predicted_n": 64, "predicted_ms": 3200},
        {"prompt_n": 450, "prompt_ms": 3000, "predicted_n": 64, "predicted_ms": 3000},
        {"prompt_n": 450, "prompt_ms": 9000, "predicted_n": 64, "predicted_ms": 3100},
    ]
    figures = _figures(runs, "CPU : AVX512 = 1")
    assert (figures.prompt_tok_s, figures.gen_tok_s, figures.job_s) == (100.0, 20.6, 7.6)


def _fake_build(root: Path, info: str = "CPU : AVX512 = 1 | AVX512_VNNI = 1") -> list[str]:
    """A stand-in for pip that writes an importable xllamacpp into the staging folder."""
    staging = root / "native.building" / "xllamacpp"
    module = f"def get_system_info():\n    return {json.dumps(info)}\n"
    code = (
        f"import pathlib; p = pathlib.Path({str(staging)!r}); p.mkdir(parents=True); "
        f"(p / '__init__.py').write_text({module!r}); print('Building ok')"
    )
    return [sys.executable, "-c", code]


def _built(settings: Settings) -> NativeRuntime:
    native = NativeRuntime(settings)
    assert native.build(command=_fake_build(native.root)).state == "built"
    return native


def test_a_build_is_moved_into_place_only_once_it_imports(settings: Settings) -> None:
    native = NativeRuntime(settings)
    lines: list[str] = []
    state = native.build(on_line=lines.append, command=_fake_build(native.root))
    assert state.state == "built" and state.system_info == "CPU : AVX512 = 1 | AVX512_VNNI = 1"
    assert (native.site / "xllamacpp" / "__init__.py").is_file() and not (native.root / "native.building").exists()
    assert native.state() == state and lines == ["Building ok"]
    assert native.env()["PYTHONPATH"].split(os.pathsep)[0] == str(native.site.resolve())


def test_a_failed_build_says_why_in_one_line_and_keeps_the_prebuilt_runtime(settings: Settings) -> None:
    native = NativeRuntime(settings)
    failing = [sys.executable, "-c", "print('compiling'); print('error: unrecognized option -mavx512f'); exit(1)"]
    state = native.build(command=failing)
    assert state.state == "failed" and "error: unrecognized option -mavx512f" in state.line()
    assert "\n" not in state.line() and not native.site.exists() and not native.available()
    assert "compiling" in native.log_file.read_text()
    assert resolve_runtime(settings) == "xllamacpp"


def test_a_build_that_does_not_import_is_not_moved_into_place(settings: Settings) -> None:
    native = NativeRuntime(settings)
    broken = _fake_build(native.root, info="x")
    broken[-1] = broken[-1].replace("def get_system_info", 'raise ImportError("bad build")\\ndef get_system_info')
    state = native.build(command=broken)
    assert state.state == "failed" and "does not import" in state.reason and not native.site.exists()


def test_a_failed_rebuild_keeps_the_previous_build(settings: Settings) -> None:
    native = _built(settings)
    state = native.build(command=[sys.executable, "-c", "exit(2)"])
    assert state.state == "built" and "a rebuild failed" in state.line() and native.available()


def test_a_second_build_is_refused_while_one_runs(settings: Settings) -> None:
    native = NativeRuntime(settings)
    native.root.mkdir(parents=True)
    native.state_file.write_text(json.dumps({"state": "building", "started": time.time(), "pid": os.getpid()}))
    with pytest.raises(ConfigError, match="already running"):
        native.build(command=_fake_build(native.root))
    assert native.state().state == "building"


def test_an_interrupted_build_is_reported_as_such(settings: Settings) -> None:
    native = NativeRuntime(settings)
    native.root.mkdir(parents=True)
    native.state_file.write_text(json.dumps({"state": "building", "started": time.time(), "pid": 2**22 + 7}))
    assert native.state().state == "failed" and "interrupted" in native.state().line()


def _choice(runtime: str) -> Choice:
    return Choice(runtime, time.time(), {"xllamacpp": _figs(10.0), "native": _figs(7.0)})


def test_auto_serves_with_the_recorded_choice_while_the_native_build_is_there(settings: Settings) -> None:
    assert resolve_runtime(settings) == "xllamacpp"  # nothing measured yet
    write_choice(settings, _choice("native"))
    assert resolve_runtime(settings) == "xllamacpp"  # chosen, but no build in place
    _built(settings)
    assert resolve_runtime(settings) == "native"
    write_choice(settings, _choice("xllamacpp"))
    assert resolve_runtime(settings) == "xllamacpp"


def test_a_forced_runtime_wins_over_the_recorded_choice(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", local_runtime="xllamacpp")
    _built(settings)
    write_choice(settings, _choice("native"))
    assert resolve_runtime(settings) == "xllamacpp"


def test_forcing_a_native_runtime_that_is_not_built_is_a_clear_error(tmp_path: Path) -> None:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    settings = load_settings(data_dir=tmp_path / "data", local_runtime="native", local_gguf=gguf)
    with pytest.raises(ConfigError, match="native runtime is not built"):
        LocalServer(settings).ensure()


def test_state_lines_read_well() -> None:
    assert NativeState("absent").line().startswith("not built")
    assert "min so far" in NativeState("building", started=time.time() - 600).line()


def test_a_probe_that_gets_no_timings_is_a_clear_error() -> None:
    from service.errors import LLMUnavailable
    from service.llm.runtime_choice import _job

    with pytest.raises(LLMUnavailable, match="no timings"):
        _job("http://127.0.0.1:9/v1")  # nothing listens on the discard port
