"""Every change to the fund: one transaction each, with its audit record."""

from __future__ import annotations
