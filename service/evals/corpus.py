"""The articles evals run over: the shipped seed article plus OneStopEnglish dev articles.

OneStopEnglish (CC BY-SA 4.0, Vajjala & Lučić 2018): the 30 articles newsdesk uses are shipped in
evals/datasets/onestopenglish/ (licence notes in evals/datasets/LICENSES.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from service.errors import ConfigError
from service.ingest.decode import decode_bytes, repair_mojibake
from service.ingest.html_loader import load_html
from service.ingest.text_loaders import load_markdown, load_text
from service.model import Draft

SEED_KEY = "seed"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = PROJECT_ROOT / "corpus" / "openai-brain-drain.md"
OSE_FILE = Path("onestopenglish") / "onestopenglish-dev.jsonl"


@dataclass(frozen=True)
class OSEArticle:
    id: str
    advanced: str
    intermediate: str
    elementary: str


def load_onestopenglish(datasets_dir: Path) -> dict[str, OSEArticle]:
    path = datasets_dir / OSE_FILE
    if not path.is_file():
        raise ConfigError(f"OneStopEnglish data not found at {path} (set NEWSDESK_DATASETS_DIR)")
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {  # three of the dataset's texts carry UTF-8 read as Windows-1252 ("Googleâ€™s")
        r["id"]: OSEArticle(r["id"], *(repair_mojibake(r[k]) for k in ("advanced", "intermediate", "elementary")))
        for r in rows
    }


def ose_draft(article: OSEArticle, level: str = "advanced") -> Draft:
    return Draft(
        text=getattr(article, level),
        source=f"onestopenglish:{article.id}:{level}",
        title=f"{article.id} (OneStopEnglish)",
        language="en",
    )


def seed_draft() -> Draft:
    return load_markdown(SEED_PATH.read_text(encoding="utf-8"), str(SEED_PATH))


def eval_drafts(keys: list[str], datasets_dir: Path, base: Path | None = None) -> dict[str, Draft]:
    """Drafts for the article keys a dataset names: 'seed', a OneStopEnglish id, or (a user's suite) the path
    of an article file relative to the dataset's folder (``base``), read like `newsdesk ingest` reads it."""
    drafts: dict[str, Draft] = {}
    files = {k: base / k for k in keys if base is not None and Path(k).suffix in FILE_SUFFIXES and (base / k).is_file()}
    ose = load_onestopenglish(datasets_dir) if any(k != SEED_KEY and k not in files for k in keys) else {}
    for key in keys:
        if key == SEED_KEY:
            drafts[key] = seed_draft()
        elif key in files:
            drafts[key] = _file_draft(files[key])
        elif key in ose:
            drafts[key] = ose_draft(ose[key])
        else:
            raise ConfigError(f"the eval dataset names an unknown article '{key}'")
    return drafts


FILE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def _file_draft(path: Path) -> Draft:
    text, _ = decode_bytes(path.read_bytes(), path.name)
    if path.suffix == ".md":
        return load_markdown(text, str(path))
    return load_html(text, str(path)) if path.suffix in (".html", ".htm") else load_text(text, str(path))
