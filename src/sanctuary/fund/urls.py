"""The fund's routes, included from sanctuary/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "fund"
urlpatterns: list[URLPattern] = []
