"""Surveys for the demo borough, so that the risk pages, the register and the reports have
something real to show: a completed survey of most sites (some with an earlier one, so that the
register shows a change), a few in progress, a self-assessment awaiting review, Martyn's Law
records, and the national threat level's history.

Deterministic: answers come from a random generator seeded with the site's demo id, and dates
are counted back from `today`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from sanctuary.access.models import User
from sanctuary.registry.models import Site
from sanctuary.surveys.instrument import NOT_APPLICABLE, Instrument, Question, latest_instrument
from sanctuary.surveys.models import (
    Answer,
    DutyRecord,
    DutyStatus,
    NationalThreatLevel,
    Survey,
    SurveyKind,
    SurveyStatus,
    ThreatLevel,
)

LONDON = ZoneInfo("Europe/London")

# The UK national threat level's changes since 2020 (MI5's announcements).
THREAT_HISTORY = [
    (date(2019, 11, 4), ThreatLevel.SUBSTANTIAL, "Lowered from severe"),
    (date(2020, 11, 3), ThreatLevel.SEVERE, "Raised after attacks in France and Austria"),
    (date(2021, 2, 8), ThreatLevel.SUBSTANTIAL, "Lowered from severe"),
    (date(2021, 11, 15), ThreatLevel.SEVERE, "Raised after the Liverpool Women's Hospital attack"),
    (date(2022, 2, 9), ThreatLevel.SUBSTANTIAL, "Lowered from severe"),
]

# Which demo sites are in which state (by their place in the registry's demo, 1-based):
IN_PROGRESS = {5, 17, 29}  # an adviser's survey under way
NOT_SURVEYED = {11, 23}  # nothing yet
SURVEYED_TWICE = {1, 2, 3, 7, 13, 19}  # an earlier survey, less good


def _grade(question: Question, quality: float, rng: random.Random) -> int | str:
    if question.not_applicable is not None and rng.random() < 0.08:
        return NOT_APPLICABLE
    grades = [int(option.grade) for option in question.options]
    wanted = 1 + 4 * quality + rng.gauss(0, 0.9)
    return min(grades, key=lambda g: (abs(g - wanted), g))


def _answers(instrument: Instrument, quality: float, rng: random.Random, sections: int | None = None) -> dict[str, int | str]:
    chosen = instrument.sections if sections is None else instrument.sections[:sections]
    return {q.id: _grade(q, quality, rng) for s in chosen for q in s.questions}


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=LONDON)


def _survey(site: Site, adviser: User | None, answers: dict[str, int | str], *, status: str,
            kind: str = SurveyKind.ADVISER, on: date, summary: str = "") -> Survey:
    instrument = latest_instrument()
    done = status in {SurveyStatus.COMPLETED, SurveyStatus.REVIEWED}
    survey = Survey.objects.create(
        site=site,
        kind=kind,
        status=status,
        instrument_version=instrument.version,
        adviser=adviser,
        scheduled_for=on,
        started_at=_moment(on),
        completed_at=_moment(on) + timedelta(hours=2) if done else None,
        reviewed_at=_moment(on) + timedelta(days=3) if status == SurveyStatus.REVIEWED else None,
        reviewed_by=adviser if status == SurveyStatus.REVIEWED else None,
        summary=summary,
    )
    Answer.by_survey.bulk_create(
        Answer(
            survey=survey,
            question_id=qid,
            grade=None if value == NOT_APPLICABLE else int(value),
            not_applicable=value == NOT_APPLICABLE,
            answered_by=adviser,
        )
        for qid, value in answers.items()
    )
    return survey


@transaction.atomic
def load(today: date | None = None) -> None:
    """The demo's surveys, after the registry's demo has made its sites and people."""
    today = today or datetime.now(LONDON).date()
    for since, level, note in THREAT_HISTORY:
        NationalThreatLevel.objects.create(level=level, since=since, note=note)
    adviser = User.objects.filter(username="adviser").first()
    contact = User.objects.filter(username="contact-a").first()
    instrument = latest_instrument()
    sites = list(Site.objects.filter(external_id__startswith="demo-").order_by("external_id"))
    for number, site in enumerate(sites, start=1):
        if number in NOT_SURVEYED:
            continue
        rng = random.Random(f"survey {site.external_id}")
        quality = rng.uniform(0.25, 0.8)
        # Tower Hamlets' adviser surveys its sites; Hackney's are surveyed by its partners
        who = adviser if site.area.code == "E09000030" else None
        if number in IN_PROGRESS:
            _survey(site, who, _answers(instrument, quality, rng, sections=4),
                    status=SurveyStatus.IN_PROGRESS, on=today - timedelta(days=2 + number % 5))
            continue
        done_on = today - timedelta(days=40 + (number * 37) % 300)
        if number in SURVEYED_TWICE:
            _survey(site, who, _answers(instrument, max(0.05, quality - 0.3), rng),
                    status=SurveyStatus.COMPLETED, on=done_on - timedelta(days=730))
        _survey(
            site, who, _answers(instrument, quality, rng), status=SurveyStatus.COMPLETED,
            on=done_on,
            summary=(
                "The committee takes security seriously; the priorities are below, cheapest "
                "per point of risk first."
            ),
        )
    # A self-assessment by organisation A's contact, waiting for the adviser's review.
    first_of_a = Site.objects.filter(operator__memberships__user=contact).order_by("name").first()
    if first_of_a is not None and contact is not None:
        rng = random.Random("self-assessment")
        survey = _survey(first_of_a, None, _answers(instrument, 0.7, rng),
                         status=SurveyStatus.COMPLETED, kind=SurveyKind.SELF_ASSESSMENT,
                         on=today - timedelta(days=6))
        Answer.by_survey.of(survey).update(answered_by=contact)
        survey.created_by = contact
        survey.save(update_fields=["created_by"])
    # The responsible people of the largest sites have notified the regulator.
    for site in sorted(sites, key=lambda s: -(s.typical_peak_attendance or 0))[:5]:
        DutyRecord.objects.create(
            site=site, duty="notification", status=DutyStatus.MET,
            evidence=f"Notified the Security Industry Authority on {today - timedelta(days=90):%d %B %Y}",
        )
        DutyRecord.objects.create(
            site=site, duty="responsible_person", status=DutyStatus.MET,
            evidence=f"The trustees of {site.operator.name}; the chair acts for them",
        )
