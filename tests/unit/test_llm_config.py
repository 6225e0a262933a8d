import hashlib
from pathlib import Path

import pytest

from service.errors import LLMUnavailable
from service.llm.endpoint import configured_endpoint
from service.llm.model_file import ModelSpec, ensure_model_file, package_parts
from service.settings import load_settings


@pytest.mark.parametrize(
    ("overrides", "kind", "model", "base_url"),
    [
        ({}, "local", "local", None),
        ({"openai_api_key": "sk-x"}, "openai", "gpt-4o-mini", None),
        ({"openai_api_key": "sk-x", "llm_model": "gpt-4.1-mini"}, "openai", "gpt-4.1-mini", None),
        ({"llm_base_url": "http://h:11434/v1", "llm_model": "llama3"}, "compatible", "llama3", "http://h:11434/v1"),
        ({"openai_api_key": "sk-x", "llm_backend": "local"}, "local", "local", None),
    ],
)
def test_backend_is_chosen_from_the_settings(
    overrides: dict[str, object], kind: str, model: str, base_url: str | None
) -> None:
    endpoint = configured_endpoint(load_settings(**overrides))
    assert (endpoint.kind, endpoint.model, endpoint.base_url) == (kind, model, base_url)


def _spec(parts: list[bytes], sha: str | None = None) -> ModelSpec:
    whole = b"".join(parts)
    return ModelSpec("tiny", "tiny.gguf", (), sha or hashlib.sha256(whole).hexdigest(), len(whole), "test")


def _parts(tmp_path: Path, blobs: list[bytes]) -> list[Path]:
    paths = []
    for i, blob in enumerate(blobs, start=1):
        path = tmp_path / f"part{i:02d}.bin"
        path.write_bytes(blob)
        paths.append(path)
    return paths


def test_chunks_are_assembled_in_order_and_verified(tmp_path: Path) -> None:
    blobs = [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7]
    seen: list[int] = []
    path = ensure_model_file(_spec(blobs), tmp_path / "models", _parts(tmp_path, blobs), lambda d, _t: seen.append(d))
    assert path.read_bytes() == b"".join(blobs)
    assert seen[-1] == len(b"".join(blobs))
    assert ensure_model_file(_spec(blobs), tmp_path / "models") == path  # second call: verified stamp


def test_a_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    blobs = [b"abc", b"def"]
    with pytest.raises(LLMUnavailable, match="does not match its checksum"):
        ensure_model_file(_spec(blobs, sha="0" * 64), tmp_path / "models", _parts(tmp_path, blobs))
    assert list((tmp_path / "models").iterdir()) == []


def test_a_corrupted_model_file_is_refused(tmp_path: Path) -> None:
    blobs = [b"abc" * 1000]
    models = tmp_path / "models"
    path = ensure_model_file(_spec(blobs), models, _parts(tmp_path, blobs))
    path.write_bytes(b"abc" * 999 + b"xyz")  # same size, different bytes, new mtime
    with pytest.raises(LLMUnavailable, match="corrupted"):
        ensure_model_file(_spec(blobs), models)


def test_a_missing_chunk_package_names_the_fix() -> None:
    with pytest.raises(LLMUnavailable, match=r"requirements/models\.txt"):
        package_parts(("no_such_model_package_part1",))
