"""The doors to schedules, their rows and feeds (docs/access.md).

A schedule follows its site: whoever may see the site (registry.policy.get_site) sees its
schedule; whoever may edit the site edits it. A feed is its owner's alone; its key lets a
calendar app in, and every fetch shows only what the owner may see at that moment.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.policy import NotFound, parse_id
from sanctuary.calendars.models import Feed, FeedScope, ScheduleRow
from sanctuary.calendars.parts import BY_SLUG, Part
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Site, SiteStatus


def get_part(slug: str) -> Part:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise NotFound("No such part of a schedule.") from None


def get_row(site: Site, part: Part, row_id: Any) -> ScheduleRow:
    """One row of the site's own schedule (the site fetched through its door already): a row of
    another site's schedule is as missing as one that never was."""
    try:
        return part.model._default_manager.get(pk=parse_id(row_id), schedule__site=site)
    except part.model.DoesNotExist:
        raise NotFound("No such row.") from None


# --- feeds ----------------------------------------------------------------------------------------


def visible_feeds(actor: Actor) -> QuerySet[Feed]:
    """One's own working feeds: nobody sees another person's."""
    if actor.user is None:
        return Feed.working.none()
    return Feed.working.filter(user=actor.user).select_related("site")


def get_feed(actor: Actor, feed_id: Any) -> Feed:
    try:
        return visible_feeds(actor).get(pk=parse_id(feed_id))
    except Feed.DoesNotExist:
        raise NotFound("No such feed.") from None


def feed_by_key(key: str) -> Feed:
    """A feed by the key in its address (the credential a calendar app holds)."""
    try:
        return Feed.working.select_related("user", "site").get(key=key)
    except Feed.DoesNotExist:
        raise NotFound("No such feed.") from None


def feed_sites(feed: Feed) -> QuerySet[Site]:
    """What the feed's owner may see now; NotFound when a site feed's site is out of sight."""
    owner = Actor.person(feed.user, channel=Channel.FEED)
    visible = registry_policy.visible_sites(owner).filter(status=SiteStatus.ACTIVE)
    if feed.scope == FeedScope.SITE:
        visible = visible.filter(pk=feed.site_id or 0)
        if not visible.exists():
            raise NotFound("No such feed.")
        return visible
    if feed.scope == FeedScope.WARD:
        return visible.filter(ward=feed.ward)
    if feed.scope == FeedScope.AREA:
        return visible.filter(area_id=feed.area_id or 0)
    return visible
