"""The fund's pages: rounds (managers), applying (site contacts and coordinators), scoring
(assessors) and moderation (managers). Thin: actor, door, form, one service call, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor
from sanctuary.fund import eligibility, forms, policy, services
from sanctuary.fund.models import Application, ApplicationStatus
from sanctuary.registry import policy as registry_policy


def _errors_to(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal, shown beside the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _unprocessable(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=422)


# --- the fund's home ---------------------------------------------------------------------------


@login_required
@require_GET
def fund_home(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    manager, applicant = policy.is_manager(actor), policy.is_applicant(actor)
    assignments = list(policy.own_assignments(actor).order_by("-assigned_at"))
    assessor = bool(policy.assessing_areas(actor)) or bool(assignments)
    if not (manager or applicant or assessor):
        raise PermissionDenied("The fund is for applicants, assessors and fund managers.")
    return render(request, "fund/home.html", {
        "rounds": policy.visible_rounds(actor).prefetch_related("areas"),
        "applications": policy.own_applications(actor).select_related("round", "site") if applicant else [],
        "assignments": assignments,
        "may_create": manager,
    })


# --- rounds ------------------------------------------------------------------------------------


def _round_form(actor: Actor, request: HttpRequest, instance: Any = None) -> forms.RoundForm:
    return forms.RoundForm(
        request.POST or None, instance=instance, areas=policy.areas_for_rounds(actor),
        organisations=policy.managing_organisations(actor, instance),
        national=policy.may_run_national_rounds(actor),
    )


def _save_round(request: HttpRequest, actor: Actor, form: forms.RoundForm, instance: Any) -> Any:
    if not form.is_valid():
        return None
    try:
        return services.save_round(
            actor, instance, form.round_fields(), list(form.cleaned_data.get("areas") or []),
            form.cleaned_data["rubric"],
        )
    except ValidationError as error:
        _errors_to(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.is_manager(actor):
        raise PermissionDenied("Fund managers (programme administrators) open rounds.")
    form = _round_form(actor, request)
    if request.method == "POST":
        made = _save_round(request, actor, form, None)
        if made is not None:
            messages.success(request, f"Round {made.name} saved.")
            return redirect("fund_round", round_id=made.pk)
        return _unprocessable(request, "fund/round_form.html", {"form": form, "round": None})
    return render(request, "fund/round_form.html", {"form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_round(actor, round_id, for_edit=True)
    form = _round_form(actor, request, round_)
    if request.method == "POST":
        saved = _save_round(request, actor, form, round_)
        if saved is not None:
            messages.success(request, "Round saved.")
            return redirect("fund_round", round_id=saved.pk)
        return _unprocessable(request, "fund/round_form.html", {"form": form, "round": round_})
    return render(request, "fund/round_form.html", {"form": form, "round": round_})


def _round_context(actor: Actor, round_: Any) -> dict[str, Any]:
    manages = policy.may_manage(actor, round_)
    catalogue = services.measure_catalogue()
    context: dict[str, Any] = {
        "round": round_,
        "manages": manages,
        "rules": eligibility.read_rules(round_.rules),
        "measures": [catalogue.get(m, m) for m in round_.measures],
        "criteria": list(round_.criteria.all()),
        "is_open": services.is_open(round_),
        "areas": ", ".join(a.name for a in round_.areas.all()) or "every area",
    }
    if manages:
        applications = round_.applications.select_related("site", "organisation").prefetch_related(
            "assignments__assessor"
        )
        context["applications"] = applications
        registry_policy.sites_shown(actor, [a.site for a in applications], f"the applications to {round_.name}")
        context["assign_form"] = forms.AssignForm(
            applications=applications.filter(status__in=services.SCORABLE),
            assessors=policy.assessors_for(round_),
        )
    if policy.is_applicant(actor) and services.is_open(round_):
        context["start_form"] = forms.StartForm(sites=policy.sites_to_apply_for(actor, round_))
    return context


@login_required
@require_GET
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_round(actor, round_id)
    return render(request, "fund/round.html", _round_context(actor, round_))


@login_required
@require_POST
def round_assign(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_round(actor, round_id, for_edit=True)
    form = forms.AssignForm(
        request.POST, applications=round_.applications.filter(status__in=services.SCORABLE),
        assessors=policy.assessors_for(round_),
    )
    if form.is_valid():
        try:
            if form.cleaned_data.get("auto"):
                made = services.auto_assign(actor, round_)
                messages.success(request, f"{made} assignment{'s' if made != 1 else ''} made.")
            else:
                services.assign(actor, form.cleaned_data["application"], form.cleaned_data["assessor"])
                messages.success(request, "Assessor assigned.")
            return redirect("fund_round", round_id=round_.pk)
        except ValidationError as error:
            _errors_to(form, error)
    context = _round_context(actor, round_)
    context["assign_form"] = form
    return _unprocessable(request, "fund/round.html", context)


@login_required
@require_POST
def apply(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_round(actor, round_id)
    if not policy.is_applicant(actor):
        raise PermissionDenied("Site contacts and umbrella coordinators apply.")
    form = forms.StartForm(request.POST, sites=policy.sites_to_apply_for(actor, round_))
    if form.is_valid():
        try:
            application = services.start_application(actor, round_, form.cleaned_data["site"])
            messages.success(request, "Your application is started: it saves as you go.")
            return redirect("fund_application", application_id=application.pk)
        except ValidationError as error:
            _errors_to(form, error)
    context = _round_context(actor, round_)
    context["start_form"] = form
    return _unprocessable(request, "fund/round.html", context)


# --- an application ------------------------------------------------------------------------------


def _application_context(actor: Actor, application: Application, **forms_given: Any) -> dict[str, Any]:
    own = policy.is_own(actor, application)
    manages = policy.may_manage(actor, application.round)
    draft = own and application.status == ApplicationStatus.DRAFT
    funded = list(application.round.measures)
    catalogue = services.measure_catalogue()
    packages = list(application.packages.prefetch_related("quotes"))
    context: dict[str, Any] = {
        "application": application,
        "round": application.round,
        "own": own,
        "manages": manages,
        "draft": draft,
        "may_withdraw": own and application.status in services.WITHDRAWABLE,
        "open": services.is_open(application.round),
        "packages": [
            {"package": p, "measures": [catalogue.get(m.get("measure"), m.get("measure")) for m in p.measures]}
            for p in packages
        ],
        "evidence": list(application.evidence.all()),
        "checklist": services.evidence_checklist(application),
        "eligibility": application.eligibility or {},
        "prefill": application.prefill or {},
        "narrative": [(label, application.answers.get(key, "")) for key, label in services.NARRATIVE],
        "assignment": policy.own_assignments(actor).filter(application=application, conflict=False).first(),
    }
    if draft:
        context["draft_form"] = forms_given.get("draft_form") or forms.DraftForm(initial={
            **application.answers, "charity_number": application.charity_number,
            "charity_exempt": application.charity_exempt,
            "funded_before_year": application.funded_before_year,
        })
        recommended = [r for r in context["prefill"].get("recommendations", []) if r.get("funded")][:3]
        context["package_form"] = forms_given.get("package_form") or forms.PackageForm(
            funded=funded, initial={
                "measures": [r["measure"] for r in recommended],
                # the catalogue's mid-range, until the quotes say otherwise
                "cost": sum(sum(r["capital_cost"]) / 2 for r in recommended) or None,
            },
        )
        context["evidence_form"] = forms_given.get("evidence_form") or forms.EvidenceForm()
    if manages:
        context["side_by_side"] = services.scores_side_by_side(application)
        context["assessors"] = list(application.assignments.select_related("assessor"))
        if application.status == ApplicationStatus.MODERATION:
            context["moderation_form"] = forms_given.get("moderation_form") or forms.ModerationForm(
                criteria=list(application.round.criteria.all())
            )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET: the application as the reader may see it; POST: the applicant saves the draft."""
    actor = Actor.of(request)
    if request.method == "GET":
        application = policy.get_application(actor, application_id)
        return render(request, "fund/application.html", _application_context(actor, application))
    application = policy.get_application(actor, application_id, for_edit=True)
    form = forms.DraftForm(request.POST)
    if form.is_valid():
        try:
            services.save_draft(actor, application, form.cleaned_data)
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, "Draft saved.")
            return redirect("fund_application", application_id=application.pk)
        except ValidationError as error:
            _errors_to(form, error)
    context = _application_context(actor, application, draft_form=form)
    if request.htmx:  # type: ignore[attr-defined]
        # saved as they go: the page swaps in only its eligibility section, so say there
        # what was not saved (a 4xx answer would not be swapped in at all)
        context["autosave_errors"] = [
            f"{form.fields[field].label if field in form.fields else 'The draft'}: {message}"
            for field, problems in form.errors.items() for message in problems
        ]
        return render(request, "fund/application.html", context)
    return _unprocessable(request, "fund/application.html", context)


