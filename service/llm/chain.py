"""Generation as a LangChain runnable (ChatOpenAI on newsdesk's endpoint), streamed; the Q&A
retrieval chain's generate step. Everything else calls ``LLM`` (client.py) directly.

LangChain stays here: tracing (LangSmith, via its standard environment variables) sees the chain
as it is. Failures of the endpoint become LLMUnavailable through the client's one error mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx2
import openai
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from service.llm.client import LLM, unavailable
from service.prompts import Message


def chat_chain(llm: LLM, run_name: str, **options: Any) -> Runnable[Any, Any]:
    return llm.langchain_model(**options).with_config(run_name=run_name)  # type: ignore[no-any-return]


def stream_text(chain: Runnable[Any, Any], messages: Sequence[Message], llm: LLM) -> Iterator[str]:
    lc_messages = [
        SystemMessage(m["content"]) if m["role"] == "system" else HumanMessage(m["content"]) for m in messages
    ]
    started = False
    try:
        for chunk in chain.stream(lc_messages):
            if isinstance(chunk, AIMessageChunk) and isinstance(chunk.content, str) and chunk.content:
                started = True
                yield chunk.content
    except (openai.APIError, httpx2.HTTPError, ValueError) as exc:
        raise unavailable(exc, llm.endpoint, llm.timeout_s, during_stream=started) from None
