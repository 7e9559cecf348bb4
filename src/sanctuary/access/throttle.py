"""Limits on how often something may be asked for, kept in the database so that every web
process shares them (a password reset, later a public report).

A bucket is a hash of what is limited and by whom (an e-mail address, a network address): the
table holds no addresses in clear.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sanctuary.access.models import Attempt

# Attempts older than this are of no use to any limit and are deleted as new ones arrive.
KEPT_FOR = timedelta(days=1)


def bucket(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


@transaction.atomic
def allow(scope: str, key: str, limit: int, within: timedelta) -> bool:
    """Count one attempt at `scope` by `key`; False (and nothing counted) once `limit` attempts
    have been made within the last `within`."""
    now = timezone.now()
    Attempt.objects.filter(at__lt=now - KEPT_FOR).delete()
    name = bucket(scope, key)
    if Attempt.objects.filter(bucket=name, at__gte=now - within).count() >= limit:
        return False
    Attempt.objects.create(bucket=name, at=now)
    return True
