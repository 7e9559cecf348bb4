"""Calendar subcommands: prayer-times, festivals, gatherings."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Added by the calendar work."""
