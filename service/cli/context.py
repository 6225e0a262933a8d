"""What every command needs from the CLI's root: the Newsdesk built at start-up, and JSON printing. Commands
import this module, never cli/app.py, so the CLI has no import cycle."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from service.app import Newsdesk


def desk(ctx: typer.Context) -> Newsdesk:
    obj: Any = ctx.obj
    assert isinstance(obj, Newsdesk)
    return obj


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
