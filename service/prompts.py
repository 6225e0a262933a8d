"""Prompt templates as versioned files in prompts/, rendered strictly.

A template declares its variables; rendering with a missing or an undeclared variable, or a
template whose placeholders differ from its declaration, raises PromptError at once. The system text is
the model's cached prefix: it may hold only variables listed in ``system_variables``, each of which takes
one of a few fixed values (a reading level), so every value is its own byte-stable prefix. Worked
``examples`` (fixed user/assistant turns, no placeholders) follow the system text and are part of that prefix.
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
    system_variables: frozenset[str] = frozenset()
    examples: tuple[tuple[str, str], ...] = ()  # (user, assistant) turns shown before the request

    def render(self, **values: str) -> list[Message]:
        given = set(values)
        if given != self.variables:
            missing, extra = sorted(self.variables - given), sorted(given - self.variables)
            raise PromptError(f"prompt {self.id} v{self.version}: missing {missing}, unexpected {extra}")
        system: Message = {
            "role": "system",
            "content": self.system.format_map(values) if self.system_variables else self.system,
        }
        shown: list[Message] = []
        for user, assistant in self.examples:
            shown += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        return [system, *shown, {"role": "user", "content": self.user.format_map(values)}]


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
            system_variables=frozenset(data.get("system_variables", [])),
            examples=tuple((str(e["user"]), str(e["assistant"])) for e in data.get("examples", [])),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise PromptError(f"cannot load prompt {path}: {exc.__class__.__name__}: {exc}") from None
    if prompt.id != prompt_id:
        raise PromptError(f"{path} declares id '{prompt.id}', expected '{prompt_id}'")
    in_user, in_system = _placeholders(prompt.user), _placeholders(prompt.system)
    if in_system != prompt.system_variables:
        raise PromptError(f"{path}: system placeholders {sorted(in_system)} differ from system_variables")
    if any(_placeholders(text) for example in prompt.examples for text in example):
        raise PromptError(f"{path}: an example holds a placeholder (examples are fixed text)")
    if in_user | in_system != prompt.variables:
        raise PromptError(
            f"{path}: placeholders {sorted(in_user | in_system)} differ from variables {sorted(prompt.variables)}"
        )
    return prompt


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as exc:
        raise PromptError(f"malformed template: {exc}") from None
