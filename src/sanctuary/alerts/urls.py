"""Alert pages under /alerts/."""

from django.urls import path

from sanctuary.alerts import views

urlpatterns = [
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/new/", views.alert_new, name="alert_new"),
    path("alerts/<int:alert_id>/", views.alert_page, name="alert"),
    path("alerts/<int:alert_id>/edit/", views.alert_edit, name="alert_edit"),
    path("alerts/<int:alert_id>/send/", views.alert_send, name="alert_send"),
    path("alerts/<int:alert_id>/withdraw/", views.alert_withdraw, name="alert_withdraw"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    # a listed contact's acknowledgement link: no login, the token is the credential
    path("alerts/link/<str:token>/", views.alert_link, name="alert_link"),
]
