"""The JSON form of one site's assessment, read and refused as `sanctuary risk assess` needs.

Input fields: docs/risk-model.md, section 10. Every refusal names the record and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sanctuary.solvers.validation import (
    InvalidInput,
    refuse_duplicates,
    require_field,
    require_id,
    require_list,
    require_mapping,
    require_number,
    require_time,
)
from sanctuary.surveys import martyns_law
from sanctuary.surveys.instrument import (
    InstrumentError,
    check_answers,
    latest_instrument,
    load_instrument,
)
from sanctuary.surveys.risk.consequence import PlannedGathering
from sanctuary.surveys.risk.parameters import ThreatLevel
from sanctuary.surveys.risk.recommendations import recommend
from sanctuary.surveys.risk.site import assess_site, gathering_risk, risk_with_measures
from sanctuary.surveys.risk.threat import Incident, SiteProfile


def _date(document: Mapping[str, Any], key: str, where: str) -> date:
    value = require_field(document, key, where)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{where}: field '{key}' is not a date (YYYY-MM-DD): {value!r}")


def _optional_text(document: Mapping[str, Any], key: str, where: str) -> str | None:
    if document.get(key) is None:
        return None
    return require_id(document, key, where)


def _whole(document: Mapping[str, Any], key: str, where: str) -> int:
    value = require_number(document, key, where)
    if value < 0 or value != int(value):
        raise InvalidInput(f"{where}: field '{key}' must be a whole number >= 0")
    return int(value)


def assess_document(document: Any) -> dict[str, Any]:
    """Read one site's inputs, assess it, and return the answer as a JSON-ready dict."""
    doc = require_mapping(document, "input")
    as_of = _date(doc, "as_of", "input")
    level_name = require_field(doc, "national_threat_level", "input")
    if level_name not in set(ThreatLevel):
        raise InvalidInput(
            f"input: field 'national_threat_level' must be one of "
            f"{', '.join(level.value for level in ThreatLevel)}, got {level_name!r}"
        )
    try:
        instrument = (
            load_instrument(require_id(doc, "instrument_version", "input"))
            if "instrument_version" in doc
            else latest_instrument()
        )
    except InstrumentError as error:
        raise InvalidInput(f"input: {error}") from None

    raw_site = require_mapping(require_field(doc, "site", "input"), "site")
    site_id = require_id(raw_site, "id", "site")
    where = f"site {site_id!r}"
    site = SiteProfile(
        id=site_id,
        faith=require_id(raw_site, "faith", where),
        lat=require_number(raw_site, "lat", where),
        lon=require_number(raw_site, "lon", where),
        capacity=_whole(raw_site, "capacity", where)
        if raw_site.get("capacity") is not None
        else None,
    )

    answers = check_answers(
        instrument, require_mapping(doc.get("answers", {}), "input, field 'answers'")
    )

    gatherings = []
    for index, raw in enumerate(
        require_list(doc, "gatherings", "input") if "gatherings" in doc else []
    ):
        gathering = require_mapping(raw, f"gathering {index}")
        where = f"gathering {index}"
        start, end = require_time(gathering, "start", where), require_time(gathering, "end", where)
        if end <= start:
            raise InvalidInput(f"{where}: it ends ({end.isoformat()}) before it starts")
        gatherings.append(
            PlannedGathering(
                start=start,
                end=end,
                expected_attendance=_whole(gathering, "expected_attendance", where),
                label=str(gathering.get("label") or ""),
            )
        )

    incidents = []
    for index, raw in enumerate(
        require_list(doc, "incidents", "input") if "incidents" in doc else []
    ):
        record = require_mapping(raw, f"incident {index}")
        identifier = str(record.get("id", index))
        where = f"incident {identifier!r}"
        incidents.append(
            Incident(
                occurred_on=_date(record, "date", where),
                category=require_id(record, "category", where),
                lat=require_number(record, "lat", where),
                lon=require_number(record, "lon", where),
                site_id=_optional_text(record, "site", where),
                faith=_optional_text(record, "faith", where),
                id=identifier,
            )
        )
    refuse_duplicates([incident.id for incident in incidents], "incidents")

    risk = assess_site(
        site, instrument, answers, ThreatLevel(level_name), incidents, gatherings, as_of
    )
    peak = max((g.expected_attendance for g in gatherings), default=None)
    duties = martyns_law.applicability(peak, site.capacity)
    answer: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "risk": risk.as_json(),
        "recommendations": recommend(risk, instrument, answers).as_json(),
        "gatherings": [
            {
                "label": g.label,
                "start": g.start.isoformat(),
                "end": g.end.isoformat(),
                "expected_attendance": g.expected_attendance,
                "attacker_value": stakes.attacker_value,
                "defender_loss": stakes.defender_loss,
                "payoffs": stakes.payoffs() if stakes.attacker_value > 0 else None,
            }
            for g in gatherings
            for stakes in [gathering_risk(risk, g.expected_attendance)]
        ],
        "martyns_law": {
            "applies": duties.applies,
            "tier": duties.tier.value if duties.tier else None,
            "expected_max": duties.expected_max,
            "basis": duties.basis.value,
            "reason": duties.reason,
            "checklist": [
                {
                    "duty": item.duty.id,
                    "title": item.duty.title,
                    "citation": item.duty.citation,
                    "condition": item.duty.condition,
                    "status": item.status.value,
                    "evidence": item.evidence,
                }
                for item in martyns_law.checklist(duties, answers)
            ],
        },
    }
    if "measures" in doc:
        measures = require_list(doc, "measures", "input")
        if not all(isinstance(m, str) for m in measures):
            raise InvalidInput("input: field 'measures' must be a list of measure ids")
        with_measures = risk_with_measures(risk, instrument, answers, measures)
        answer["with_measures"] = {
            "measures": measures,
            "score": with_measures.score,
            "level": with_measures.level.value,
            "reduction": risk.score - with_measures.score,
        }
    return answer
