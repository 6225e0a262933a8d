"""The one way newsdesk talks to a language model: an OpenAI-compatible chat endpoint.

``complete`` returns the whole answer, ``stream`` yields it piece by piece, ``langchain_model``
gives the same endpoint to LangChain chains. Connection errors, 429 and 5xx are retried a few
times with backoff before the first token; every failure becomes ``LLMUnavailable`` naming the
endpoint and the reason, never the API key.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from service.errors import LLMUnavailable
from service.llm.endpoint import Endpoint
from service.prompts import Message


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int | None  # None: the server does not report usage on streams (llama.cpp)
    completion_tokens: int | None
    seconds: float


_RETRYABLE = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
_BACKOFF_CAP_S = 8.0


@dataclass(frozen=True)
class Sampling:
    temperature: float
    seed: int


class LLM:
    def __init__(
        self,
        endpoint: Endpoint,
        timeout_s: float,
        max_retries: int = 2,
        max_tokens: int = 512,
        temperature: float = 0.0,
        http_client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._sleep = sleep
        self._http_client = http_client
        timeout = httpx2.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self._client = openai.OpenAI(
            api_key=endpoint.api_key.get_secret_value() if endpoint.api_key else "not-needed",
            base_url=endpoint.base_url,
            timeout=timeout,
            max_retries=0,  # retries are ours: bounded, and never after the first token
            http_client=http_client,
        )

    def complete(
        self, messages: Sequence[Message], max_tokens: int | None = None, json_mode: bool = False
    ) -> Completion:
        """The whole answer at once, with the token counts the server reports."""
        started = time.perf_counter()
        extra: dict[str, Any] = {"response_format": {"type": "json_object"}} if json_mode else {}
        response = self._create(messages, max_tokens, stream=False, **extra)
        try:
            text = response.choices[0].message.content or ""
            usage = response.usage
        except (AttributeError, IndexError, TypeError) as exc:
            raise self._unavailable(exc) from None
        return Completion(
            text,
            usage.prompt_tokens if usage else None,
            usage.completion_tokens if usage else None,
            time.perf_counter() - started,
        )

    def first_token_choices(self, messages: Sequence[Message], top: int = 10) -> tuple[str, dict[str, float]]:
        """The one-token answer and the probabilities of the likeliest first tokens (empty when the server
        does not report log-probabilities)."""
        response = self._create(messages, 1, stream=False, logprobs=True, top_logprobs=top)
        try:
            choice = response.choices[0]
            text = choice.message.content or ""
            content = (choice.logprobs.content if choice.logprobs else None) or []
            options = content[0].top_logprobs if content else []
            return text, {o.token: math.exp(o.logprob) for o in options}
        except (AttributeError, IndexError, TypeError) as exc:
            raise self._unavailable(exc) from None

    def stream(
        self, messages: Sequence[Message], max_tokens: int | None = None, sample: Sampling | None = None
    ) -> Iterator[str]:
        """The answer piece by piece (about one token each); ``sample`` draws it at a temperature instead of
        the configured one (a seed keeps the draw repeatable where the server honours it)."""
        extra: dict[str, Any] = {"temperature": sample.temperature, "seed": sample.seed} if sample else {}
        chunks = self._create(messages, max_tokens, stream=True, **extra)
        yielded = False
        finished = False
        try:
            for chunk in chunks:
                for choice in chunk.choices:
                    finished = finished or choice.finish_reason is not None
                    if choice.delta and choice.delta.content:
                        yielded = True
                        yield choice.delta.content
        except (openai.APIError, httpx2.HTTPError, ValueError) as exc:
            raise self._unavailable(exc, during_stream=True) from None
        finally:
            chunks.close()
        if not yielded and not finished:
            raise LLMUnavailable(f"{self.endpoint.describe()}: the answer stream ended empty (interrupted?)")

    def langchain_model(self, **overrides: Any) -> Any:
        """A LangChain ChatOpenAI bound to the same endpoint (for chains; LangChain stays in them)."""
        from langchain_openai import ChatOpenAI

        options: dict[str, Any] = {
            "model": self.endpoint.model,
            "base_url": self.endpoint.base_url,
            "api_key": self.endpoint.api_key.get_secret_value() if self.endpoint.api_key else "not-needed",
            "timeout": self._timeout_s,
            "max_retries": self._max_retries,
            "temperature": self._temperature,
            "max_tokens": self._max_tokens,
            "streaming": True,
        }
        if self._http_client is not None:  # the same transport (the response cache, when on) for both paths
            options["http_client"] = self._http_client
        return ChatOpenAI(**{**options, **overrides})

    def _create(self, messages: Sequence[Message], max_tokens: int | None, stream: bool, **extra: Any) -> Any:
        """One request, retried with backoff on connection errors, 429 and 5xx (never on time-outs)."""
        create: Any = self._client.chat.completions.create
        attempt = 0
        while True:
            try:
                return create(
                    model=self.endpoint.model,
                    messages=list(messages),
                    max_tokens=max_tokens or self._max_tokens,
                    stream=stream,
                    **{"temperature": self._temperature, **extra},
                )
            except openai.APITimeoutError as exc:
                raise self._unavailable(exc) from None
            except _RETRYABLE as exc:
                if attempt >= self._max_retries:
                    raise self._unavailable(exc) from None
                self._sleep(min(_BACKOFF_CAP_S, 0.5 * 2**attempt))
                attempt += 1
            except (openai.APIError, ValueError) as exc:
                raise self._unavailable(exc) from None

    def _unavailable(self, exc: Exception, during_stream: bool = False) -> LLMUnavailable:
        return unavailable(exc, self.endpoint, self._timeout_s, during_stream)


def unavailable(exc: Exception, endpoint: Endpoint, timeout_s: float, during_stream: bool = False) -> LLMUnavailable:
    """The domain error for any failure of the openai client (also raised through LangChain)."""
    return LLMUnavailable(f"{endpoint.describe()}: {_reason(exc, timeout_s, during_stream)}")


def _reason(exc: Exception, timeout_s: float, during_stream: bool) -> str:
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
        return f"no answer within {timeout_s:g} s (NEWSDESK_LLM_TIMEOUT_S)"
    if during_stream and isinstance(exc, openai.APIConnectionError | httpx2.HTTPError):
        return f"the connection broke while answering ({exc.__class__.__name__})"
    if isinstance(exc, openai.APIConnectionError):
        return "cannot connect (is the server running?)"
    if isinstance(exc, openai.AuthenticationError):
        return "the API key was refused (HTTP 401)"
    if isinstance(exc, openai.NotFoundError):
        return "not found (HTTP 404): check NEWSDESK_LLM_MODEL and NEWSDESK_LLM_BASE_URL"
    if isinstance(exc, openai.RateLimitError):
        return "rate limited (HTTP 429) after retries"
    if isinstance(exc, openai.APIStatusError):
        return f"the server answered HTTP {exc.status_code}"
    return f"malformed response ({exc.__class__.__name__})"
