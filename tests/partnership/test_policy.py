"""The doors' finer points, beyond the matrix's cells."""

from __future__ import annotations

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.access.policy import NotFound
from sanctuary.partnership import policy
from sanctuary.partnership.models import MeetingStatus
from tests.conftest import Cast
from tests.partnership.meetings import make_meeting


def actor(cast: Cast, role: str) -> Actor:
    return Actor.person(cast.person(role), Channel.PAGE)


def test_a_person_invited_by_name_sees_the_meeting_without_their_organisation(cast: Cast):
    meeting = make_meeting(cast, "other")
    adviser = actor(cast, Role.SECURITY_ADVISER)
    with pytest.raises(NotFound):
        policy.get_meeting(adviser, meeting.pk)
    meeting.invited_people.add(cast.person(Role.SECURITY_ADVISER))
    assert policy.get_meeting(adviser, meeting.pk) == meeting


def test_a_meeting_of_two_areas_is_seen_by_either_areas_administrator_and_changed_by_neither_alone(cast: Cast):
    meeting = make_meeting(cast, "other")
    meeting.areas.add(cast.area_2)
    admin = actor(cast, Role.PROGRAMME_ADMIN)
    assert policy.get_meeting(admin, meeting.pk) == meeting
    with pytest.raises(NotFound):
        policy.get_meeting(admin, meeting.pk, for_edit=True)
    assert policy.get_meeting(actor(cast, Role.NATIONAL_ADMIN), meeting.pk, for_edit=True) == meeting


def test_a_summary_reaches_the_organisations_of_the_area_only_once_held(cast: Cast):
    meeting = make_meeting(cast, "other", status=MeetingStatus.PLANNED)
    contact_c = Actor.person(cast.person("contact_c"), Channel.PAGE)  # Hackney's
    contact_a = actor(cast, Role.SITE_CONTACT)
    assert not policy.visible_summaries(contact_a).filter(pk=meeting.pk).exists()
    meeting.status = MeetingStatus.HELD
    meeting.save()
    assert policy.get_summary(contact_a, meeting.pk) == meeting
    with pytest.raises(NotFound):
        policy.get_summary(contact_c, meeting.pk)


def test_a_deactivated_member_sees_nothing(cast: Cast):
    meeting = make_meeting(cast, "own")
    contact = cast.person(Role.SITE_CONTACT)
    contact.is_active = False
    contact.save()
    gone = Actor.person(contact, Channel.PAGE)
    assert not policy.visible_meetings(gone).exists()
    assert not policy.visible_actions(gone).exists()
    with pytest.raises(NotFound):
        policy.get_summary(gone, meeting.pk)
