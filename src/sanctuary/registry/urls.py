from django.urls import path

from sanctuary.registry import views

urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/map/", views.site_map, name="site_map"),
    path("sites/map/markers.json", views.site_map_markers, name="site_map_markers"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/import/", views.site_import, name="site_import"),
    path("sites/export.<str:fmt>", views.site_export, name="site_export"),
    path("sites/<int:site_id>/", views.site_detail, name="site_detail"),
    path("sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:organisation_id>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:person_id>/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/roles/", views.membership_add, name="membership_add"),
    path("people/<int:person_id>/invite/", views.person_invite, name="person_invite"),
    path("roles/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
]
