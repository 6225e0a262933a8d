"""FRANK (Pagnoni et al., 2021; MIT): news summaries with human factuality labels."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from service.errors import ConfigError

FRANK_FILE = Path("frank") / "frank.jsonl"


@dataclass(frozen=True)
class FrankRow:
    id: str
    dataset: str
    split: str
    article: str
    summary: str
    consistent: bool


def load_frank(datasets_dir: Path, split: str | None = None) -> list[FrankRow]:
    return load_frank_file(datasets_dir / FRANK_FILE, split)


def load_frank_file(path: Path, split: str | None = None) -> list[FrankRow]:
    if not path.is_file():
        raise ConfigError(f"FRANK data not found at {path} (set NEWSDESK_DATASETS_DIR)")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if split is None or r["split"] == split:
            rows.append(FrankRow(r["id"], r["dataset"], r["split"], r["article"], r["summary"], r["consistent"]))
    return rows


def fixed_sample(rows: list[FrankRow], limit: int | None) -> list[FrankRow]:
    """A deterministic sample of ``limit`` rows, half from each dataset (order by a hash of the id)."""
    if limit is None or limit >= len(rows):
        return rows
    ordered = sorted(rows, key=lambda r: hashlib.sha256(r.id.encode()).hexdigest())
    per = {d: [r for r in ordered if r.dataset == d] for d in sorted({r.dataset for r in rows})}
    share = max(1, limit // len(per))
    return [r for group in per.values() for r in group[:share]]


def article_sample(rows: list[FrankRow], articles: int, limit: int | None = None) -> list[FrankRow]:
    """Every summary of ``articles`` articles per dataset (chosen by a hash of the article), in article order:
    a sample whose summaries share their source, so a judge with the article as its cached prefix reads each
    one once. ``limit``: the first half of that many of each dataset."""
    out: list[FrankRow] = []
    for dataset in sorted({r.dataset for r in rows}):
        group = [r for r in rows if r.dataset == dataset]
        key = {r.id: hashlib.sha256(r.article.encode()).hexdigest() for r in group}
        keys = sorted(set(key.values()))[:articles]
        chosen = sorted((r for r in group if key[r.id] in keys), key=lambda r: (key[r.id], r.id))
        out += chosen[: max(1, limit // 2)] if limit else chosen
    return out
