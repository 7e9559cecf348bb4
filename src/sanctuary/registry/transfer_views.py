"""Import and export pages (being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def site_export(request: HttpRequest, fmt: str) -> HttpResponse:
    raise Http404


def site_import(request: HttpRequest) -> HttpResponse:
    raise Http404
