"""newsdesk's errors become friendly messages at the UI edge; anything unexpected is logged, never shown raw."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

from service.errors import LLMUnavailable, NewsdeskError, StoreUnavailable

log = logging.getLogger("newsdesk.ui")
F = TypeVar("F", bound=Callable[..., Any])
UNEXPECTED = "newsdesk hit an unexpected problem; nothing was changed. The details are in the server log."


def message(exc: BaseException) -> str:
    """One readable sentence for a user; tracebacks stay in the log."""
    if isinstance(exc, LLMUnavailable):
        return f"The language model is not answering: {exc}"
    if isinstance(exc, StoreUnavailable):
        return f"The article index is not available: {exc}"
    if isinstance(exc, NewsdeskError):
        return str(exc)
    log.error("unexpected error in a UI callback", exc_info=exc)
    return UNEXPECTED


def friendly(fn: F) -> F:
    """Wrap a callback (plain or generator) so every error reaches the user as a gr.Error with a clear message."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise gr.Error(message(exc), print_exception=False) from None

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise gr.Error(message(exc), print_exception=False) from None

    return plain  # type: ignore[return-value]
