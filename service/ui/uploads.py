"""Uploaded files are copied under the data directory with a safe name; nothing is written anywhere else."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from service.errors import InvalidInput
from service.ingest.sources import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 80


def safe_name(name: str) -> str:
    """A file name with no directory part, no leading dots and only [A-Za-z0-9._-]."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE.sub("-", stem).strip(".-")[:MAX_NAME] or "upload"
    suffix = _UNSAFE.sub("", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def store_upload(uploaded: Path, uploads_dir: Path, original_name: str | None = None) -> Path:
    """Copy an uploaded file into ``uploads_dir`` under its sanitised name (prefixed by a content hash when
    another file already has that name); refuse types newsdesk cannot read."""
    name = safe_name(original_name or uploaded.name)
    if Path(name).suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInput(f"{name}: newsdesk reads {', '.join(SUPPORTED_SUFFIXES)} files")
    uploads_dir.mkdir(parents=True, exist_ok=True)
    target = uploads_dir / name
    if target.exists() and not _same(target, uploaded):
        target = uploads_dir / f"{_digest(uploaded)[:8]}-{name}"
    if not target.resolve().is_relative_to(uploads_dir.resolve()):  # belt and braces: safe_name has no '/'
        raise InvalidInput(f"{original_name}: not a valid file name")
    shutil.copyfile(uploaded, target)
    return target


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _same(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and _digest(a) == _digest(b)
