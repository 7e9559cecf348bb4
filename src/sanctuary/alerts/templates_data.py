"""The common alerts (data/templates.toml), read once: after an attack elsewhere, before a
festival or large gathering, after local disorder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "templates.toml"


@dataclass(frozen=True)
class AlertTemplate:
    key: str
    label: str
    urgency: str
    title: str
    body: str
    ask: str

    def filled(self, reason: str = "") -> dict[str, str]:
        return {
            "title": self.title,
            "body": self.body.replace("{reason}", reason.strip()).strip(),
            "ask": self.ask,
            "urgency": self.urgency,
            "template": self.key,
        }


@cache
def templates() -> dict[str, AlertTemplate]:
    with FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {key: AlertTemplate(key=key, **fields) for key, fields in data.items()}
