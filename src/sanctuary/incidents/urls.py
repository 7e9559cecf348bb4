"""The public report and its tracking link; the handlers' pages under /incidents/."""

from django.urls import path

from sanctuary.incidents import views

urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report/track/<str:key>/", views.report_track, name="report_track"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/stats/", views.incident_stats, name="incident_stats"),
    path("incidents/map/", views.incident_map, name="incident_map"),
    path("incidents/crime-context/", views.crime_context, name="crime_context"),
    path("incidents/surges/", views.surge_alerts, name="surge_alerts"),
    path("incidents/export.csv", views.incident_export, name="incident_export"),
    path("incidents/photos/<int:photo_id>/", views.incident_photo, name="incident_photo"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_id>/reporters/", views.incident_reporters, name="incident_reporters"),
    path("incidents/<int:incident_id>/status/", views.incident_status, name="incident_status"),
    path("incidents/<int:incident_id>/assign/", views.incident_assign, name="incident_assign"),
    path("incidents/<int:incident_id>/messages/", views.incident_message, name="incident_message"),
    path("incidents/<int:incident_id>/notes/", views.incident_note, name="incident_note"),
    path("incidents/<int:incident_id>/merge/", views.incident_merge, name="incident_merge"),
    path("incidents/<int:incident_id>/unmerge/", views.incident_unmerge, name="incident_unmerge"),
]
