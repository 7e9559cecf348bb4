"""Schedule pages under each site, and the borough's calendar pages and feeds."""

from django.urls import path

from sanctuary.calendars import views

urlpatterns = [
    path("sites/<int:site_id>/schedule/", views.schedule_page, name="schedule"),
    path("sites/<int:site_id>/schedule/preview/", views.schedule_preview, name="schedule_preview"),
    path(
        "sites/<int:site_id>/schedule/settings/", views.schedule_settings, name="schedule_settings"
    ),
    path(
        "sites/<int:site_id>/schedule/timetable/",
        views.schedule_timetable,
        name="schedule_timetable",
    ),
    path(
        "sites/<int:site_id>/schedule/timetable/apply/",
        views.schedule_timetable_apply,
        name="schedule_timetable_apply",
    ),
    path(
        "sites/<int:site_id>/schedule/timetable/remove/",
        views.schedule_timetable_remove,
        name="schedule_timetable_remove",
    ),
    path(
        "sites/<int:site_id>/schedule/<slug:part>/", views.schedule_row_add, name="schedule_row_add"
    ),
    path(
        "sites/<int:site_id>/schedule/<slug:part>/<int:row_id>/remove/",
        views.schedule_row_remove,
        name="schedule_row_remove",
    ),
    path("calendar/week/", views.week_view, name="calendar_week"),
    path("calendar/day/", views.day_view, name="calendar_day"),
    path("calendar/heatmap/", views.heat_map_view, name="calendar_heatmap"),
    path("calendar/feeds/", views.feeds_page, name="feeds"),
    path("calendar/feeds/<int:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/feeds/<str:key>.ics", views.feed_ics, name="feed_ics"),
]
