"""The survey report a trustee reads: its text, read back from the PDF with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from sanctuary.access.models import Role
from sanctuary.registry.models import Site
from sanctuary.surveys import services
from sanctuary.surveys.instrument import latest_instrument, load_measures
from tests.conftest import Cast, log_in
from tests.surveys.conftest import adviser_actor, completed_survey, photo_upload

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_says_the_risk_its_drivers_findings_costs_and_martyns_law(cast: Cast, client):
    survey = completed_survey(cast, cast.site_a, grade=2)
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    response = contact.get(f"/surveys/{survey.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_text(response.content).split())
    assert "Security survey report" in text
    assert "Alpha Mosque" in text
    assert "Summary for the trustees." in text
    assert "Risk level:" in text
    assert "What drives the risk" in text
    first = latest_instrument().questions[0]
    assert first.topic in text and first.option(2).label in text
    # the recommendations, with their costs
    assert "Recommendations" in text and "£" in text
    assert any(m.name in text for m in load_measures().measures)
    assert "Total for every recommended measure" in text
    # Martyn's Law: site A's typical peak is 200, the Act's threshold
    assert "Martyn's Law" in text and "s. 5(1), 5(3)(a)" in text


def test_the_report_shows_photos(cast: Cast, client):
    actor = adviser_actor(cast)
    survey = services.schedule_survey(actor, cast.site_a)
    services.add_photo(actor, survey, photo_upload(), caption="Rear gate", question_id="perimeter.boundary")
    services.complete_survey(actor, survey)
    adviser = log_in(client, cast.person(Role.SECURITY_ADVISER))
    pdf = adviser.get(f"/surveys/{survey.pk}/report.pdf").content
    reader = PdfReader(io.BytesIO(pdf))
    # WeasyPrint shares one resource dictionary between pages: count distinct images
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 1


@pytest.mark.parametrize(
    "name",
    [
        "مسجد النور",  # Arabic
        "בית הכנסת שלום",  # Hebrew
        "ਗੁਰਦੁਆਰਾ ਸਾਹਿਬ",  # Gurmukhi
        "श्री राम मंदिर",  # Devanagari
    ],
)
def test_names_in_other_scripts_print_as_letters_not_boxes(cast: Cast, client, name: str):
    Site.objects.filter(pk=cast.site_a.pk).update(name=name)
    survey = completed_survey(cast, Site.objects.get(pk=cast.site_a.pk))
    adviser = log_in(client, cast.person(Role.SECURITY_ADVISER))
    pdf = adviser.get(f"/surveys/{survey.pk}/report.pdf").content
    text = _text(pdf)
    # each letter of the name is in the text layer: a missing font would give no glyph for it
    letters = {ch for ch in name if ch.isalpha()}
    assert letters <= set(text), sorted(letters - set(text))
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }
    assert any("Noto" in f for f in fonts), fonts
