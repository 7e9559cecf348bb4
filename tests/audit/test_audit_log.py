"""Every change, login and sensitive view is recorded; nothing can change the record."""

from __future__ import annotations

import html
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AppendOnly, AuditEvent
from tests.conftest import Cast, api_client_for, log_in
from tests.matrix import site_form_data as _site_form_data


def test_an_edit_records_who_what_before_after_and_from_where(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    site = cast.site_a
    client.post(
        f"/sites/{site.pk}/edit/",
        _site_form_data(site, capacity=999),
        REMOTE_ADDR="203.0.113.7",
    )
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="registry.site")
    assert event.actor_name == "contact-a"
    assert event.object_id == str(site.pk)
    assert event.before["capacity"] == 300
    assert event.after["capacity"] == 999
    assert event.ip_address == "203.0.113.7"
    assert event.changed_fields() == [("capacity", 300, 999)]


def test_an_api_patch_is_recorded_like_a_page_edit(cast: Cast):
    api_client_for(cast.person(Role.SITE_CONTACT)).patch(
        f"/api/sites/{cast.site_a.pk}", json.dumps({"ward": "Bow West"}), "application/json"
    )
    event = AuditEvent.objects.get(action=Action.UPDATE)
    assert (event.before["ward"], event.after["ward"]) == ("Whitechapel", "Bow West")


