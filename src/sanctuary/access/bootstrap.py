"""The first account of a new installation, made from the command line."""

from __future__ import annotations

from django.db import transaction

from sanctuary.access.models import Membership, Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.registry.models import Organisation, OrganisationKind


@transaction.atomic
def create_programme_admin(
    *, username: str, email: str, password: str, organisation_name: str
) -> User:
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
        obj=user,
        detail={"via": "sanctuary createadmin", "role": Role.PROGRAMME_ADMIN},
    )
    return user
