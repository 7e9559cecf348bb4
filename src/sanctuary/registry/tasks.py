"""Background tasks of the registry (run by `sanctuary worker`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from sanctuary.access.models import User
from sanctuary.links import absolute_url


@task()
def send_invitation(person_id: int, site_url: str) -> None:
    """The invitation: a one-time link to choose one's password, made now (see services.invite)."""
    person = User.objects.get(pk=person_id)
    if not person.email or not person.is_active:
        return
    link = absolute_url(
        reverse(
            "invitation_accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
                "token": default_token_generator.make_token(person),
            },
        ),
        site_url,
    )
    context = {
        "person": person,
        "link": link,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "organisations": ", ".join(
            m.organisation.name for m in person.memberships.select_related("organisation")
        ),
    }
    send_mail(
        "You are invited to Sanctuary",
        render_to_string("registration/invitation_email.txt", context),
        None,
        [person.email],
    )
