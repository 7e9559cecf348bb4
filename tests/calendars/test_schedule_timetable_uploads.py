"""Published timetables: read in the spellings real timetables use, checked before saving, and
merged by date (issue 9: the East London Mosque's London Unified timetable was refused whole for
spelling Maghrib `magrib`; December's upload wiped November's)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import services
from sanctuary.calendars.models import Schedule
from tests.calendars.test_congregation import LONDON_UNIFIED
from tests.conftest import Cast, log_in


@pytest.fixture
def contact(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.SITE_CONTACT))


def timetable_url(site, step: str = "") -> str:
    return f"/sites/{site.pk}/schedule/timetable/" + (f"{step}/" if step else "")


def days(first: date, count: int, isha: str = "19:30") -> str:
    lines = ["Date,Fajr,Sunrise,Zuhr,Asr,Magrib,Esha,Esha Jamaat"]
    for k in range(count):
        lines.append(f"{first + timedelta(days=k)},06:10,07:40,11:55,13:35,15:57,17:40,{isha}")
    return "\n".join(lines) + "\n"


def check(client: Client, site, text: str):
    response = client.post(timetable_url(site), {"timetable-text": text})
    assert response.status_code == 200
    return response


def apply(client: Client, site, checked):
    carried = {f"apply-{k}": v for k, v in checked.context["apply_form"].initial.items()}
    return client.post(timetable_url(site, "apply"), carried)


def test_the_london_unified_timetable_is_accepted_and_the_page_says_how_it_was_read(
    cast: Cast, contact: Client
):
    checked = check(contact, cast.site_a, LONDON_UNIFIED)
    page = checked.content.decode()
    assert "column &#x27;magrib&#x27; read as Maghrib" in page
    assert "column &#x27;magrib_jamat&#x27; read as Maghrib jama&#x27;ah" in page
    assert "column &#x27;asr_2&#x27; not read" in page
    assert "Days added: 29 Nov 2026 to 1 Dec 2026 (3)" in page
    assert not Schedule.objects.filter(timetable_csv__gt="").exists()  # a check saves nothing
    assert apply(contact, cast.site_a, checked).status_code == 302
    stored = services.stored_timetable(Schedule.objects.get(site=cast.site_a))
    assert stored is not None and stored.day(date(2026, 11, 29)).jamaah[3] == time(16, 4)


def test_december_merges_into_november_and_the_check_says_what_changes_first(
    cast: Cast, contact: Client
):
    november = date(2026, 11, 1)
    assert apply(contact, cast.site_a, check(contact, cast.site_a, days(november, 30))).status_code == 302
    checked = check(contact, cast.site_a, days(date(2026, 11, 29), 33, isha="19:45"))
    page = checked.content.decode()
    assert "Days added: 1 Dec 2026 to 31 Dec 2026 (31)" in page
    assert "Days replaced: 29 Nov 2026 to 30 Nov 2026 (2)" in page
    assert "Other days already saved are kept." in page
    response = apply(contact, cast.site_a, checked)
    assert response.status_code == 302
    schedule = Schedule.objects.get(site=cast.site_a)
    stored = services.stored_timetable(schedule)
    assert stored is not None
    assert (stored.first_day, stored.last_day, len(stored.days)) == (november, date(2026, 12, 31), 61)
    assert stored.day(date(2026, 11, 28)).jamaah[4] == time(19, 30)  # November kept
    assert stored.day(date(2026, 11, 30)).jamaah[4] == time(19, 45)  # the repeated days replaced
    assert (schedule.timetable_first_day, schedule.timetable_last_day) == (november, date(2026, 12, 31))
    audit = AuditEvent.objects.filter(action="import").order_by("id").last()
    assert (audit.detail["added"], audit.detail["replaced"]) == (31, 2)
    assert audit.detail["columns"]["Magrib"] == "maghrib"


def test_a_gap_between_uploads_is_kept_and_said(cast: Cast, contact: Client):
    apply(contact, cast.site_a, check(contact, cast.site_a, days(date(2026, 11, 1), 3)))
    apply(contact, cast.site_a, check(contact, cast.site_a, days(date(2027, 1, 1), 3)))
    page = contact.get(f"/sites/{cast.site_a.pk}/schedule/").content.decode()
    assert "1 Nov 2026 to 3 Nov 2026 and 1 Jan 2027 to 3 Jan 2027" in page


def test_a_check_made_stale_by_another_upload_is_checked_again_not_applied(
    cast: Cast, contact: Client
):
    stale = check(contact, cast.site_a, days(date(2026, 11, 1), 5, isha="20:00"))
    apply(contact, cast.site_a, check(contact, cast.site_a, days(date(2026, 11, 3), 5)))
    response = apply(contact, cast.site_a, stale)
    assert response.status_code == 200
    assert "The timetable changed since you checked this file" in response.content.decode()
    assert "Days replaced: 3 Nov 2026 to 5 Nov 2026 (3)" in response.content.decode()
    stored = services.stored_timetable(Schedule.objects.get(site=cast.site_a))
    assert stored is not None and stored.day(date(2026, 11, 3)).jamaah[4] == time(19, 30)


def test_a_missing_column_is_still_refused_whole(cast: Cast, contact: Client):
    response = check(contact, cast.site_a, LONDON_UNIFIED.replace("magrib,magrib_jamat", "sunset,x"))
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "<td>1</td><td>maghrib</td><td>column is missing (spelt as maghrib, magrib" in page
    assert "apply_form" not in response.context


def test_the_upload_form_lists_the_spellings_it_reads(cast: Cast, contact: Client):
    page = contact.get(f"/sites/{cast.site_a.pk}/schedule/").content.decode()
    assert "Maghrib: maghrib, magrib, maghreb" in page
    assert "Dhuhr: dhuhr, dhuhur, dhur, duhr" in page
    assert "iqamah" in page


def test_a_tampered_apply_is_refused_without_saving(cast: Cast, contact: Client):
    response = contact.post(timetable_url(cast.site_a, "apply"), {"apply-csv": "", "apply-name": ""})
    assert response.status_code == 200
    assert "upload it again" in response.content.decode()
    assert not Schedule.objects.filter(timetable_csv__gt="").exists()
