"""Building the LLM client from the settings (starting the embedded server when that is the backend)."""

from __future__ import annotations

from dataclasses import replace

import httpx2

from service.llm.cache import ResponseCache
from service.llm.client import LLM
from service.llm.endpoint import configured_endpoint
from service.llm.local_server import LocalServer
from service.settings import Settings


def build_llm(settings: Settings, local: LocalServer | None = None) -> LLM:
    endpoint = configured_endpoint(settings)
    identity = f"{endpoint.kind}:{endpoint.model}:{endpoint.base_url}"
    if endpoint.kind == "local":
        server = local or LocalServer(settings)
        identity = f"local:{server.model_path().name}"
        endpoint = replace(endpoint, base_url=server.ensure().base_url)
    cache = ResponseCache(settings.llm_cache_dir, identity) if settings.llm_cache_dir is not None else None
    return LLM(
        endpoint,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        http_client=httpx2.Client(transport=cache) if cache is not None else None,
    )
