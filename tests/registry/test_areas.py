"""Areas: every site in one, staff reading only theirs, administrators managing only theirs, and
"another area" looking exactly like "missing" (issue 10)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.registry.models import Organisation, OrganisationKind, Site
from sanctuary.registry.transfer import ImportRefused, import_sites
from tests.conftest import Cast, api_client_for, log_in
from tests.matrix import site_form_data


def import_as(actor: Actor, text: str | bytes, **options):
    data = text.encode() if isinstance(text, str) else text
    options.setdefault("dry_run", False)
    return import_sites(actor, data, filename="sites.csv", fmt=None, default_operator_name=None,
                        **options)


def test_a_user_of_one_area_is_not_offered_an_area_filter(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    assert "area" not in client.get("/sites/").context["form"].fields


def test_the_national_administrator_filters_by_area(cast: Cast, client: Client):
    log_in(client, cast.person(Role.NATIONAL_ADMIN))
    page = client.get("/sites/", {"area": "E09000012"})
    assert [site.name for site in page.context["page"]] == [cast.site_c.name]
    listed = api_client_for(cast.person(Role.NATIONAL_ADMIN)).get("/api/sites?area=E09000030")
    assert {item["id"] for item in listed.json()["items"]} == {cast.site_a.pk, cast.site_b.pk}
    assert {item["area"] for item in listed.json()["items"]} == {"E09000030"}


def test_an_area_filter_never_reaches_beyond_the_readers_areas(cast: Cast):
    listed = api_client_for(cast.person(Role.POLICE_SUPERVISOR)).get("/api/sites?area=E09000012")
    assert listed.status_code == 200 and listed.json()["items"] == []


def without_csrf(page: bytes) -> bytes:
    """The log-out form's CSRF token is masked afresh for every answer."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_another_areas_site_is_byte_for_byte_the_missing_page(cast: Cast, client: Client):
    log_in(client, cast.person(Role.PROGRAMME_ADMIN))
    away = client.get(f"/sites/{cast.site_c.pk}/")
    missing = client.get("/sites/999999/")
    assert away.status_code == missing.status_code == 404
    assert without_csrf(away.content) == without_csrf(missing.content)
    api = api_client_for(cast.person(Role.PROGRAMME_ADMIN))
    assert api.get(f"/api/sites/{cast.site_c.pk}").json() == api.get("/api/sites/999999").json()


def test_coordinates_in_another_areas_boundary_are_refused_beside_the_area(
    cast: Cast, admin_client: Client
):
    data = site_form_data(cast.site_a, latitude=51.55, longitude=-0.06)  # in the Hackney box
    response = admin_client.post(f"/sites/{cast.site_a.pk}/edit/", data)
    assert response.status_code == 200
    assert "These coordinates are in Hackney" in response.context["form"].errors["area"][0]
    assert Site.objects.get(pk=cast.site_a.pk).latitude == cast.site_a.latitude