def test_a_created_site_and_its_contacts_are_recorded(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    data = _site_form_data(cast.site_a, name="New Hall")
    data.update(
        {
            "contacts-TOTAL_FORMS": 1,
            "contacts-0-name": "Aisha Rahman",
            "contacts-0-role": "Secretary",
            "contacts-0-phone": "020 7946 0000",
        }
    )
    response = client.post("/sites/new/", data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="registry.site")
    assert event.after["name"] == "New Hall"
    assert event.after["contacts"][0]["name"] == "Aisha Rahman"


def test_logins_and_failed_logins_are_recorded(cast: Cast, client: Client, settings):
    settings.SANCTUARY_REQUIRE_2FA = False
    client.post("/accounts/login/", {"username": "contact-a", "password": "wrong"})
    client.post("/accounts/login/", {"username": "contact-a", "password": "a long test password"})
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.detail["username"] == "contact-a"
    assert failed.ip_address == "127.0.0.1"
    assert AuditEvent.objects.get(action=Action.LOGIN).actor_name == "contact-a"


def test_viewing_a_sensitive_site_is_recorded_and_an_ordinary_one_is_not(
    cast: Cast, client: Client
):
    cast.site_a.is_sensitive = True
    cast.site_a.save()
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    client.get(f"/sites/{cast.site_a.pk}/")
    client.get(f"/sites/{cast.site_b.pk}/")
    api_client_for(cast.person(Role.POLICE_SUPERVISOR)).get(f"/api/sites/{cast.site_a.pk}")
    views = AuditEvent.objects.filter(action=Action.VIEW)
    assert [v.object_id for v in views] == [str(cast.site_a.pk)] * 2
    assert {v.actor_name for v in views} == {"sergeant"}


def test_a_refused_edit_writes_nothing_and_records_nothing(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    client.post(f"/sites/{cast.site_b.pk}/edit/", _site_form_data(cast.site_b, name="Hijacked"))
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_the_model_refuses_to_change_or_delete_an_event(cast: Cast):
    event = AuditEvent.objects.create(action=Action.EXPORT, actor_name="x")
    event.actor_name = "y"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().update(actor_name="z")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_that_goes_around_the_model(cast: Cast):
    event = AuditEvent.objects.create(action=Action.EXPORT, actor_name="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_name = 'forged' WHERE id = %s", [event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).actor_name == "x"


def test_postgresql_also_refuses_a_delete_that_goes_around_the_model(cast: Cast, monkeypatch):
    """On SQLite too (migration 0003): the test suite lets its own flush through, not this."""
    import sanctuary.audit

    monkeypatch.setattr(sanctuary.audit, "ALLOW_DELETE_FOR_TEST_FLUSH", False)
    event = AuditEvent.objects.create(action=Action.EXPORT, actor_name="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_administrators_browse_the_log_with_filters(cast: Cast, admin_client: Client):
    AuditEvent.objects.create(action=Action.EXPORT, actor=cast.person(Role.PATROL_OFFICER),
                              actor_name="officer", object_repr="csv")
    AuditEvent.objects.create(action=Action.UPDATE, actor=cast.person(Role.SITE_CONTACT),
                              actor_name="contact-a", object_repr="Alpha")
    page = admin_client.get("/audit/", {"action": "export"}).content.decode()
    assert "officer" in page and "contact-a" not in page
    page = admin_client.get("/audit/", {"actor": "contact"}).content.decode()
    assert "Alpha" in page and "csv" not in page


def test_the_audit_page_offers_no_way_to_change_an_entry(cast: Cast, admin_client: Client):
    AuditEvent.objects.create(action=Action.EXPORT, actor_name="officer")
    assert admin_client.post("/audit/", {"action": "delete"}).status_code == 405
    assert admin_client.delete("/audit/").status_code == 405
    page = admin_client.get("/audit/").content.decode()
    assert 'method="post"' not in page.split('<main id="main"')[1]
    assert AuditEvent.objects.filter(actor_name="officer").count() == 1


def test_an_organisation_edit_records_its_umbrella_memberships(cast: Cast, admin_client: Client):
    response = admin_client.post(
        f"/organisations/{cast.org_b.pk}/edit/",
        {"name": "Parish of St Brigid", "kind": "faith", "umbrellas": [cast.umbrella.pk],
         "areas": [cast.area.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="registry.organisation")
    assert (event.before["umbrellas"], event.after["umbrellas"]) == ([], [cast.umbrella.pk])
    assert event.actor_name == "admin"


def test_the_log_reads_as_names_labels_and_local_times_with_the_raw_record_behind(
    cast: Cast, admin_client: Client
):
    client = log_in(Client(), cast.person(Role.SITE_CONTACT))
    site = cast.site_a
    data = _site_form_data(site, capacity=999)
    data["operator"] = cast.org_a.pk
    client.post(f"/sites/{site.pk}/edit/", data)
    admin_client.post(
        f"/organisations/{cast.org_b.pk}/edit/",
        {"name": "Parish of St Brigid", "kind": "faith", "umbrellas": [cast.umbrella.pk],
         "areas": [cast.area.pk]},
    )
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="registry.site")
    page = admin_client.get("/audit/").content.decode().split('<table class="audit">')[1]
    visible = page.split("<summary>Raw record</summary>")[0] + "".join(
        part.split("</details>", 1)[1] for part in page.split("<summary>Raw record</summary>")[1:]
    )
    # what a person reads: the kind and name of the record, field labels, old and new values
    assert f"Site: {site.name}" in visible
    assert '<span class="field-label">Capacity</span>: 300 → 999' in visible
    assert "Umbrella bodies" in visible or "Umbrellas" in visible
    assert cast.umbrella.name in visible
    local = timezone.localtime(event.at)
    assert f'{local:%H:%M}</time>' in visible and local.strftime("%Y") in visible
    # never the internals
    for internal in ("registry.site", "operator_id", "updated_at", "{'", "access.user"):
        assert internal not in visible, internal
    assert f"{event.at.microsecond:06d}" not in visible
    # the raw record is still there, behind its disclosure
    raw = html.unescape(page.split("<summary>Raw record</summary>")[-1])
    assert '"object_type": "registry.site"' in html.unescape(page)
    assert '"capacity": 999' in raw or '"capacity": 999' in html.unescape(page)


def test_the_kind_of_record_is_chosen_by_its_name(cast: Cast, admin_client: Client):
    officer = cast.person(Role.PATROL_OFFICER)
    AuditEvent.objects.create(action=Action.EXPORT, actor=officer, actor_name="officer",
                              object_type="registry.site", object_repr="Alpha")
    AuditEvent.objects.create(action=Action.EXPORT, actor=officer, actor_name="officer",
                              object_type="registry.organisation", object_repr="Beta")
    page = admin_client.get("/audit/").content.decode()
    assert '<option value="registry.site">Site</option>' in page
    page = admin_client.get("/audit/", {"object_type": "registry.site"}).content.decode()
    assert "Alpha" in page and "Beta" not in page


def test_the_sites_a_sensitive_view_saw_are_named_not_numbered(cast: Cast, admin_client: Client):
    AuditEvent.objects.create(
        action=Action.VIEW, actor=cast.person(Role.PATROL_OFFICER), actor_name="officer",
        object_type="registry.site", object_repr="2 sensitive sites in the map",
        detail={"sites": [cast.site_a.pk, cast.site_b.pk], "where": "the map"},
    )
    table = admin_client.get("/audit/").content.decode().split('<table class="audit">')[1]
    assert "<li>Sites: Alpha Mosque, Bravo Church</li>" in table
    assert "<li>Where: the map</li>" in table
