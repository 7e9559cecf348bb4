"""Administrators manage people and their roles; roles must fit their organisation."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import Membership, Role, User
from sanctuary.audit.models import Action, AuditEvent
from tests.conftest import Cast


def test_an_administrator_adds_a_person_and_gives_them_a_role(cast: Cast, admin_client: Client):
    response = admin_client.post(
        "/people/new/",
        {
            "username": "newcontact",
            "is_active": "on",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
            "organisation": cast.org_a.pk,
            "role": Role.SITE_CONTACT,
        },
    )
    person = User.objects.get(username="newcontact")
    assert response["Location"] == f"/people/{person.pk}/"
    admin_client.post(
        f"/people/{person.pk}/roles/",
        {"role-organisation": cast.org_b.pk, "role-role": Role.SITE_CONTACT},
    )
    assert Membership.objects.filter(user=person, organisation=cast.org_b).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="access.membership").exists()


def test_a_role_in_the_wrong_kind_of_organisation_is_refused_with_a_reason(
    cast: Cast, admin_client: Client
):
    person = cast.people["contact_b"]
    response = admin_client.post(
        f"/people/{person.pk}/roles/",
        {"role-organisation": cast.org_b.pk, "role-role": Role.PATROL_OFFICER},
    )
    assert "A patrol officer belongs to a police unit." in response.content.decode()
    assert not Membership.objects.filter(user=person, role=Role.PATROL_OFFICER).exists()


def test_a_refused_role_leaves_the_person_form_above_it_as_saved(cast: Cast, admin_client: Client):
    person = cast.people["contact_b"]
    person.first_name, person.email = "Bridget", "bridget@example.org"
    person.save()
    response = admin_client.post(
        f"/people/{person.pk}/roles/",
        {"role-organisation": cast.org_b.pk, "role-role": Role.PATROL_OFFICER},
    )
    html = response.content.decode()
    assert 'value="Bridget"' in html and 'value="bridget@example.org"' in html
    assert "This field is required" not in html
    assert 'name="person-is_active"' in html and "checked" in html.split('name="person-is_active"')[1].split(">")[0]
    person.refresh_from_db()
    assert (person.first_name, person.email, person.is_active) == ("Bridget", "bridget@example.org", True)


def test_removing_a_role_takes_its_access_away(cast: Cast, admin_client: Client):
    contact = cast.person(Role.SITE_CONTACT)
    membership = contact.memberships.get()
    admin_client.post(f"/roles/{membership.pk}/remove/")
    assert not contact.memberships.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE).exists()


def test_a_weak_password_is_refused_beside_the_field(cast: Cast, admin_client: Client):
    response = admin_client.post(
        "/people/new/",
        {"username": "weak", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()
