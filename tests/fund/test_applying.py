"""Applying: a site contact (or their umbrella coordinator) starts one application per site and
round, pre-filled from the workspace; packages with validated quotes; evidence; eligibility as
they go; nothing submitted after the closing date, whatever the browser says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.fund.models import Application, ApplicationStatus, Quote
from tests.conftest import log_in
from tests.fund.conftest import Fund, make_application, pdf_upload


def _start(client, fund: Fund, site) -> Application:
    response = client.post(f"/fund/rounds/{fund.round.pk}/apply/", {"site": site.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(round=fund.round, site=site)


def test_a_site_contact_starts_an_application_pre_filled_and_audited(fund: Fund, client):
    contact = fund.cast.person(Role.SITE_CONTACT)
    log_in(client, contact)
    application = _start(client, fund, fund.cast.site_a)
    assert application.status == ApplicationStatus.DRAFT
    assert application.applicant == contact
    assert application.organisation == fund.cast.org_a
    assert set(application.prefill) >= {"recommendations", "incidents", "martyns_law", "risk_score"}
    assert "Martyn" in client.get(f"/fund/applications/{application.pk}/").content.decode()
    assert AuditEvent.objects.filter(object_type="fund.application", action="create").exists()


def test_a_site_applies_once_per_round(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    _start(client, fund, fund.cast.site_a)
    again = client.post(f"/fund/rounds/{fund.round.pk}/apply/", {"site": fund.cast.site_a.pk})
    assert again.status_code == 422
    assert Application.objects.filter(site=fund.cast.site_a).count() == 1


def test_the_umbrella_coordinator_applies_for_a_members_site_but_not_another(fund: Fund, client):
    log_in(client, fund.cast.person(Role.UMBRELLA_COORDINATOR))
    assert _start(client, fund, fund.cast.site_a).site == fund.cast.site_a
    refused = client.post(f"/fund/rounds/{fund.round.pk}/apply/", {"site": fund.cast.site_b.pk})
    assert refused.status_code == 422
    assert not Application.objects.filter(site=fund.cast.site_b).exists()


def test_eligibility_is_shown_as_the_applicant_goes(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    page = client.get(f"/fund/applications/{application.pk}/").content.decode()
    assert "Does not meet the round's rules yet" in page
    assert "This round needs a registered charity number" in page
    client.post(f"/fund/applications/{application.pk}/", {"charity_number": "1100001", "need": "Threats"})
    client.post(f"/fund/applications/{application.pk}/evidence/",
                {"kind": "police_letter", "text": "The borough commander supports the bid"})
    response = client.post(f"/fund/applications/{application.pk}/packages/", {
        "label": "standard", "measures": ["cctv_fixed", "gates"], "cost": "12000",
        "contribution": "2400", "quote": pdf_upload(), "supplier": "Secure Ltd",
        "quote_amount": "12000",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    reasons = {r["rule"]: r for r in application.eligibility["reasons"]}
    assert reasons["charity"]["ok"] and reasons["package:standard"]["ok"]
    assert Quote.objects.filter(package__application=application, supplier="Secure Ltd").exists()
    page = client.get(f"/fund/applications/{application.pk}/").content.decode()
    assert "✓ Letter from the police (1)" in page and "☐ Photograph: none yet" in page


def test_a_package_over_the_cap_is_refused_with_the_reason(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    client.post(f"/fund/applications/{application.pk}/packages/", {
        "label": "full", "measures": ["cctv_fixed", "fencing", "gates", "door_hardening"],
        "cost": "90000", "contribution": "0",
    })
    page = client.get(f"/fund/applications/{application.pk}/").content.decode()
    assert "The full package has 4 measures; at most 3." in page
    assert "asks for £90,000; at most £56,000 per site." in page
    assert "this round needs 20% of the cost, £18,000." in page


def test_a_quote_that_is_not_a_pdf_or_photo_is_refused_naming_the_file(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    fake = SimpleUploadedFile("quote.pdf", b"not really a pdf", content_type="application/pdf")
    response = client.post(f"/fund/applications/{application.pk}/packages/", {
        "label": "minimal", "measures": ["gates"], "cost": "3000", "contribution": "600",
        "quote": fake, "supplier": "Gates plc", "quote_amount": "3000",
    })
    assert response.status_code == 422
    assert "quote.pdf is neither a PDF nor a photo we can read." in response.content.decode()
    assert response.context["package_form"].errors["quote"]
    assert not Quote.objects.filter(package__application=application).exists()


def test_at_most_three_packages_one_per_label(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    for label in ("minimal", "standard", "full", "standard"):
        client.post(f"/fund/applications/{application.pk}/packages/", {
            "label": label, "measures": ["gates"], "cost": "3000", "contribution": "600"})
    assert application.packages.count() == 3


def test_submitting_records_eligible_or_not(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    good = make_application(fund.cast, fund.round, fund.cast.site_a)
    client.post(f"/fund/applications/{good.pk}/submit/")
    good.refresh_from_db()
    assert good.status == ApplicationStatus.SUBMITTED and good.submitted_at is not None
    log_in(client, fund.cast.person("contact_b"))
    bad = make_application(fund.cast, fund.round, fund.cast.site_b, eligible=False)
    client.post(f"/fund/applications/{bad.pk}/submit/")
    bad.refresh_from_db()
    assert bad.status == ApplicationStatus.INELIGIBLE
    assert "Propose at least one package" in client.get(f"/fund/applications/{bad.pk}/").content.decode()


def test_nothing_is_submitted_after_the_closing_date(fund: Fund, client):
    application = make_application(fund.cast, fund.round, fund.cast.site_a)
    fund.round.closes_on = timezone.localdate() - timedelta(days=1)
    fund.round.save()
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    response = client.post(f"/fund/applications/{application.pk}/submit/", follow=True)
    assert "nothing more can be submitted" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.submitted_at is None
    # the page offers no submit button either
    assert "Submit the application" not in response.content.decode()


def test_a_submitted_application_no_longer_changes(fund: Fund, client):
    application = make_application(fund.cast, fund.round, fund.cast.site_a,
                                    status=ApplicationStatus.SUBMITTED)
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    response = client.post(f"/fund/applications/{application.pk}/", {"need": "changed"})
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.answers.get("need") != "changed"


@pytest.mark.parametrize("role", [Role.POLICE_SUPERVISOR, Role.SECURITY_ADVISER, Role.CASE_HANDLER])
def test_people_who_are_not_in_the_fund_are_refused_its_pages(fund: Fund, client, role):
    log_in(client, fund.cast.person(role))
    assert client.get("/fund/").status_code == 403
    application = make_application(fund.cast, fund.round, fund.cast.site_a)
    assert client.get(f"/fund/applications/{application.pk}/").status_code == 404


def test_opening_the_application_of_a_sensitive_site_is_audited(fund: Fund, client):
    site = fund.cast.site_a
    site.is_sensitive = True
    site.save()
    application = make_application(fund.cast, fund.round, site)
    log_in(client, fund.manager)
    assert client.get(f"/fund/applications/{application.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="registry.site",
                                     object_id=str(site.pk)).exists()


def test_evidence_files_are_checked_and_kept_for_those_who_may_see_the_application(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    response = client.post(f"/fund/applications/{application.pk}/evidence/", {
        "kind": "police_letter", "text": "Letter of support", "file": pdf_upload("letter.pdf")})
    assert response.status_code == 302
    item = application.evidence.get()
    download = client.get(f"/fund/evidence/{item.pk}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    log_in(client, fund.cast.person("contact_b"))
    assert client.get(f"/fund/evidence/{item.pk}/").status_code == 404


def test_the_applicant_withdraws_until_the_decision_and_scoring_stops(fund: Fund, client):
    application = make_application(fund.cast, fund.round, fund.cast.site_a,
                                   status=ApplicationStatus.SUBMITTED)
    log_in(client, fund.cast.person(Role.UMBRELLA_COORDINATOR))
    client.post(f"/fund/applications/{application.pk}/withdraw/", {"reason": "Funded elsewhere"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    event = AuditEvent.objects.filter(object_type="fund.application").latest("pk")
    assert event.detail == {"withdrawn": "Funded elsewhere"}
    from sanctuary.fund import services
    from tests.fund.conftest import actor

    with pytest.raises(ValidationError):
        services.assign(actor(fund.manager), application, fund.assessor)
    application.status = ApplicationStatus.FUNDED
    application.save()
    response = client.post(f"/fund/applications/{application.pk}/withdraw/", follow=True)
    assert "can no longer be withdrawn" in response.content.decode()


def test_saving_as_they_go_says_what_was_not_saved_where_the_page_changes(fund: Fund, client):
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    application = _start(client, fund, fund.cast.site_a)
    response = client.post(f"/fund/applications/{application.pk}/", {"funded_before_year": "1066"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps in only what a success would show
    page = response.content.decode()
    section = page[page.index('id="eligibility"'):page.index('id="prefill-heading"')]
    assert "Not saved. Year the site was last funded" in section
    application.refresh_from_db()
    assert application.funded_before_year is None
    saved = client.post(f"/fund/applications/{application.pk}/", {"need": "Threats"},
                        HTTP_HX_REQUEST="true", follow=True)
    assert "Not saved" not in saved.content.decode()
    application.refresh_from_db()
    assert application.answers["need"] == "Threats"
