"""Background work of the incidents app, run by `sanctuary worker` (django-tasks, database
backend): e-mail to reporters, reminders to handlers, and the nightly surge check."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Membership, Role
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.incidents import surge
from sanctuary.incidents.models import Incident, Message, SurgeAlertRecord, SurgeScope
from sanctuary.incidents.policy import overdue
from sanctuary.links import absolute_url

WORKER = Actor.system("worker", Channel.JOB)


@task()
def email_reporter(message_id: int) -> bool:
    """Send one message to its reporter by e-mail, once. The e-mail carries the message and the
    case's reference, never the tracking link's key (only its hash is kept)."""
    message = Message.objects.select_related("report", "incident").filter(pk=message_id).first()
    if message is None or message.report is None or message.emailed_at is not None:
        return False
    report = message.report
    if not (report.email and report.consent_contact):
        return False
    reference = message.incident.merged_into.reference if message.incident.merged_into else message.incident.reference
    subject = _("About your report %(reference)s") % {"reference": message.incident.reference}
    body = _(
        "Hello,\n\nThere is news about your report %(reference)s:\n\n%(body)s\n\n"
        "To answer or add information, open the private tracking link you were given when you "
        "reported. Do not reply to this e-mail.\n"
    ) % {"reference": reference, "body": message.body}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [report.email])
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
        record(Action.UPDATE, actor=WORKER, obj=message, detail={"emailed": True})
    return True


@task()
def remind_handlers() -> int:
    """E-mail each case handler the overdue cases of their organisation (one e-mail each)."""
    late = overdue(Incident.objects.filter(handling_organisation__isnull=False)).select_related("handling_organisation")
    by_organisation: dict[int, list[Incident]] = defaultdict(list)
    for incident in late:
        by_organisation[incident.handling_organisation_id].append(incident)
    sent = 0
    for organisation_id, incidents in by_organisation.items():
        handlers = Membership.objects.filter(
            organisation_id=organisation_id, role=Role.CASE_HANDLER, user__is_active=True
        ).exclude(user__email="").select_related("user")
        lines = "\n".join(
            f"- {i.reference}: {i.get_category_display()}, {i.get_status_display()}\n  "
            + absolute_url(reverse("incident_detail", kwargs={"incident_id": i.pk}))
            for i in incidents
        )
        for membership in handlers:
            send_mail(
                _("%(count)s overdue incident cases") % {"count": len(incidents)},
                _("These cases are past their due time:\n\n%(lines)s\n") % {"lines": lines},
                settings.DEFAULT_FROM_EMAIL,
                [membership.user.email],
            )
            sent += 1
    return sent


# --- surges ------------------------------------------------------------------------------------

HISTORY_DAYS = 400


def daily_counts(since: date, until: date) -> dict[tuple[str, str, int | None], dict[date, int]]:
    """Counts per day, per (scope, key, area): overall, per faith, per area, per ward; each
    event once (merged duplicates are not counted)."""
    rows = (
        Incident.objects.filter(occurred_on__gte=since, occurred_on__lte=until, merged_into__isnull=True)
        .values("occurred_on", "faith_targeted", "area_id", "area__code", "ward")
        .annotate(n=Count("pk"))
    )
    series: dict[tuple[str, str, int | None], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        day, n = row["occurred_on"], row["n"]
        series[(SurgeScope.OVERALL, "", None)][day] += n
        if row["faith_targeted"]:
            series[(SurgeScope.FAITH, row["faith_targeted"], None)][day] += n
        series[(SurgeScope.AREA, row["area__code"], row["area_id"])][day] += n
        if row["ward"]:
            series[(SurgeScope.WARD, f"{row['area__code']}/{row['ward']}", row["area_id"])][day] += n
    return series


def check_surges_now(today: date | None = None) -> list[SurgeAlertRecord]:
    """Run the detector (incidents/surge.py) over the last 400 days of every series and record
    the alerts not yet recorded; an alert's episode is updated as it goes on."""
    today = today or timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS)
    counts = daily_counts(start, today)
    names = {f"{scope}|{key}|{area or ''}": (scope, key, area) for scope, key, area in counts}
    results = surge.detect_many(
        {name: surge.DailySeries.from_sparse(counts[names[name]], start, today) for name in names}
    )
    made = []
    with transaction.atomic():
        for name, result in results.items():
            scope, key, area = names[name]
            for alert in result.alerts:
                row, created = SurgeAlertRecord.objects.update_or_create(
                    scope=scope,
                    key=key,
                    day=alert.day,
                    defaults={
                        "area_id": area,
                        "since": alert.since,
                        "last_alarm": alert.last_alarm,
                        "expected": float(alert.expected),
                        "observed": int(alert.observed),
                        "statistic": float(alert.statistic),
                        "threshold": float(alert.threshold),
                    },
                )
                if created:
                    record(Action.CREATE, actor=WORKER, obj=row)
                    made.append(row)
    return made


@task()
def check_surges() -> int:
    return len(check_surges_now())


def enqueue_daily(**_: Any) -> None:
    """What the worker's daily round queues (the demo and operators call this once a day)."""
    check_surges.enqueue()
    remind_handlers.enqueue()
