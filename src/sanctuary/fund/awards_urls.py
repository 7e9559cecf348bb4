"""The fund's routes after scoring (allocation, decisions, awards, installation, claims, the
round's report), named in the "fund:" namespace; included from sanctuary/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from sanctuary.fund import awards_views

app_name = "fund"
urlpatterns: list[URLPattern] = []

# Part 2: the allocation, decisions, awards, installation, claims and the report.
urlpatterns += [
    path("fund/rounds/<int:round_id>/allocation/", awards_views.allocation_page, name="allocation"),
    path("fund/rounds/<int:round_id>/allocation/run/", awards_views.allocation_run, name="allocation_run"),
    path("fund/allocations/<int:allocation_id>/progress/", awards_views.allocation_progress, name="allocation_progress"),
    path("fund/allocations/<int:allocation_id>/confirm/", awards_views.allocation_confirm, name="allocation_confirm"),
    path("fund/rounds/<int:round_id>/report/", awards_views.report_page, name="round_report"),
    path("fund/rounds/<int:round_id>/report.csv", awards_views.report_csv, name="round_report_csv"),
    path("fund/decisions/", awards_views.decisions_page, name="decisions"),
    path("fund/decisions/<int:decision_id>/letter.pdf", awards_views.decision_letter, name="decision_letter"),
    path("fund/decisions/<int:decision_id>/appeal/", awards_views.appeal, name="appeal"),
    path("fund/appeals/<int:appeal_id>/answer/", awards_views.appeal_answer, name="appeal_answer"),
    path("fund/awards/", awards_views.awards_page, name="awards"),
    path("fund/awards/<int:award_id>/", awards_views.award_page, name="award"),
    path("fund/awards/<int:award_id>/accept/", awards_views.award_accept, name="award_accept"),
    path("fund/awards/<int:award_id>/installation/", awards_views.installation_save, name="installation"),
    path("fund/awards/<int:award_id>/photos/", awards_views.installation_photo, name="installation_photo"),
    path("fund/awards/<int:award_id>/sign-off/", awards_views.sign_off, name="sign_off"),
    path("fund/awards/<int:award_id>/claims/", awards_views.claim_submit, name="claim"),
    path("fund/claims/<int:claim_id>/status/", awards_views.claim_status, name="claim_status"),
    path("fund/claims/<int:claim_id>/invoice/", awards_views.invoice_file, name="invoice"),
    path("fund/photos/<int:photo_id>/", awards_views.photo_file, name="photo"),
]