@login_required
@require_POST
def application_package(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id, for_edit=True)
    form = forms.PackageForm(request.POST, request.FILES, funded=list(application.round.measures))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_package(
                actor, application, label=data["label"],
                measures=[{"measure": m, "quantity": 1} for m in data["measures"]],
                cost=data["cost"], contribution=data["contribution"], quote=data.get("quote"),
                supplier=data.get("supplier") or "", quote_amount=data.get("quote_amount"),
            )
            messages.success(request, "Package saved.")
            return redirect("fund_application", application_id=application.pk)
        except ValidationError as error:
            _errors_to(form, error)
    return _unprocessable(request, "fund/application.html",
                          _application_context(actor, application, package_form=form))


@login_required
@require_POST
def application_evidence(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id, for_edit=True)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                actor, application, kind=data["kind"], text=data.get("text") or "",
                crime_reference=data.get("crime_reference") or "", upload=data.get("file"),
            )
            messages.success(request, "Evidence added.")
            return redirect("fund_application", application_id=application.pk)
        except ValidationError as error:
            _errors_to(form, error)
    return _unprocessable(request, "fund/application.html",
                          _application_context(actor, application, evidence_form=form))


@login_required
@require_POST
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id, for_edit=True)
    try:
        application = services.submit(actor, application)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("fund_application", application_id=application.pk)
    if application.status == ApplicationStatus.INELIGIBLE:
        messages.warning(request, "Submitted, but it does not meet the round's rules: see why below.")
    else:
        messages.success(request, "Submitted. Assessors will score it against the published rubric.")
    return redirect("fund_application", application_id=application.pk)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id, for_edit=True)
    try:
        services.withdraw(actor, application, request.POST.get("reason", ""))
        messages.success(request, "The application is withdrawn.")
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    return redirect("fund_application", application_id=application.pk)


