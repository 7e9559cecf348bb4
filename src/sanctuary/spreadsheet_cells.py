"""Cells a spreadsheet will not run as formulas, for every CSV export (sites, incidents, the risk
register, patrol plans) and the site import that reads our own exports back.

Spreadsheets run a cell that starts with one of FORMULA_STARTS (CSV injection, OWASP); an export
puts an apostrophe in front, as spreadsheets themselves do, and the import takes it off again.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The value as a cell's text; one that starts like a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """A cell as `safe_cell` wrote it: the apostrophe in front of a formula-like text taken off."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
