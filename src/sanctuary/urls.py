from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from sanctuary.access import views as access_views
from sanctuary.api import api
from sanctuary.audit import views as audit_views
from sanctuary.registry import transfer_views
from sanctuary.registry import views as registry_views

account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", access_views.two_factor, name="two_factor"),
    path("tokens/", access_views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", access_views.api_token_revoke, name="api_token_revoke"),
    path(
        "password/change/",
        access_views.AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        access_views.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="site_map"), name="home"),
    path("accounts/", include(account_patterns)),
    path("sites/", registry_views.site_list, name="site_list"),
    path("sites/map/", registry_views.site_map, name="site_map"),
    path("sites/new/", registry_views.site_new, name="site_new"),
    path("sites/import/", transfer_views.site_import, name="site_import"),
    path(
        "sites/export.<str:fmt>", transfer_views.site_export, name="site_export"
    ),
    path("sites/<int:site_id>/", registry_views.site_detail, name="site_detail"),
    path("sites/<int:site_id>/edit/", registry_views.site_edit, name="site_edit"),
    path("organisations/", registry_views.organisation_list, name="organisation_list"),
    path("organisations/new/", registry_views.organisation_new, name="organisation_new"),
    path(
        "organisations/<int:organisation_id>/",
        registry_views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:organisation_id>/edit/",
        registry_views.organisation_edit,
        name="organisation_edit",
    ),
    path("people/", access_views.people, name="people"),
    path("people/new/", access_views.person_new, name="person_new"),
    path("people/<int:person_id>/", access_views.person_edit, name="person_edit"),
    path(
        "roles/<int:membership_id>/remove/",
        access_views.membership_remove,
        name="membership_remove",
    ),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("", include("sanctuary.calendars.urls")),
    path("api/", api.urls),
]
