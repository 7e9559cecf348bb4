"""The end of an award's year of maintenance, told before it comes: 30 days and 7 days before
`Award.maintenance_until`, an e-mail to the applicant organisation's site contacts (they renew
the contract) and to the round's fund managers (docs/fund-decisions.md, 4).

Queued each day by `sanctuary fund daily`, sent by `sanctuary worker` (fund/tasks.py). A notice
is written down (MaintenanceNotice, audited) before it is sent, one of each kind per award, so
running the round twice a day sends nothing twice. A day missed is caught up: the 30-day notice
goes any day from 30 to 8 days before, the 7-day one from 7 days before to the last day; an
award whose maintenance has ended gets nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Membership, Role
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.fund.awards_policy import visible_awards
from sanctuary.fund.benefit import measure_names
from sanctuary.fund.models import Award, MaintenanceNotice, MaintenanceNoticeKind
from sanctuary.fund.policy import applying_organisations, round_managers
from sanctuary.links import absolute_url

FIRST_NOTICE_DAYS = 30
LAST_NOTICE_DAYS = 7


def notice_due(award: Award, today: date) -> MaintenanceNoticeKind | None:
    """Which notice an award's maintenance calls for today, if any."""
    if award.maintenance_until is None:
        return None
    days = (award.maintenance_until - today).days
    if days < 0 or days > FIRST_NOTICE_DAYS:
        return None
    return MaintenanceNoticeKind.SEVEN_DAYS if days <= LAST_NOTICE_DAYS else MaintenanceNoticeKind.THIRTY_DAYS


def site_contacts(award: Award) -> list[str]:
    """The e-mail addresses of the people who would renew the contract: the applicant
    organisation's active site contacts, and the applicant if they still apply for it (an
    umbrella body's coordinator)."""
    organisation = award.application.organisation
    found = list(
        Membership.objects.filter(
            organisation=organisation, role=Role.SITE_CONTACT, user__is_active=True
        ).exclude(user__email="").order_by("user__email").values_list("user__email", flat=True)
    )
    applicant = award.application.applicant
    if (
        applicant.is_active
        and applicant.email
        and applying_organisations(Actor.person(applicant, Channel.JOB))
        .filter(pk=organisation.pk)
        .exists()
    ):
        found.append(applicant.email)
    return _unique(found)


def _unique(addresses: list[str]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        if address.lower() not in seen:
            seen.append(address.lower())
    return seen


def message(award: Award, today: date) -> tuple[str, str]:
    application = award.application
    site = application.site
    until = award.maintenance_until
    assert until is not None
    days = (until - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    subject = f"Maintenance of the security measures at {site.name} ends {until:%d %b %Y}"
    measures = ", ".join(measure_names(award.package)) or "the funded package"
    body = (
        f"Hello,\n\n"
        f"The year of maintenance that {application.round.name} paid for at {site.name} "
        f"({site.address}) ends on {until:%d %b %Y}, {when}.\n\n"
        f"It covers: {measures}.\n\n"
        f"What to do now:\n"
        f"- Renew the maintenance contract (with the installer or another contractor) before "
        f"{until:%d %b %Y}, so that the measures keep working: the fund paid for the first year "
        f"only.\n"
        f"- If {site.name} is still eligible, apply to the fund's next round for what remains "
        f"to be done.\n\n"
        f"The award in Sanctuary: {absolute_url(reverse('fund_award', args=[award.pk]))}\n"
    )
    return subject, body


def send_notices_now(actor: Actor, today: date | None = None) -> list[MaintenanceNotice]:
    """Write down and send today's notices; return those sent."""
    today = today or timezone.localdate()
    awards = list(
        visible_awards(actor)
        .filter(maintenance_until__gte=today,
                maintenance_until__lte=today + timedelta(days=FIRST_NOTICE_DAYS))
        .select_related("application__applicant")
        .order_by("maintenance_until", "pk")
    )
    managers = round_managers([award.application.round for award in awards])
    sent: list[MaintenanceNotice] = []
    for award in awards:
        kind, until = notice_due(award, today), award.maintenance_until
        if kind is None or until is None or award.maintenance_notices.filter(kind=kind).exists():
            continue
        to = _unique(
            site_contacts(award)
            + [person.email for person in managers[award.application.round_id] if person.email]
        )
        if not to:
            continue
        try:
            with transaction.atomic():
                notice = MaintenanceNotice.objects.create(
                    award=award, kind=kind, maintenance_until=until, recipients=to
                )
                record(Action.CREATE, actor=actor, obj=notice,
                       object_repr=f"{notice.get_kind_display()} the end of maintenance: "
                       f"{award.application.site.name}",
                       detail={"award": award.pk, "kind": kind, "to": to})
        except IntegrityError:
            continue  # another run sent it a moment ago
        subject, body = message(award, today)
        # one message each: a site contact's address is not shown to the council, nor another's
        with get_connection() as connection:
            connection.send_messages(
                [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
            )
        sent.append(notice)
    return sent
