"""Patrol pages under /patrols/."""

from django.urls import path

from sanctuary.patrols import views

urlpatterns = [
    path("patrols/", views.plans_page, name="patrol_plans"),
    path("patrols/plans/<int:plan_id>/", views.plan_page, name="patrol_plan"),
    path("patrols/plans/<int:plan_id>/progress/", views.plan_progress, name="patrol_plan_progress"),
    path("patrols/plans/<int:plan_id>/routes.json", views.plan_routes, name="patrol_plan_routes"),
    path("patrols/plans/<int:plan_id>/cancel/", views.plan_cancel, name="patrol_plan_cancel"),
    path("patrols/plans/<int:plan_id>/publish/", views.plan_publish, name="patrol_plan_publish"),
    path("patrols/plans/<int:plan_id>/replan/", views.plan_replan, name="patrol_plan_replan"),
    path("patrols/plans/<int:plan_id>/change/", views.plan_change, name="patrol_plan_change"),
    path("patrols/plans/<int:plan_id>/surge/", views.plan_surge, name="patrol_plan_surge"),
    path("patrols/plans/<int:plan_id>/plan.csv", views.plan_csv, name="patrol_plan_csv"),
    path("patrols/plans/<int:plan_id>/plan.pdf", views.plan_pdf, name="patrol_plan_pdf"),
    path("patrols/plans/<int:plan_id>/actual/", views.plan_actual, name="patrol_plan_actual"),
    path("patrols/visits/<int:visit_id>/pin/", views.visit_pin, name="patrol_visit_pin"),
    path("patrols/visits/<int:visit_id>/check-in/", views.visit_check_in, name="patrol_check_in"),
    path("patrols/visits/<int:visit_id>/missed/", views.visit_missed, name="patrol_visit_missed"),
    path("patrols/units/", views.units_page, name="patrol_units"),
    path("patrols/units/import/", views.shifts_import, name="patrol_shifts_import"),
    path("patrols/units/<int:unit_id>/", views.unit_page, name="patrol_unit"),
    path("patrols/units/<int:unit_id>/fill/", views.unit_fill, name="patrol_unit_fill"),
    path("patrols/shifts/<int:shift_id>/remove/", views.shift_remove, name="patrol_shift_remove"),
    path("patrols/today/", views.today_page, name="patrol_today"),
    path("patrols/sw.js", views.service_worker, name="patrol_service_worker"),
    path("patrols/sites/<int:site_id>/visits/", views.site_visits, name="patrol_site_visits"),
    path("patrols/summary/", views.community_summary, name="patrol_summary"),
    path("patrols/rota/", views.rota_feeds, name="patrol_rota_feeds"),
    path("patrols/rota/<int:feed_id>/revoke/", views.rota_feed_revoke, name="patrol_rota_revoke"),
    path("patrols/rota/<str:key>.ics", views.rota_ics, name="patrol_rota_ics"),
]
