"""The routes of the fund's decided side (part 2), included from sanctuary/urls.py beside part
1's fund/urls.py."""

from __future__ import annotations

from django.urls import path

from sanctuary.fund import awards_views as views

urlpatterns = [
    path("fund/rounds/<int:round_id>/allocation/", views.allocation_page, name="fund_allocation"),
    path("fund/rounds/<int:round_id>/allocation/run/", views.allocation_run, name="fund_allocation_run"),
    path("fund/allocations/<int:allocation_id>/progress/", views.allocation_progress,
         name="fund_allocation_progress"),
    path("fund/allocations/<int:allocation_id>/confirm/", views.allocation_confirm,
         name="fund_allocation_confirm"),
    path("fund/rounds/<int:round_id>/report/", views.report_page, name="fund_round_report"),
    path("fund/rounds/<int:round_id>/report.csv", views.report_csv, name="fund_round_report_csv"),
    path("fund/decisions/", views.decisions_page, name="fund_decisions"),
    path("fund/decisions/<int:decision_id>/letter.pdf", views.decision_letter, name="fund_decision_letter"),
    path("fund/decisions/<int:decision_id>/appeal/", views.appeal, name="fund_appeal"),
    path("fund/appeals/<int:appeal_id>/answer/", views.appeal_answer, name="fund_appeal_answer"),
    path("fund/awards/", views.awards_page, name="fund_awards"),
    path("fund/awards/<int:award_id>/", views.award_page, name="fund_award"),
    path("fund/awards/<int:award_id>/accept/", views.award_accept, name="fund_award_accept"),
    path("fund/awards/<int:award_id>/installation/", views.installation_save, name="fund_installation"),
    path("fund/awards/<int:award_id>/photos/", views.installation_photo, name="fund_installation_photo"),
    path("fund/awards/<int:award_id>/sign-off/", views.sign_off, name="fund_sign_off"),
    path("fund/awards/<int:award_id>/claims/", views.claim_submit, name="fund_claim"),
    path("fund/claims/<int:claim_id>/status/", views.claim_status, name="fund_claim_status"),
    path("fund/claims/<int:claim_id>/invoice/", views.invoice_file, name="fund_invoice"),
    path("fund/photos/<int:photo_id>/", views.photo_file, name="fund_photo"),
]
