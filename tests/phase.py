"""`make test`'s phase timer: runs one phase's command and records its wall time; ``--report`` prints them all.

    python tests/phase.py FILE NAME -- COMMAND...   # run COMMAND, append "NAME<TAB>seconds<TAB>exit" to FILE
    python tests/phase.py FILE --report             # the table of phases so far

A failing phase is recorded too and its exit code passed on, after the table so far is printed, so a slow or
failed phase is seen either way. Standard library only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def report(path: Path) -> None:
    rows = [line.split("\t") for line in path.read_text().splitlines()] if path.is_file() else []
    total = sum(float(seconds) for _, seconds, _ in rows)
    print("\nphase times (wall clock):")
    for name, seconds, code in rows:
        mark = "" if code == "0" else f"  FAILED (exit {code})"
        print(f"  {name:<18} {float(seconds) / 60:6.1f} min{mark}")
    print(f"  {'total':<18} {total / 60:6.1f} min", flush=True)


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    if argv[1:] == ["--report"]:
        report(path)
        return 0
    name, separator, command = argv[1], argv[2], argv[3:]
    if separator != "--" or not command:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.monotonic()
    code = subprocess.call(command)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(f"{name}\t{time.monotonic() - started:.1f}\t{code}\n")
    if code != 0:
        report(path)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
