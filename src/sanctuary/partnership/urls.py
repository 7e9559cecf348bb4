"""Partnership pages under /partnership/."""

from django.urls import path

from sanctuary.partnership import views

urlpatterns = [
    path("partnership/", views.home, name="partnership_home"),
    path("partnership/meetings/new/", views.meeting_new, name="partnership_meeting_new"),
    path("partnership/meetings/<int:meeting_id>/", views.meeting_page, name="partnership_meeting"),
    path("partnership/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="partnership_meeting_edit"),
    path("partnership/meetings/<int:meeting_id>/decisions/", views.decision_add, name="partnership_decision_add"),
    path("partnership/meetings/<int:meeting_id>/actions/", views.action_add, name="partnership_action_add"),
    path("partnership/meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="partnership_minutes_pdf"),
    path("partnership/meetings/<int:meeting_id>/summary/", views.summary_page, name="partnership_summary"),
    path("partnership/meetings/<int:meeting_id>/summary.pdf", views.summary_pdf, name="partnership_summary_pdf"),
    path("partnership/actions/<int:action_id>/", views.action_page, name="partnership_action"),
    path("partnership/actions/<int:action_id>/update/", views.action_update, name="partnership_action_update"),
    path("partnership/overdue/", views.overdue_page, name="partnership_overdue"),
    path("partnership/feeds/", views.feeds_page, name="partnership_feeds"),
    path("partnership/feeds/<int:feed_id>/revoke/", views.feed_revoke, name="partnership_feed_revoke"),
    path("partnership/feeds/<str:key>.ics", views.feed_ics, name="partnership_feed_ics"),
]
