"""What every `sanctuary` subcommand shares: one way to fail with one clear line."""

from __future__ import annotations

import json
import sys
from typing import Any


class CommandFailed(Exception):
    """Raised by a subcommand for bad input; the CLI prints the message on one line and exits 2."""


def read_json(stream: Any = None, what: str = "standard input") -> Any:
    stream = stream if stream is not None else sys.stdin
    text = stream.read()
    if not text.strip():
        raise CommandFailed(f"{what} is empty: expected a JSON document")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandFailed(
            f"{what} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def write_json(document: Any, stream: Any = None) -> None:
    stream = stream if stream is not None else sys.stdout
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def setup_django() -> None:
    """For the commands that need the database: settings from the environment, then Django.

    Each command calls it itself (after any environment the command implies), so that the pure
    commands (prayer times, games, patrol plans) never pay for it."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
    import django

    django.setup()
