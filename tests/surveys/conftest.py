"""Surveys of the cast's sites, and photos made on the fly."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.registry.models import Site
from sanctuary.surveys import services
from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import Survey, SurveyKind
from tests.conftest import Cast


def adviser_actor(cast: Cast) -> Actor:
    return Actor.person(cast.person(Role.SECURITY_ADVISER), Channel.PAGE)


def completed_survey(cast: Cast, site: Site, grade: int = 3) -> Survey:
    """An adviser's survey of the site with every question at one grade, completed."""
    actor = adviser_actor(cast)
    survey = services.schedule_survey(actor, site, kind=SurveyKind.ADVISER)
    answers = {q.id: grade for q in latest_instrument().questions if q.option(grade)}
    services.save_answers(actor, survey, answers)
    return services.complete_survey(actor, survey, "Summary for the trustees.")


@pytest.fixture
def surveyed(cast: Cast) -> Cast:
    """The cast, with a completed survey of each of sites A, B and C (C by the system)."""
    for site in (cast.site_a, cast.site_b):
        completed_survey(cast, site)
    system = Actor.system("test")
    survey = services.schedule_survey(system, cast.site_c, kind=SurveyKind.ADVISER)
    services.save_answers(system, survey, {"cctv.coverage": 2})
    services.complete_survey(system, survey)
    return cast


def photo_upload(name: str = "door.jpg", *, gps: bool = True, size=(640, 480)) -> SimpleUploadedFile:
    """A JPEG with EXIF and (by default) a GPS position in it, as a phone takes."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 31.0, 4.0), 3: "W", 4: (0.0, 3.0, 53.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
