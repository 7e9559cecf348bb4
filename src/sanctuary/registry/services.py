"""Changes to the registry: each one a transaction that writes its audit record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm

from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, Role, User
from sanctuary.access.policy import forget_grants
from sanctuary.access.services import end_credentials_now
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, save_form, snapshot
from sanctuary.registry import policy
from sanctuary.registry.models import Organisation, OrganisationKind, Site
from sanctuary.registry.tasks import send_invitation


class MovedOutOfReach(Exception):
    """The change would leave the site where its writer can no longer reach it."""


def _contacts_snapshot(site: Site) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "role": c.role, "phone": c.phone, "email": c.email}
        for c in site.contacts.all()
    ]


def _site_state(site: Site) -> dict[str, Any]:
    return {**snapshot(site), "contacts": _contacts_snapshot(site)} if site.pk else {}


def _still_editable(actor: Actor, site: Site) -> None:
    """The writer must still see what they wrote (an operator changed to another organisation
    would hide it): refuse rather than lose it from view. Raises inside the transaction."""
    if not policy.editable_sites(actor).filter(pk=site.pk).exists():
        raise MovedOutOfReach("You cannot move a site out of your own organisation.")


@transaction.atomic
def save_site(actor: Actor, form: ModelForm, contacts: BaseInlineFormSet | None = None) -> Site:
    """Create or update a site from a valid form (and its contacts), audited.

    Raises MovedOutOfReach, writing nothing, if the writer could no longer edit the result."""
    creating = form.instance.pk is None
    before = None if creating else _site_state(Site.objects.get(pk=form.instance.pk))
    site = form.save()
    if contacts is not None:
        contacts.instance = site
        contacts.save()
    _still_editable(actor, site)
    record(
        Action.CREATE if creating else Action.UPDATE,
        actor=actor,
        obj=site,
        before=before,
        after=_site_state(site),
    )
    return site


@transaction.atomic
def update_site_fields(actor: Actor, site: Site, changes: dict[str, Any]) -> Site:
    """Apply field changes (from the API), validated by the model, audited."""
    before = _site_state(site)
    for name, value in changes.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    _still_editable(actor, site)
    record(Action.UPDATE, actor=actor, obj=site, before=before, after=_site_state(site))
    return site


def save_organisation(actor: Actor, form: ModelForm) -> Organisation:
    return save_form(actor, form)


@transaction.atomic
def create_programme_admin(
    actor: Actor, *, username: str, email: str, password: str, organisation_name: str
) -> User:
    """The first account of a new installation: a programme administrator of a council service
    (made if it does not exist). Raises ValueError saying what stands in the way."""
    if User.objects.filter(username=username).exists():
        raise ValueError(f"a user called {username!r} exists already")
    organisation, _ = Organisation.objects.get_or_create(
        name=organisation_name, defaults={"kind": OrganisationKind.COUNCIL}
    )
    if organisation.kind != OrganisationKind.COUNCIL:
        raise ValueError(f"{organisation_name!r} is not a council service")
    user = User.objects.create_user(username=username, email=email, password=password)
    Membership.objects.create(user=user, organisation=organisation, role=Role.PROGRAMME_ADMIN)
    record(
        Action.CREATE,
        actor=actor,
        obj=user,
        detail={"via": "sanctuary createadmin", "role": Role.PROGRAMME_ADMIN},
    )
    return user


# --- people and their roles ----------------------------------------------------------------


@transaction.atomic
def save_person(actor: Actor, form: ModelForm) -> User:
    """Save a person; deactivating them also ends their sessions, tokens and feeds."""
    person = form.instance
    was_active = person.pk is not None and User.objects.get(pk=person.pk).is_active
    saved = save_form(actor, form)
    if was_active and not saved.is_active:
        end_credentials_now(actor, saved, "deactivated by an administrator")
    return saved


@transaction.atomic
def add_person(actor: Actor, form: ModelForm, *, site_url: str = "") -> User:
    """A new person with their first role, from a valid NewPersonForm, audited; invited by
    e-mail to choose their password when the form says so (`site_url`: where links point)."""
    person = save_form(actor, form)
    membership = Membership.objects.create(
        user=person, organisation=form.cleaned_data["organisation"], role=form.cleaned_data["role"]
    )
    record(Action.CREATE, actor=actor, obj=membership, after=snapshot(membership))
    if form.cleaned_data.get("how") == "invite":
        invite(actor, person, site_url=site_url)
    return person


class NoAddress(Exception):
    """An invitation needs the person's e-mail address."""


@transaction.atomic
def invite(actor: Actor, person: User, *, site_url: str) -> None:
    """E-mail the person a one-time link to choose their password (Django's password-reset
    tokens: the link is spent once a password is set, and lapses after PASSWORD_RESET_TIMEOUT).
    The mail goes from a background task once this transaction commits; the token is made there
    too, so that no link waits in the task queue's table."""
    if not person.email:
        raise NoAddress(f"{person} has no e-mail address: add one, then send the invitation.")
    record(Action.UPDATE, actor=actor, obj=person, detail={"invitation": f"e-mailed to {person.email}"})
    transaction.on_commit(lambda: send_invitation.enqueue(person.pk, site_url))


@transaction.atomic
def add_membership(actor: Actor, form: ModelForm, person: User) -> Membership:
    membership = form.save(commit=False)
    membership.user = person
    membership.save()
    forget_grants(person)
    record(Action.CREATE, actor=actor, obj=membership, after=snapshot(membership))
    return membership


@transaction.atomic
def remove_membership(actor: Actor, membership: Membership) -> None:
    before = snapshot(membership)
    record(Action.DELETE, actor=actor, obj=membership, before=before)
    membership.delete()
    forget_grants(membership.user)
    end_credentials_now(actor, membership.user, f"role removed: {before['role']}")
