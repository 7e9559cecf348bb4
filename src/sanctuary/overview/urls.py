"""The home page at /, and an area's picture under /overview/."""

from django.urls import path

from sanctuary.overview import views

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.areas, name="overview_areas"),
    path("overview/<str:code>/faiths/", views.across_faiths, name="overview_faiths"),
    path("overview/<str:code>/monthly/", views.monthly, name="overview_monthly"),
    path("overview/<str:code>/monthly.pdf", views.monthly_pdf, name="overview_monthly_pdf"),
]
