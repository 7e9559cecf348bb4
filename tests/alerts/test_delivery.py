"""Alerts reach exactly the contacts of the sites of their audience, by e-mail through a real SMTP
server and the worker, and nobody else: not a site of another faith, not a site of another
area, not staff."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import services
from sanctuary.alerts.models import Delivery, DeliveryStatus
from sanctuary.registry.models import Faith
from tests.conftest import Cast, log_in


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0.1, reload=False)


def test_an_alert_to_the_borough_s_mosques_reaches_their_contacts_and_no_one_else(
    transactional_db, mailed_cast: Cast, mailbox
):
    cast = mailed_cast
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/alerts/new/?template=after_attack", {
        "title": "Heightened vigilance", "urgency": "warning", "body": "Brief your stewards today.",
        "ask": "We have briefed our stewards.", "faith": Faith.ISLAM, "area": cast.area.pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    alert_url = response["Location"]
    assert admin.post(alert_url + "send/").status_code == 302
    _run_worker()
    mailbox.wait_for(2)
    # site A (Islam, Tower Hamlets): its organisation's contact and its listed secretary. Not
    # site B (Christianity), not site C (Islam, but Hackney), not the staff.
    assert mailbox.recipients() == ["contact-a@example.org", "secretary-a@example.org"]
    content = mailbox[0][1]
    assert "Heightened vigilance" in content and "Brief your stewards today." in content
    assert "We have briefed our stewards." in content
    assert alert_url in content  # the link to acknowledge
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_an_alert_to_an_area_reaches_every_faith_there_and_not_the_next_area(
    transactional_db, mailed_cast: Cast, mailbox
):
    cast = mailed_cast
    sergeant = Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE)
    services.compose_and_send(
        sergeant, services.Content("Disorder tonight", "Lock up.", "We have locked up.", "urgent"),
        services.Audience(area=cast.area),
    )
    _run_worker()
    mailbox.wait_for(4)
    assert mailbox.recipients() == [
        "contact-a@example.org", "contact-b@example.org",
        "secretary-a@example.org", "secretary-b@example.org",
    ]


def test_the_national_administrator_reaches_a_chosen_site_of_another_area_alone(
    transactional_db, mailed_cast: Cast, mailbox
):
    cast = mailed_cast
    national = Actor.person(cast.person(Role.NATIONAL_ADMIN), Channel.API)
    services.compose_and_send(
        national, services.Content("For Dalston", "Check the gates.", "Checked."),
        services.Audience(sites=[cast.site_c]),
    )
    _run_worker()
    mailbox.wait_for(2)
    assert mailbox.recipients() == ["contact-c@example.org", "secretary-c@example.org"]


def test_one_address_gets_one_message_for_several_sites(transactional_db, mailed_cast: Cast, mailbox):
    cast = mailed_cast
    second = cast.site_a.__class__.objects.create(
        name="Alpha Annexe", operator=cast.org_a, area=cast.area, faith=Faith.ISLAM, address="2 Test St",
        latitude=51.518, longitude=-0.064,
    )
    admin = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    services.compose_and_send(
        admin, services.Content("Both halls", "Lock both.", "Locked."),
        services.Audience(sites=[cast.site_a, second]),
    )
    _run_worker()
    mailbox.wait_for(2)
    assert mailbox.recipients() == ["contact-a@example.org", "secretary-a@example.org"]
    delivery = Delivery.objects.get(address="contact-a@example.org")
    assert delivery.site_names == ["Alpha Annexe", "Alpha Mosque"]


def test_a_failed_delivery_is_recorded_and_the_others_still_go(transactional_db, mailed_cast: Cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    cast = mailed_cast
    admin = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    alert = services.compose_and_send(
        admin, services.Content("Nobody home", "x", "y"), services.Audience(sites=[cast.site_a]),
    )
    _run_worker()
    rows = Delivery.objects.filter(alert=alert)
    assert rows.count() == 2
    assert all(row.status == DeliveryStatus.FAILED and row.error for row in rows)
    page = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN)).get(f"/alerts/{alert.pk}/").content.decode()
    assert "0 of 2 messages delivered, 2 failed" in page


def test_a_second_provider_gets_its_own_deliveries_through_the_seam(
    transactional_db, mailed_cast: Cast, mailbox, monkeypatch
):
    """The SMS seam (docs/alerts.md): a provider outside the machine, stood in for at the one
    seam, receives the deliveries of its channel while e-mail goes on as before."""
    from sanctuary.alerts import providers
    from sanctuary.alerts.providers import Recipient

    texts: list[tuple[str, str]] = []

    class TextMessages:
        channel = "sms"

        def addresses(self, sites):
            return {site.pk: [Recipient(f"+44 20 7946 0{site.pk:03d}", site.name)] for site in sites}

        def send(self, address, message):
            texts.append((address, message.subject))

    monkeypatch.setitem(providers.PROVIDERS, "sms", TextMessages())
    cast = mailed_cast
    admin = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    alert = services.compose_and_send(
        admin, services.Content("Both ways", "Lock up.", "Locked."), services.Audience(sites=[cast.site_a]),
    )
    _run_worker()
    mailbox.wait_for(2)
    assert texts == [(f"+44 20 7946 0{cast.site_a.pk:03d}", "[Advice] Both ways")]
    assert mailbox.recipients() == ["contact-a@example.org", "secretary-a@example.org"]
    assert sorted(Delivery.objects.filter(alert=alert).values_list("channel", "status")) == [
        ("email", "sent"), ("email", "sent"), ("sms", "sent"),
    ]


def test_an_alert_sent_from_a_page_links_to_the_public_address_when_there_is_one(
    transactional_db, mailed_cast: Cast, mailbox, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    cast = mailed_cast
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/alerts/new/?template=after_attack", {
        "title": "Heightened vigilance", "urgency": "warning", "body": "Brief your stewards today.",
        "ask": "We have briefed our stewards.", "faith": Faith.ISLAM, "area": cast.area.pk,
    })
    alert_url = response["Location"]
    assert admin.post(alert_url + "send/").status_code == 302
    _run_worker()
    mailbox.wait_for(2)
    content = mailbox[0][1]
    assert "https://sanctuary.example.org" + alert_url in content
    assert "http://testserver" not in content  # not the address the request happened to use
