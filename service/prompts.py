"""Prompt templates as versioned files in prompts/, rendered strictly.

A template declares its variables; rendering with a missing or an undeclared variable, or a
template whose placeholders differ from its declaration, raises PromptError at once.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from service.errors import ConfigError


class Message(TypedDict):
    """One chat message, as the OpenAI-compatible API takes it."""

    role: str
    content: str


class PromptError(ConfigError):
    """A prompt file is missing, malformed, or was rendered with the wrong variables."""


@dataclass(frozen=True)
class Prompt:
    id: str
    version: int
    system: str
    user: str
    variables: frozenset[str]

    def render(self, **values: str) -> list[Message]:
        given = set(values)
        if given != self.variables:
            missing, extra = sorted(self.variables - given), sorted(given - self.variables)
            raise PromptError(f"prompt {self.id} v{self.version}: missing {missing}, unexpected {extra}")
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user.format_map(values)},
        ]


def load_prompt(directory: Path, prompt_id: str) -> Prompt:
    path = directory / f"{prompt_id}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        prompt = Prompt(
            id=str(data["id"]),
            version=int(data["version"]),
            system=str(data["system"]),
            user=str(data["user"]),
            variables=frozenset(data["variables"]),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise PromptError(f"cannot load prompt {path}: {exc.__class__.__name__}: {exc}") from None
    if prompt.id != prompt_id:
        raise PromptError(f"{path} declares id '{prompt.id}', expected '{prompt_id}'")
    placeholders = {name for _, name, _, _ in string.Formatter().parse(prompt.user) if name}
    if "{" in prompt.system.replace("{{", "") or placeholders != prompt.variables:
        raise PromptError(
            f"{path}: placeholders {sorted(placeholders)} differ from variables {sorted(prompt.variables)}"
        )
    return prompt