def test_a_ward_is_chosen_from_the_areas_list(cast: Cast, admin_client: Client):
    form = admin_client.get(f"/sites/{cast.site_a.pk}/edit/").context["form"]
    offered = [value for value, _ in form.fields["ward"].choices]
    assert "Whitechapel" in offered and "Dalston" not in offered
    response = admin_client.post(
        f"/sites/{cast.site_a.pk}/edit/", site_form_data(cast.site_a, ward="whitechapel")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ward"]


def test_an_import_maps_wards_whatever_their_case_and_spacing(cast_without_sites: Cast):
    text = ("name,faith,address,latitude,longitude,ward,operator\n"
            "Dock Mosque,islam,1 Dock St,51.512,-0.065,  whitechapel ,Riverside Mosque Trust\n")
    import_as(Actor.system("test"), text)
    assert Site.objects.get(name="Dock Mosque").ward == "Whitechapel"


def test_an_import_refuses_an_unknown_ward_with_the_areas_list(cast_without_sites: Cast):
    text = ("name,faith,address,latitude,longitude,ward,operator\n"
            "Dock Mosque,islam,1 Dock St,51.512,-0.065,Whitechapple,Riverside Mosque Trust\n")
    with pytest.raises(ImportRefused) as refused:
        import_as(Actor.system("test"), text)
    [error] = refused.value.errors
    assert (error.row, error.field) == (2, "ward")
    assert "'Whitechapple' is not a ward of Tower Hamlets" in error.reason
    assert "Whitechapel" in error.reason


def test_an_import_takes_the_area_from_the_coordinates_or_the_column(cast_without_sites: Cast):
    text = ("name,faith,address,latitude,longitude,area,operator\n"
            "North Masjid,islam,1 High St,51.55,-0.06,,Dalston Mosque Trust\n"
            "Named Chapel,christianity,2 High St,51.51,-0.06,E09000030,Parish of St Brigid\n")
    import_as(Actor.system("test"), text)
    assert Site.objects.get(name="North Masjid").area == cast_without_sites.area_2
    assert Site.objects.get(name="Named Chapel").area == cast_without_sites.area
    contradicting = ("name,faith,address,latitude,longitude,area,operator\n"
                     "Wrong Masjid,islam,1 High St,51.55,-0.06,Tower Hamlets,Dalston Mosque Trust\n")
    with pytest.raises(ImportRefused) as refused:
        import_as(Actor.system("test"), contradicting)
    assert "the coordinates are in Hackney, not Tower Hamlets" in refused.value.errors[0].reason


def test_an_areas_administrator_cannot_import_into_another_area(cast_without_sites: Cast):
    admin = Actor.person(cast_without_sites.admin, Channel.PAGE)
    text = ("name,faith,address,latitude,longitude,operator\n"
            "North Masjid,islam,1 High St,51.55,-0.06,Dalston Mosque Trust\n")
    with pytest.raises(ImportRefused) as refused:
        import_as(admin, text)
    assert refused.value.errors[0].reason == "you may not put sites in Hackney"
    assert not Site.objects.exists()


def test_an_import_may_create_the_operators_it_names_after_a_check(cast_without_sites: Cast):
    text = ("name,faith,address,latitude,longitude,operator\n"
            "New Masjid,islam,1 New St,51.51,-0.06,Brand New Mosque Trust\n"
            "New Annexe,islam,3 New St,51.511,-0.061,brand new mosque trust\n")
    with pytest.raises(ImportRefused):
        import_as(Actor.system("test"), text)  # unknown operators are refused unless asked
    check = import_as(Actor.system("test"), text, create_operators=True, dry_run=True)
    assert check.new_operators == ["Brand New Mosque Trust"]
    assert not Organisation.objects.filter(name="Brand New Mosque Trust").exists()
    import_as(Actor.system("test"), text, create_operators=True)
    made = Organisation.objects.get(name="Brand New Mosque Trust")
    assert made.kind == OrganisationKind.FAITH
    assert list(made.areas.all()) == [cast_without_sites.area]
    assert made.sites.count() == 2
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="registry.organisation",
                                     object_repr="Brand New Mosque Trust").exists()


def test_a_windows_1252_file_is_read_when_the_person_says_so(cast_without_sites: Cast):
    text = ("name,faith,address,latitude,longitude,operator\n"
            "Église Saint-Félix,christianity,1 Rue,51.51,-0.06,Parish of St Brigid\n")
    data = text.encode("cp1252")
    with pytest.raises(ImportRefused) as refused:
        import_as(Actor.system("test"), data)
    assert "Windows-1252" in refused.value.errors[0].reason
    import_as(Actor.system("test"), data, encoding="cp1252")
    assert Site.objects.filter(name="Église Saint-Félix").exists()


def test_a_councils_administrator_manages_only_its_areas_people_and_organisations(
    cast: Cast, admin_client: Client
):
    division = Organisation.objects.create(name="Two Borough Division", kind="police")
    division.areas.set([cast.area, cast.area_2])
    contact_c = cast.people["contact_c"]
    assert contact_c not in admin_client.get("/people/").context["people"]
    assert admin_client.get(f"/people/{contact_c.pk}/").status_code == 404
    assert admin_client.get(f"/organisations/{division.pk}/edit/").status_code == 404
    national = log_in(Client(), cast.person(Role.NATIONAL_ADMIN))
    assert national.get(f"/organisations/{division.pk}/edit/").status_code == 200
    assert national.get(f"/people/{contact_c.pk}/").status_code == 200


def test_a_councils_administrator_reads_only_its_areas_audit_log(cast: Cast, admin_client: Client):
    log_in(Client(), cast.people["contact_c"]).post(
        f"/sites/{cast.site_c.pk}/edit/", site_form_data(cast.site_c, name="Charlie Masjid (new)")
    )
    log_in(Client(), cast.person(Role.SITE_CONTACT)).post(
        f"/sites/{cast.site_a.pk}/edit/", site_form_data(cast.site_a, name="Alpha Mosque (new)")
    )
    shown = {event.object_repr for event in admin_client.get("/audit/").context["page"]}
    assert "Alpha Mosque (new)" in shown and "Charlie Masjid (new)" not in shown
    national = log_in(Client(), cast.person(Role.NATIONAL_ADMIN))
    shown = {event.object_repr for event in national.get("/audit/").context["page"]}
    assert {"Alpha Mosque (new)", "Charlie Masjid (new)"} <= shown
