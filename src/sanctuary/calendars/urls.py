"""Schedule pages under each site, and the borough's calendar pages and feeds."""

from django.urls import path

from sanctuary.calendars import views

urlpatterns = [
    path("sites/<int:site_id>/schedule/", views.schedule_page, name="schedule"),
    path("sites/<int:site_id>/schedule/preview/", views.schedule_preview, name="schedule_preview"),
    path("sites/<int:site_id>/schedule/<slug:part>/", views.schedule_save, name="schedule_save"),
    path(
        "sites/<int:site_id>/schedule/<slug:part>/<int:row_id>/remove/",
        views.schedule_remove,
        name="schedule_remove",
    ),
    path("calendar/week/", views.week_view, name="calendar_week"),
    path("calendar/heatmap/", views.heat_map_view, name="calendar_heatmap"),
    path("calendar/feeds/", views.feeds_page, name="feeds"),
    path("calendar/feeds/<int:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/feeds/<str:key>.ics", views.feed_ics, name="feed_ics"),
]
