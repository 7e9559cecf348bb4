"""Changes to the registry: each one a transaction that writes its audit record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from sanctuary.access import policy
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, save_form, snapshot
from sanctuary.registry.models import Organisation, Site


def _contacts_snapshot(site: Site) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "role": c.role, "phone": c.phone, "email": c.email}
        for c in site.contacts.all()
    ]


def _site_state(site: Site) -> dict[str, Any]:
    return {**snapshot(site), "contacts": _contacts_snapshot(site)} if site.pk else {}


@transaction.atomic
def save_site(
    request: HttpRequest, form: ModelForm, contacts: BaseInlineFormSet | None = None
) -> Site:
    """Create or update a site from a valid form (and its contacts), audited."""
    creating = form.instance.pk is None
    before = None if creating else _site_state(Site.objects.get(pk=form.instance.pk))
    site = form.save()
    if contacts is not None:
        contacts.instance = site
        contacts.save()
    # The writer must still see what they wrote (an operator changed to another organisation
    # would hide it): refuse rather than lose it from view.
    if not policy.editable_sites(request.user).filter(pk=site.pk).exists():
        transaction.set_rollback(True)
        raise PermissionError("You cannot move a site out of your own organisation.")
    record(
        Action.CREATE if creating else Action.UPDATE,
        obj=site,
        before=before,
        after=_site_state(site),
        request=request,
    )
    return site


@transaction.atomic
def update_site_fields(request: HttpRequest, site: Site, changes: dict[str, Any]) -> Site:
    """Apply validated field changes (from the API), audited."""
    before = _site_state(site)
    for name, value in changes.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    if not policy.editable_sites(request.user).filter(pk=site.pk).exists():
        transaction.set_rollback(True)
        raise PermissionError("You cannot move a site out of your own organisation.")
    record(Action.UPDATE, obj=site, before=before, after=_site_state(site), request=request)
    return site


def record_sensitive_view(request: HttpRequest, site: Site) -> None:
    if site.is_sensitive:
        record(Action.VIEW, obj=site, request=request)


def record_sensitive_views(
    request: HttpRequest | None, sites: Iterable[Site], where: str, actor: Any = None
) -> None:
    """One record for a page, answer or feed that shows several sites, naming the sensitive
    ones among them (a list, the map, the week view, a feed): a bulk read is a view of each."""
    sensitive = sorted({site.pk for site in sites if site.is_sensitive})
    if sensitive:
        record(
            Action.VIEW,
            actor=actor,
            object_type="registry.site",
            object_repr=f"{len(sensitive)} sensitive site{'s' if len(sensitive) > 1 else ''} in {where}",
            request=request,
            detail={"sites": sensitive, "where": where},
        )


def save_organisation(request: HttpRequest, form: ModelForm) -> Organisation:
    return save_form(request, form)
