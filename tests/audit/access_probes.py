"""The audit log's row of the need-to-know matrix (docs/access.md)."""

from __future__ import annotations

from tests.matrix import Probe, function_page

PROBES: dict[str, Probe] = {
    "GET /audit/": function_page("/audit/"),
}
