"""The fund's pages (thin: actor, door, form, one service call)."""

from __future__ import annotations
