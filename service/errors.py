"""The small set of errors newsdesk raises on purpose.

Each carries a message written for the person using newsdesk; the CLI and the web UI
show that message as one line and never a stack trace.
"""


class NewsdeskError(Exception):
    """Base of every error newsdesk raises deliberately."""


class ConfigError(NewsdeskError):
    """The settings are invalid or do not match the existing index."""


class IngestError(NewsdeskError):
    """An article could not be read, fetched or stored."""


class FetchError(IngestError):
    """A URL could not be fetched (refused, timed out, HTTP error, too large)."""


class NotFound(NewsdeskError):
    """No article has the given id."""


class StoreUnavailable(NewsdeskError):
    """The Chroma index cannot be reached or opened."""


class LLMUnavailable(NewsdeskError):
    """The language model endpoint is down, too slow or answered garbage."""


class InvalidInput(NewsdeskError):
    """A request is malformed (empty query, bad id, out-of-range number)."""
