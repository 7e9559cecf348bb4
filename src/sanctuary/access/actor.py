"""Who is acting, from where, through which channel: what every service and door is told.

Pages and the API build one from the request (`Actor.of(request)`); the command line, background
jobs and alert sending act as the system (`Actor.system("worker")`), which has no request. The
audit record names the actor and its channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.http import HttpRequest


class Channel(StrEnum):
    PAGE = "page"
    API = "api"
    FEED = "feed"  # a calendar app fetching a feed with its key
    COMMAND = "command"  # the `sanctuary` command line
    JOB = "job"  # a background job
    LINK = "link"  # a person with no account, through a personal link e-mailed to them


@dataclass(frozen=True)
class Actor:
    user: Any  # a User, or None for the system and for a visitor who has not logged in
    channel: Channel
    address: str | None = None  # the network address a request came from
    system_name: str = ""  # "command line", "worker": set when the system acts
    holder_name: str = ""  # who holds the e-mailed link a person without an account acts by

    @classmethod
    def of(cls, request: HttpRequest, channel: Channel | None = None) -> Actor:
        """The person behind a request (the page's or the API's), built once per request."""
        found = getattr(request, "_sanctuary_actor", None)
        user = request.user if getattr(request, "user", None) is not None else None
        if found is not None and found.user is user:
            return found
        if channel is None:
            channel = Channel.API if request.path_info.startswith("/api/") else Channel.PAGE
        actor = cls(
            user=user if user is not None and user.is_authenticated else None,
            channel=channel,
            address=request.META.get("REMOTE_ADDR") or None,
        )
        request._sanctuary_actor = actor  # type: ignore[attr-defined]
        return actor

    @classmethod
    def person(cls, user: Any, channel: Channel, address: str | None = None) -> Actor:
        """A person acting without a request of theirs (a feed's owner, a job on their behalf)."""
        return cls(user=user, channel=channel, address=address)

    @classmethod
    def system(cls, name: str, channel: Channel = Channel.COMMAND) -> Actor:
        """Sanctuary itself, as the operator's command line or a background job: it may do
        anything, and says so in the audit log."""
        return cls(user=None, channel=channel, system_name=name)

    @classmethod
    def link_holder(cls, name: str, address: str | None = None) -> Actor:
        """A person without an account acting through a link e-mailed to them (an alert's
        acknowledgement link): named for the audit log, granted nothing by any door (neither a
        user nor the system); the link itself is what lets them act, and only on what it names."""
        return cls(user=None, channel=Channel.LINK, address=address, holder_name=name or "unnamed")

    @property
    def is_system(self) -> bool:
        return bool(self.system_name)

    @property
    def name(self) -> str:
        if self.user is not None:
            return str(self.user.get_username())
        if self.system_name:
            return f"system: {self.system_name}"
        return f"contact {self.holder_name}"[:150] if self.holder_name else ""

    def __str__(self) -> str:
        return self.name or "a visitor"
