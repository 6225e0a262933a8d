"""docs/configuration.md, generated from ``Settings`` so the table cannot drift from the code.

    .venv/bin/python -m service.settings_doc > docs/configuration.md

tests/unit/test_docs.py checks that the file equals this output.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from service.settings import PROJECT_ROOT, Settings

HEADER = """# Configuration

Environment variables (or a `.env` file in the working directory), checked at start-up: a bad value stops
newsdesk with one line naming the variable. This table is generated from `service/settings.py`
(`python -m service.settings_doc > docs/configuration.md`; a test keeps it in step).

| variable | default | meaning |
|---|---|---|
"""

FOOTER = """
Changing `NEWSDESK_EMBEDDINGS` on an existing index is refused with a clear message (the vectors would not be
comparable): use another `NEWSDESK_COLLECTION` or data directory. `OPENAI_API_KEY` and `OPENAI_BASE_URL` are read
too; keys are never logged.
"""


def _default(value: object) -> str:
    if value is None or isinstance(value, SecretStr):
        return "unset"
    if isinstance(value, Path) and value.is_absolute():
        return f"`<project>/{value.relative_to(PROJECT_ROOT)}`" if value.is_relative_to(PROJECT_ROOT) else f"`{value}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def configuration_markdown() -> str:
    rows = []
    for name, field in Settings.model_fields.items():
        default = _default(field.get_default(call_default_factory=True))
        rows.append(f"| `NEWSDESK_{name.upper()}` | {default} | {(field.description or '').replace('|', '/')} |")
    return HEADER + "\n".join(rows) + "\n" + FOOTER


if __name__ == "__main__":
    print(configuration_markdown(), end="")
