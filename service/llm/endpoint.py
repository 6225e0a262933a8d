"""Which endpoint newsdesk talks to, decided once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from service.settings import Settings

Kind = Literal["local", "openai", "compatible"]
LOCAL_ALIAS = "local"
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Endpoint:
    kind: Kind
    base_url: str | None  # None: OpenAI's own; for "local", filled in once the server runs
    model: str
    api_key: SecretStr | None

    def describe(self) -> str:
        where = self.base_url or "https://api.openai.com/v1"
        return f"{self.kind} model '{self.model}' at {where}"


def resolve_kind(settings: Settings) -> Kind:
    if settings.llm_backend == "local":
        return "local"
    if settings.llm_base_url:
        return "compatible"
    if settings.llm_backend == "openai" or settings.openai_api_key is not None:
        return "openai"
    return "local"


def configured_endpoint(settings: Settings) -> Endpoint:
    """The endpoint as configured; a local endpoint has no URL until its server is started."""
    kind = resolve_kind(settings)
    if kind == "local":
        return Endpoint("local", None, LOCAL_ALIAS, None)
    model = settings.llm_model or (OPENAI_DEFAULT_MODEL if kind == "openai" else "default")
    return Endpoint(kind, settings.llm_base_url, model, settings.openai_api_key)
