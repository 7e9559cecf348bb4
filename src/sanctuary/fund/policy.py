"""The fund's doors: who sees which rounds, applications and scores (docs/access.md, "Fund")."""

from __future__ import annotations
