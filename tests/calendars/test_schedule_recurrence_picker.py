"""Services are described with a picker, listed in words, and typed as rules only by choice.

Issue 9: volunteers had to type RFC 5545 rules, saw them raw (FREQ=WEEKLY;BYDAY=TU,WE,TH) and
got Python's error text. Done when a volunteer keeps a church's and a mosque's schedule
without knowing what RFC 5545 is.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctuary.access.models import Role
from sanctuary.calendars.engine.recurrence import parse
from sanctuary.calendars.forms import ServiceForm
from sanctuary.calendars.models import Schedule, Service
from sanctuary.registry.models import Site
from tests.conftest import Cast, log_in

TODAY = date.today()


@pytest.fixture
def church(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.people["contact_b"])


def post(client: Client, site, **fields: object):
    data = {"services-label": "Evening prayer", "services-kind": "service",
            "services-start_time": "19:00", "services-duration_minutes": "45",
            "services-expected_attendance": "30"}
    data.update({f"services-{name}": value for name, value in fields.items()})
    return client.post(f"/sites/{site.pk}/schedule/services/", data)


def test_a_weekly_service_picked_by_days_is_stored_as_a_rule_and_shown_in_words(
    cast: Cast, church: Client
):
    response = post(church, cast.site_b, repeats="weekly", every="1", weekdays=["1", "2", "3"])
    assert response.status_code == 302
    assert Service.objects.get().rule == "FREQ=WEEKLY;BYDAY=TU,WE,TH"
    page = church.get(f"/sites/{cast.site_b.pk}/schedule/").content.decode()
    assert "Evening prayer: every Tuesday, Wednesday and Thursday at 19:00" in page
    assert "FREQ=" not in page.split('id="services"')[1].split("<details")[0]  # not in the list


@pytest.mark.parametrize(
    ("fields", "rule", "words"),
    [
        ({"repeats": "monthly", "which": "1", "weekdays": ["5"]}, "FREQ=MONTHLY;BYDAY=1SA",
         "the first Saturday of every month at 19:00"),
        ({"repeats": "monthly", "which": "-1", "weekdays": ["4"]}, "FREQ=MONTHLY;BYDAY=-1FR",
         "the last Friday of every month at 19:00"),
        ({"repeats": "monthly", "which": "date", "month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15",
         "the 15th of every month at 19:00"),
        ({"repeats": "yearly", "which": "date", "month": "12", "month_day": "24"},
         "FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12", "the 24th of December at 19:00"),
        ({"repeats": "yearly", "which": "2", "weekdays": ["6"], "month": "11"},
         "FREQ=YEARLY;BYDAY=2SU;BYMONTH=11", "the second Sunday of November at 19:00"),
        ({"repeats": "daily", "weekdays": ["0"], "month_day": "3"}, "FREQ=DAILY",
         "every day at 19:00"),
        ({"repeats": "weekly", "every": "2", "weekdays": ["6"], "starts_on": "2026-01-04",
          "count": "10"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;COUNT=10",
         "every other week on Sunday at 19:00, 10 times, from 4 January 2026"),
        ({"repeats": "weekly", "weekdays": ["6"], "until": "2030-12-31"},
         "FREQ=WEEKLY;BYDAY=SU;UNTIL=20301231", "every Sunday at 19:00, until 31 December 2030"),
    ],
)
def test_what_places_of_worship_do_is_picked_without_typing_a_rule(
    cast: Cast, church: Client, fields, rule: str, words: str
):
    if "count" in fields:  # ten fortnights from a date that may have passed: keep it ahead
        fields["starts_on"] = (TODAY + timedelta(days=(6 - TODAY.weekday()) % 7)).isoformat()
        words = words.replace("4 January 2026", f"{date.fromisoformat(fields['starts_on']):%-d %B %Y}")
    response = post(church, cast.site_b, **fields)
    assert response.status_code == 302, response.context["forms"]["services"].errors
    service = Service.objects.get()
    assert service.rule == rule
    assert service.in_words() == words


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"repeats": "weekly"}, "weekdays", "Tick the days it is held on."),
        ({"repeats": "monthly", "which": "1"}, "weekdays", "Tick the weekday: the first Saturday, say."),
        ({"repeats": "monthly", "which": "date"}, "month_day", "Give the day of the month, 1 to 31."),
        ({"repeats": "yearly", "which": "date", "month_day": "30", "month": "2"}, "month_day",
         "February has 28 days in an ordinary year."),
        ({"repeats": "yearly", "which": "date", "month_day": "3"}, "month", "Choose the month."),
        ({"repeats": "weekly", "weekdays": ["6"], "every": "2"}, "starts_on",
         "Give the first date, to count every other one from."),
        ({"repeats": "weekly", "weekdays": ["6"], "every": "60", "starts_on": "2026-01-04"},
         "every", "At most every 52 weeks."),
        ({"repeats": "weekly", "weekdays": ["6"], "count": "3", "until": "2027-01-01",
          "starts_on": "2026-01-04"}, "count", "Give a last date or a number of times, not both."),
        ({"repeats": "weekly", "weekdays": ["6"], "until": "2020-01-01"}, "repeats",
         "This would not happen in the next two years: check its days and dates."),
        ({"repeats": "rule"}, "rule", "Type the rule, or choose how often it repeats instead."),
    ],
)
def test_a_picker_mistake_is_said_beside_its_field(cast, church, fields, field, message):
    response = post(church, cast.site_b, **fields)
    assert response.status_code == 200
    assert response.context["forms"]["services"].errors[field] == [message]
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ", "This rule cannot be used. FREQ has no value."),
        ("BYDAY=MO", "This rule cannot be used. Say how often: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."),
        ("FREQ=WEEKLY;BYDAY=MONDAY", "This rule cannot be used. BYDAY=MONDAY is not a weekday: "
         "use MO, TU, WE, TH, FR, SA or SU."),
        ("every tuesday", "This rule cannot be used. A rule is written like FREQ=WEEKLY;BYDAY=SU."),
        ("FREQ=WEEKLY;BYDAY=TU;=", "This rule cannot be used. '' is not a part of a rule Sanctuary knows."),
    ],
)
def test_a_typed_rule_is_refused_in_plain_english(cast, church, rule: str, message: str):
    response = post(church, cast.site_b, repeats="rule", rule=rule)
    assert response.context["forms"]["services"].errors["rule"] == [message]
    page = response.content.decode()
    assert "unpack" not in page and "Traceback" not in page


def test_a_typed_rule_is_the_advanced_way_and_is_still_listed_in_words(cast, church):
    response = post(church, cast.site_b, repeats="rule", rule="FREQ=MONTHLY;BYMONTHDAY=1,15")
    assert response.status_code == 302
    page = church.get(f"/sites/{cast.site_b.pk}/schedule/").content.decode()
    assert "Evening prayer: the 1st and the 15th of every month at 19:00" in page
    assert "Type a rule (advanced)" in page


def test_the_picker_previews_before_saving(cast: Cast, church: Client):
    data = {"part": "services", "services-label": "Choir practice", "services-kind": "service",
            "services-start_time": "19:30", "services-duration_minutes": "90",
            "services-repeats": "weekly", "services-weekdays": [str(d) for d in range(7)]}
    response = church.post(f"/sites/{cast.site_b.pk}/schedule/preview/", data)
    assert response.content.decode().count("Choir practice") == 14
    assert not Service.objects.exists()


def test_the_picker_fields_are_marked_for_the_script_and_the_script_is_a_static_file(
    cast: Cast, church: Client
):
    page = church.get(f"/sites/{cast.site_b.pk}/schedule/").content.decode()
    assert 'data-repeats="monthly yearly"' in page
    assert '<script src="/static/js/schedule-form.js" defer></script>' in page
    assert "<script>" not in page and " style=" not in page


def test_a_police_supervisor_sees_services_in_words_too(cast: Cast, client: Client):
    Service.objects.create(
        schedule=Schedule.objects.create(site=cast.site_b), label="Weekday Mass",
        rule="FREQ=WEEKLY;BYDAY=TU,WE,TH", start_time=time(9, 30), duration_minutes=35,
    )
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    page = client.get(f"/sites/{cast.site_b.pk}/schedule/").content.decode()
    assert "Weekday Mass: every Tuesday, Wednesday and Thursday at 09:30" in page
    assert "FREQ=WEEKLY" not in page


JUNK = st.sampled_from(["", "0", "1", "2", "-1", "5", "31", "99", "x", "date", "2026-01-04",
                        "2101-01-01", "1899-12-31", "FREQ=DAILY", "weekly", "rule", "é"])


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["weekly", "monthly", "yearly", "daily", "rule", "", "hourly"]),
    st.fixed_dictionaries({
        name: JUNK for name in ("every", "which", "month_day", "month", "starts_on", "until",
                                "count", "rule", "cancelled")
    }),
    st.lists(st.sampled_from(["0", "3", "6", "7", "x"]), max_size=3),
)
def test_whatever_is_posted_the_form_answers_in_words_never_a_python_error(repeats, fields, days):
    site = Site(name="s", faith="christianity", capacity=300, latitude=51.5, longitude=0)
    data = {"services-label": "x", "services-kind": "service", "services-start_time": "10:00",
            "services-duration_minutes": "30", "services-repeats": repeats,
            "services-weekdays": days, **{f"services-{k}": v for k, v in fields.items()}}
    form = ServiceForm(data, site=site)
    if form.is_valid():
        assert parse(form.cleaned_data["rule"], starts_on=form.cleaned_data["starts_on"])
    else:
        for messages in form.errors.values():
            for message in messages:
                assert "unpack" not in message and "object" not in message and "Error" not in message
