"""Before an award's year of maintenance ends (30 days, then 7 days before), the applicant
organisation's site contacts and the round's fund managers are told, through a real SMTP server,
by the worker; once of each kind, however often the daily round runs."""

from __future__ import annotations

import json
import time as clock
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_string
from email.policy import default as email_policy

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.cli import main
from sanctuary.fund.maintenance import send_notices_now
from sanctuary.fund.models import Award, MaintenanceNotice, Round
from sanctuary.registry.models import Organisation, OrganisationKind, Site
from tests.conftest import Cast, make_user
from tests.fund.awards_setup import PACKAGES, apply, make_round

SYSTEM = Actor.system("command line")


def _award(round_: Round, site: Site, applicant, ends_in: int | None) -> Award:
    application = apply(round_, site, applicant, packages={"standard": PACKAGES["standard"]})
    today = timezone.localdate()
    return Award.objects.create(
        application=application, package=application.packages.get(), amount=Decimal("14400"),
        accepted_at=timezone.now(),
        maintenance_until=None if ends_in is None else today + timedelta(days=ends_in),
    )


@pytest.fixture
def awards(cast: Cast) -> dict[str, Award]:
    """Tower Hamlets' round (the council's programme administrator) funds sites A and B;
    Hackney's (its own programme administrator) funds site C. Everyone has an address."""
    hackney_council = Organisation.objects.create(name="Hackney Council", kind=OrganisationKind.COUNCIL)
    hackney_council.areas.set([cast.area_2])
    people = {
        Role.SITE_CONTACT: "contact-a@mosque.example.org", "contact_b": "contact-b@church.example.org",
        "contact_c": "contact-c@dalston.example.org", Role.PROGRAMME_ADMIN: "fund@council.example.org",
        Role.NATIONAL_ADMIN: "national@scheme.example.org",
        Role.UMBRELLA_COORDINATOR: "coordinator@umbrella.example.org",
        Role.SECURITY_ADVISER: "adviser@council.example.org",
    }
    for key, address in people.items():
        person = cast.person(key)
        person.email = address
        person.save()
    hackney_admin = make_user("hackney-fund", hackney_council, Role.PROGRAMME_ADMIN)
    hackney_admin.email = "fund@hackney.example.org"
    hackney_admin.save()
    second_contact_a = make_user("contact-a2", cast.site_a.operator, Role.SITE_CONTACT)
    second_contact_a.email = "treasurer@mosque.example.org"
    second_contact_a.save()
    tower_hamlets = make_round(cast, name="Tower Hamlets fund 2025")
    hackney = make_round(cast, name="Hackney fund 2025")
    hackney.areas.set([cast.area_2])
    return {
        "a_in_30": _award(tower_hamlets, cast.site_a, cast.person(Role.SITE_CONTACT), 30),
        "b_in_7": _award(tower_hamlets, cast.site_b, cast.person("contact_b"), 7),
        "c_in_30": _award(hackney, cast.site_c, cast.person("contact_c"), 30),
    }


def _wait_for(mailbox: list, count: int) -> None:
    for _ in range(100):
        if len(mailbox) >= count:
            break
        clock.sleep(0.05)
    clock.sleep(0.2)  # and nothing more arrives


def _by_recipient(mailbox: list) -> dict[str, object]:
    found = {}
    for to, content in mailbox:
        assert len(to) == 1  # one message each: nobody sees another's address
        found[to[0]] = message_from_string(content, policy=email_policy)
    return found


