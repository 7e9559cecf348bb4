"""The fund's pages under /fund/, included from sanctuary/urls.py."""

from django.urls import path

from sanctuary.fund import views

urlpatterns = [
    path("fund/", views.fund_home, name="fund_home"),
    path("fund/rounds/new/", views.round_new, name="fund_round_new"),
    path("fund/rounds/<int:round_id>/", views.round_page, name="fund_round"),
    path("fund/rounds/<int:round_id>/edit/", views.round_edit, name="fund_round_edit"),
    path("fund/rounds/<int:round_id>/assign/", views.round_assign, name="fund_round_assign"),
    path("fund/rounds/<int:round_id>/apply/", views.apply, name="fund_apply"),
    path("fund/applications/<int:application_id>/", views.application_page, name="fund_application"),
    path("fund/applications/<int:application_id>/packages/", views.application_package,
         name="fund_application_package"),
    path("fund/applications/<int:application_id>/evidence/", views.application_evidence,
         name="fund_application_evidence"),
    path("fund/applications/<int:application_id>/submit/", views.application_submit,
         name="fund_application_submit"),
    path("fund/applications/<int:application_id>/withdraw/", views.application_withdraw,
         name="fund_application_withdraw"),
    path("fund/applications/<int:application_id>/moderate/", views.application_moderate,
         name="fund_application_moderate"),
    path("fund/quotes/<int:quote_id>/", views.quote_file, name="fund_quote"),
    path("fund/evidence/<int:evidence_id>/", views.evidence_file, name="fund_evidence"),
    path("fund/assignments/<int:assignment_id>/", views.assignment_page, name="fund_assignment"),
    path("fund/assignments/<int:assignment_id>/conflict/", views.assignment_conflict,
         name="fund_assignment_conflict"),
]
