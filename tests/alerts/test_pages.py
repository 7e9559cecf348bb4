"""The alert pages: a sender drafts from a template, reviews and sends; a site contact finds it in
their inbox and acknowledges for their site; the sender sees who has not."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import services
from sanctuary.alerts.models import Alert, AlertSite, AlertStatus
from sanctuary.audit.models import AuditEvent
from tests.conftest import Cast, log_in


def _sent(cast: Cast, *sites) -> Alert:
    admin = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    return services.compose_and_send(
        admin, services.Content("Lockdown review", "Review your lockdown procedure.",
                                "We have reviewed our lockdown procedure.", "warning"),
        services.Audience(sites=list(sites)),
    )


def test_a_template_fills_the_new_alert(cast: Cast):
    page = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR)).get("/alerts/new/?template=after_disorder")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["title"] == "After local disorder: protect your site tonight"
    assert form.initial["urgency"] == "urgent"


def test_a_draft_waits_for_its_sender_and_reaches_nobody(cast: Cast):
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/alerts/new/", {
        "title": "Draft only", "urgency": "advice", "body": "b", "ask": "a", "sites": [cast.site_a.pk],
    })
    alert = Alert.objects.get(title="Draft only")
    assert response["Location"] == f"/alerts/{alert.pk}/"
    assert alert.status == AlertStatus.DRAFT
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    assert contact.get(f"/alerts/{alert.pk}/").status_code == 404
    assert "Draft only" not in contact.get("/alerts/").content.decode()


def test_a_sender_cannot_reach_a_site_of_another_area(cast: Cast):
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/alerts/new/", {
        "title": "Too far", "urgency": "advice", "body": "b", "ask": "a", "sites": [cast.site_c.pk],
    })
    assert response.status_code == 200
    assert "sites" in response.context["form"].errors
    assert not Alert.objects.filter(title="Too far").exists()


def test_an_empty_field_is_named(cast: Cast):
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/alerts/new/", {"title": "No ask", "urgency": "advice", "body": "b", "ask": ""})
    assert "ask" in response.context["form"].errors


def test_a_contact_acknowledges_from_the_inbox_and_the_sender_sees_who_has_not(cast: Cast):
    alert = _sent(cast, cast.site_a, cast.site_b)
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    inbox = contact.get("/alerts/").content.decode()
    assert "To acknowledge" in inbox and "Lockdown review" in inbox
    page = contact.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Alpha Mosque" in page and "Bravo Church" not in page  # only their own site
    assert "Deliveries" not in page
    contact.post(f"/alerts/{alert.pk}/acknowledge/", {"site": cast.site_a.pk, "note": "Done Friday"})
    row = AlertSite.objects.get(alert=alert, site=cast.site_a)
    assert row.acknowledged_by == cast.person(Role.SITE_CONTACT) and row.note == "Done Friday"
    assert "To acknowledge" not in contact.get("/alerts/").content.decode()
    assert AuditEvent.objects.filter(object_type="alerts.alert", detail__acknowledged=True).exists()
    sender = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR)).get(f"/alerts/{alert.pk}/")
    text = sender.content.decode()
    assert "1 of 2 sites acknowledged" in text
    assert "Not yet" in text and "Bravo Church" in text


def test_a_contact_cannot_acknowledge_for_another_organisation_s_site(cast: Cast):
    alert = _sent(cast, cast.site_a, cast.site_b)
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    contact.post(f"/alerts/{alert.pk}/acknowledge/", {"site": cast.site_b.pk})
    assert AlertSite.objects.get(alert=alert, site=cast.site_b).acknowledged_at is None


def test_a_sent_alert_cannot_be_revised_or_sent_again(cast: Cast):
    alert = _sent(cast, cast.site_a)
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    assert admin.get(f"/alerts/{alert.pk}/edit/").status_code == 404
    assert admin.post(f"/alerts/{alert.pk}/send/").status_code == 404


def test_a_contact_s_list_says_nothing_of_other_sites(cast: Cast):
    _sent(cast, cast.site_a, cast.site_b)
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    page = contact.get("/alerts/").content.decode()
    assert "Lockdown review" in page
    assert "Acknowledged</th>" not in page and "Bravo Church" not in page
    sender = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN)).get("/alerts/").content.decode()
    assert "Acknowledged</th>" in sender
