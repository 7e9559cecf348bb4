"""Survey, risk and Martyn's Law pages."""

from django.urls import path

from sanctuary.surveys import views

urlpatterns = [
    path("sites/<int:site_id>/surveys/", views.site_surveys, name="site_surveys"),
    path("sites/<int:site_id>/risk/", views.site_risk, name="site_risk"),
    path("sites/<int:site_id>/martyns-law/", views.site_martyns_law, name="site_martyns_law"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path(
        "surveys/<int:survey_id>/sections/<slug:section_id>/",
        views.survey_section,
        name="survey_section",
    ),
    path("surveys/<int:survey_id>/photos/", views.survey_photo_add, name="survey_photo_add"),
    path(
        "surveys/<int:survey_id>/photos/<int:photo_id>/",
        views.survey_photo,
        name="survey_photo",
    ),
    path("surveys/<int:survey_id>/complete/", views.survey_complete, name="survey_complete"),
    path("surveys/<int:survey_id>/review/", views.survey_review, name="survey_review"),
    path("surveys/<int:survey_id>/report.pdf", views.survey_report, name="survey_report"),
    path("risk/", views.risk_register, name="risk_register"),
    path("risk/export.csv", views.risk_register_csv, name="risk_register_csv"),
    path("risk/threat-level/", views.threat_level, name="threat_level"),
    path("risk/heightened/", views.heightened_alerts, name="heightened_alerts"),
    path("risk/heightened/<int:alert_id>/", views.heightened_alert, name="heightened_alert"),
    path("risk/heightened/<int:alert_id>/end/", views.heightened_alert_end, name="heightened_alert_end"),
    path("martyns-law/", views.martyns_law_register, name="martyns_law_register"),
]
