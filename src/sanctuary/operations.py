"""Operator subcommands that need the database: demo, serve, migrate, createadmin, check, import/export."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Filled in by the foundation work."""
