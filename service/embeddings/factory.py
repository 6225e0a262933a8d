from __future__ import annotations

from service.embeddings.base import Embedder
from service.errors import ConfigError
from service.settings import Settings


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder; nothing is loaded until the first text is embedded."""
    if settings.embeddings == "minilm":
        from service.embeddings.minilm import MiniLMEmbedder

        return MiniLMEmbedder(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
    import openai

    from service.embeddings.openai_api import OpenAIEmbedder

    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigError("NEWSDESK_EMBEDDINGS=openai needs OPENAI_API_KEY or NEWSDESK_OPENAI_BASE_URL")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    client = openai.OpenAI(api_key=key, base_url=settings.openai_base_url, timeout=60.0, max_retries=2)
    return OpenAIEmbedder(client, settings.embedding_model)
