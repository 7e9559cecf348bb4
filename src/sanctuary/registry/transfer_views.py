"""Import and export pages. The work is in sanctuary.registry.transfer; access in policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sanctuary.access import policy
from sanctuary.registry import transfer
from sanctuary.registry.models import Organisation
from sanctuary.registry.views import filtered_sites

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


class SiteImportForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="CSV or GeoJSON (an OpenStreetMap export works), UTF-8."
    )
    operator = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Default operator",
        empty_label="None: every new site's row names its operator",
        help_text="The faith organisation for new sites whose row names none.",
    )

    def __init__(self, *args: Any, operators: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator_field = self.fields["operator"]
        assert isinstance(operator_field, forms.ModelChoiceField)
        operator_field.queryset = operators

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        problem = transfer.size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    if not policy.may_import_sites(request.user):
        raise PermissionDenied
    form = SiteImportForm(
        request.POST or None,
        request.FILES or None,
        operators=policy.operators_for_new_sites(request.user),
    )
    report, refused = None, None
    if request.method == "POST" and form.is_valid():
        upload, operator = form.cleaned_data["file"], form.cleaned_data["operator"]
        # Anything but the Import button is a check: a stray submit never writes.
        dry_run = request.POST.get("action") != "import"
        try:
            report = transfer.import_sites(
                upload.read(),
                filename=upload.name,
                fmt=None,
                default_operator_name=operator.name if operator else None,
                actor=request.user,
                dry_run=dry_run,
                request=request,
            )
        except transfer.ImportRefused as error:
            refused = error
        else:
            if not dry_run:
                messages.success(request, report.summary())
                return redirect("site_list")
    return render(
        request,
        "registry/site_import.html",
        {"form": form, "report": report, "refused": refused, "columns": transfer.COLUMNS},
    )


@login_required
@require_GET
def site_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in transfer.FORMATS:
        raise Http404("No such format.")
    _, sites = filtered_sites(request)
    text = transfer.export_sites(sites, fmt, request=request, filters=request.GET.dict())
    # The byte-order mark lets Excel see UTF-8; the import reads it either way.
    body = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"sanctuary-sites-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
