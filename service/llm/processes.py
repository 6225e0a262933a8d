"""Whether a process is alive, for the files that record one (the embedded server's, a native build's)."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
