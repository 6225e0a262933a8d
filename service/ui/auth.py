"""NEWSDESK_AUTH: one `user:password`, or the path of a file with one per line (blank lines and # comments skipped)."""

from __future__ import annotations

from pathlib import Path

from service.errors import ConfigError


def parse_auth(value: str) -> list[tuple[str, str]]:
    """The (user, password) pairs; a malformed entry is named by line number, never echoed (it holds a secret)."""
    path = Path(value).expanduser()
    if path.is_file():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"NEWSDESK_AUTH: cannot read the users file {path}: {type(exc).__name__}") from None
        where = f"the users file {path}"
    else:
        lines, where = [value], "NEWSDESK_AUTH"
    users: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"{where}, line {number}: expected user:password")
        users.append((user.strip(), password))
    if not users:
        raise ConfigError(f"{where}: no user:password entries")
    return users


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
