"""A suite is a small TOML file: which task, which dataset, which bounds. The built-in suites are such files
(evals/suites/*.toml); a user's suite is one next to the user's data, run the same way:

    name = "my-summaries"
    description = "Summaries our pipeline wrote, checked against their articles"
    task = "check"                  # see TASKS in registry.py
    dataset = "pairs.jsonl"         # relative to this file
    [bounds]
    unsupported_rate = { max = 0.05 }
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import ConfigError

Bounds = dict[str, dict[str, float]]
_KEYS = {"name", "description", "task", "dataset", "bounds", "optional", "options"}


@dataclass(frozen=True)
class SuiteFile:
    name: str
    task: str
    path: Path
    dataset: Path | None
    description: str = ""
    bounds: Bounds = field(default_factory=dict)
    optional: bool = False  # not run by a bare `newsdesk eval` (slow or needing a model call per case)
    options: dict[str, Any] = field(default_factory=dict)


def load_suite_file(path: Path) -> SuiteFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the suite file {path}: {exc}") from None
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} (use {', '.join(sorted(_KEYS))})")
    for key in ("name", "task"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ConfigError(f"{path}: '{key}' is required")
    bounds = data.get("bounds", {})
    for metric, bound in bounds.items():
        if not isinstance(bound, dict) or not bound or not set(bound) <= {"min", "max"}:
            raise ConfigError(f"{path}: bounds.{metric} must be a table with min and/or max")
        if not all(isinstance(v, int | float) for v in bound.values()):
            raise ConfigError(f"{path}: bounds.{metric} must be numbers")
    dataset = (path.parent / data["dataset"]).resolve() if data.get("dataset") else None
    if dataset is not None and not dataset.exists():
        raise ConfigError(f"{path}: the dataset {data['dataset']} does not exist")
    return SuiteFile(
        name=data["name"], task=data["task"], path=path, dataset=dataset, description=data.get("description", ""),
        bounds=bounds, optional=bool(data.get("optional", False)), options=dict(data.get("options", {})),
    )  # fmt: skip


def builtin_suite_files(evals_dir: Path) -> list[SuiteFile]:
    return [load_suite_file(p) for p in sorted((evals_dir / "suites").glob("*.toml"))]