def test_the_daily_round_tells_exactly_the_sites_contacts_and_the_rounds_managers_through_the_worker(
    transactional_db, cast: Cast, awards, mailbox, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    assert main(["fund", "daily"]) == 0
    call_command("db_worker", batch=True, interval=0.1, reload=False, startup_delay=False)
    _wait_for(mailbox, 8)
    received = sorted(to[0] for to, _ in mailbox)
    assert received == sorted([
        "contact-a@mosque.example.org", "treasurer@mosque.example.org", "fund@council.example.org",
        "contact-b@church.example.org", "fund@council.example.org",
        "contact-c@dalston.example.org", "fund@hackney.example.org",
    ])
    notices = {n.award_id: sorted(n.recipients) for n in MaintenanceNotice.objects.all()}
    assert notices == {
        awards["a_in_30"].pk: ["contact-a@mosque.example.org", "fund@council.example.org",
                               "treasurer@mosque.example.org"],
        awards["b_in_7"].pk: ["contact-b@church.example.org", "fund@council.example.org"],
        awards["c_in_30"].pk: ["contact-c@dalston.example.org", "fund@hackney.example.org"],
    }


def test_the_30_day_notice_says_which_site_which_measures_when_and_what_to_do_with_a_full_link(
    transactional_db, cast: Cast, awards, mailbox, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    send_notices_now(SYSTEM)
    _wait_for(mailbox, 7)
    message = _by_recipient(mailbox)["treasurer@mosque.example.org"]
    ends = timezone.localdate() + timedelta(days=30)
    assert message["Subject"] == f"Maintenance of the security measures at Alpha Mosque ends {ends:%d %b %Y}"
    text = message.get_content()
    assert f"ends on {ends:%d %b %Y}, in 30 days" in text
    assert "1 Test Street, London" in text
    assert "It covers: Door hardening, Fixed CCTV." in text
    assert "Renew the maintenance contract" in text
    assert "apply to the fund's next round" in text
    assert f"https://sanctuary.example.org/fund/awards/{awards['a_in_30'].pk}/" in text


def test_the_7_day_notice_follows_the_30_day_one_and_each_goes_once(
    transactional_db, cast: Cast, awards, mailbox
):
    award = awards["a_in_30"]
    today = timezone.localdate()
    first = send_notices_now(SYSTEM, today)
    assert {(n.award_id, n.kind) for n in first} >= {(award.pk, "30_days")}
    # twice a day, and every day until the week before: nothing more for this award
    assert send_notices_now(SYSTEM, today) == []
    for day in range(1, 23):
        assert all(n.award_id != award.pk for n in send_notices_now(SYSTEM, today + timedelta(days=day)))
    seven = send_notices_now(SYSTEM, today + timedelta(days=23))
    assert [n.kind for n in seven if n.award_id == award.pk] == ["7_days"]
    assert send_notices_now(SYSTEM, today + timedelta(days=23)) == []
    assert send_notices_now(SYSTEM, today + timedelta(days=30)) == []
    assert sorted(award.maintenance_notices.values_list("kind", flat=True)) == ["30_days", "7_days"]
    _wait_for(mailbox, 7 + 3 + 2)  # site C's award (also 30 days off) has its own
    subjects = [message_from_string(content, policy=email_policy)["Subject"]
                for to, content in mailbox if to == ["contact-a@mosque.example.org"]]
    assert len(subjects) == 2
    seven_text = [message_from_string(content, policy=email_policy).get_content()
                  for to, content in mailbox if to == ["contact-a@mosque.example.org"]][1]
    assert "in 7 days" in seven_text


def test_each_notice_is_in_the_audit_log_as_the_system(transactional_db, cast: Cast, awards, mailbox):
    sent = send_notices_now(Actor.system("worker"))
    events = AuditEvent.objects.filter(object_type="fund.maintenancenotice")
    assert sorted(int(e.object_id) for e in events) == sorted(n.pk for n in sent)
    assert {e.actor_name for e in events} == {"system: worker"}


def test_nothing_for_awards_without_a_maintenance_date_already_past_or_further_off(
    transactional_db, cast: Cast, awards, mailbox
):
    Award.objects.filter(pk=awards["a_in_30"].pk).update(maintenance_until=None)
    Award.objects.filter(pk=awards["b_in_7"].pk).update(
        maintenance_until=timezone.localdate() - timedelta(days=1)
    )
    Award.objects.filter(pk=awards["c_in_30"].pk).update(
        maintenance_until=timezone.localdate() + timedelta(days=31)
    )
    assert send_notices_now(SYSTEM) == []
    _wait_for(mailbox, 1)
    assert mailbox == []


def test_a_notice_missed_on_its_day_is_caught_up_and_a_late_award_gets_only_the_last(
    transactional_db, cast: Cast, awards, mailbox
):
    Award.objects.filter(pk=awards["a_in_30"].pk).update(
        maintenance_until=timezone.localdate() + timedelta(days=12)
    )
    Award.objects.filter(pk=awards["c_in_30"].pk).update(maintenance_until=timezone.localdate())
    kinds = {n.award_id: n.kind for n in send_notices_now(SYSTEM)}
    assert kinds == {awards["a_in_30"].pk: "30_days", awards["b_in_7"].pk: "7_days",
                     awards["c_in_30"].pk: "7_days"}


def test_a_contact_who_left_or_has_no_address_is_not_written_to(
    transactional_db, cast: Cast, awards, mailbox
):
    treasurer = cast.site_a.operator.memberships.get(user__username="contact-a2").user
    treasurer.is_active = False
    treasurer.save()
    contact = cast.person(Role.SITE_CONTACT)
    contact.email = ""
    contact.save()
    sent = {n.award_id: n.recipients for n in send_notices_now(SYSTEM)}
    assert sent[awards["a_in_30"].pk] == ["fund@council.example.org"]


def test_a_national_round_is_told_to_the_national_administrators(
    transactional_db, cast: Cast, mailbox
):
    national = cast.person(Role.NATIONAL_ADMIN)
    national.email = "national@scheme.example.org"
    national.save()
    contact = cast.person("contact_b")
    contact.email = "contact-b@church.example.org"
    contact.save()
    round_ = make_round(cast, name="National fund 2025", national=True)
    award = _award(round_, cast.site_b, contact, 30)
    sent = {n.award_id: sorted(n.recipients) for n in send_notices_now(SYSTEM)}
    assert sent == {award.pk: ["contact-b@church.example.org", "national@scheme.example.org"]}


def test_the_command_sends_todays_notices_now_and_says_to_whom(
    transactional_db, cast: Cast, awards, mailbox, capsys
):
    assert main(["fund", "maintenance-notices"]) == 0
    said = json.loads(capsys.readouterr().out)["notices"]
    assert {(n["award"], n["kind"]) for n in said} == {
        (awards["a_in_30"].pk, "30_days"), (awards["b_in_7"].pk, "7_days"),
        (awards["c_in_30"].pk, "30_days"),
    }
    assert all(date.fromisoformat(n["maintenance_until"]) >= timezone.localdate() for n in said)
    assert main(["fund", "maintenance-notices"]) == 0
    assert json.loads(capsys.readouterr().out) == {"notices": []}