@login_required
@require_POST
def application_moderate(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id)
    policy.get_round(actor, application.round_id, for_edit=True)
    form = forms.ModerationForm(request.POST, criteria=list(application.round.criteria.all()))
    if form.is_valid():
        try:
            services.moderate(actor, application, form.levels(), form.cleaned_data["reason"])
            messages.success(request, "Moderated.")
            return redirect("fund_application", application_id=application.pk)
        except ValidationError as error:
            _errors_to(form, error)
    return _unprocessable(request, "fund/application.html",
                          _application_context(actor, application, moderation_form=form))


@login_required
@require_GET
def quote_file(request: HttpRequest, quote_id: int) -> FileResponse:
    actor = Actor.of(request)
    quote = policy.get_quote(actor, quote_id)
    name = (quote.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(quote.file.open("rb"), as_attachment=True, filename=f"quote-{quote.pk}-{name}")


@login_required
@require_GET
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    actor = Actor.of(request)
    item = policy.get_evidence(actor, evidence_id)
    name = (item.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=f"evidence-{item.pk}-{name}")


# --- scoring -------------------------------------------------------------------------------------


def _score_context(actor: Actor, assignment: Any, form: Any = None) -> dict[str, Any]:
    application = assignment.application
    criteria = list(assignment.round.criteria.all())
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    editable = assignment.submitted_at is None and application.status == ApplicationStatus.SCORING
    return {
        "assignment": assignment,
        "application": application,
        "criteria": criteria,
        "form": form or forms.ScoreForm(criteria=criteria, initial_scores=existing),
        "editable": editable,
        "conflict_form": forms.ConflictForm() if editable else None,
        "total": services.assignment_total(assignment) if existing else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def assignment_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """An assessor's own scoring sheet: never the other assessor's levels."""
    actor = Actor.of(request)
    assignment = policy.get_assignment(actor, assignment_id)
    if assignment.conflict:
        return render(request, "fund/assignment.html", {"assignment": assignment, "conflict": True})
    if request.method == "GET":
        return render(request, "fund/assignment.html", _score_context(actor, assignment))
    criteria = list(assignment.round.criteria.all())
    form = forms.ScoreForm(request.POST, criteria=criteria, initial_scores={})
    if form.is_valid():
        try:
            services.save_scores(actor, assignment, form.levels(), final="submit" in request.POST)
            messages.success(request, "Scores submitted." if "submit" in request.POST else "Scores saved.")
            return redirect("fund_assignment", assignment_id=assignment.pk)
        except ValidationError as error:
            _errors_to(form, error)
    return _unprocessable(request, "fund/assignment.html", _score_context(actor, assignment, form))


@login_required
@require_POST
def assignment_conflict(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = Actor.of(request)
    assignment = policy.get_assignment(actor, assignment_id)
    form = forms.ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.declare_conflict(actor, assignment, form.cleaned_data["reason"])
            messages.success(request, "Conflict declared: the fund manager will assign another assessor.")
            return redirect("fund_home")
        except ValidationError as error:
            _errors_to(form, error)
    context = _score_context(actor, assignment)
    context["conflict_form"] = form
    return _unprocessable(request, "fund/assignment.html", context)

