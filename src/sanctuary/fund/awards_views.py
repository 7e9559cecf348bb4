"""Pages of the fund's decided side (docs/fund-decisions.md): the allocation and its
confirmation, decisions and appeals, awards with their installation and claims, the round's
report. Thin: actor, door, form, one service call."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sanctuary.access.actor import Actor
from sanctuary.fund import awards_forms as forms
from sanctuary.fund import awards_policy as policy
from sanctuary.fund import awards_services as services
from sanctuary.fund import letters, report
from sanctuary.fund import policy as fund_policy
from sanctuary.fund.benefit import measure_names
from sanctuary.fund.models import Allocation, AllocationStatus, Award
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Faith
from sanctuary.spreadsheet_cells import safe_cell


def _shows_decisions(actor: Actor) -> bool:
    return fund_policy.is_manager(actor) or fund_policy.is_applicant(actor)


def _errors(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


# --- the allocation ------------------------------------------------------------------------------


def _group_name(group: str) -> str:
    """A rule's group in words: "faith:judaism" -> "Judaism sites", "area:3" -> its area."""
    kind, _, value = group.partition(":")
    if kind == "faith":
        return f"{Faith(value).label} sites" if value in Faith.values else group
    area = policy.area_named(value)
    return f"sites in {area}" if area else group


def _allocation_context(actor: Actor, round_: Any) -> dict[str, Any]:
    run = policy.latest_run(round_)
    baselines = {row.method: row for row in run.baselines.all()} if run else {}
    applications = {str(a.pk): a for a in policy.applications_to_allocate(round_)}
    packages = {
        (str(a.pk), p.label): p for a in applications.values() for p in a.packages.all()
    }
    rows = []
    if run and run.status == AllocationStatus.DONE:
        chosen = run.result.get("chosen", {})
        for item in run.result.get("explanations", []):
            key = item["application"]
            rows.append({
                "explanation": item,
                "application": applications.get(key),
                "optimal": chosen.get(key),
                "greedy": baselines["greedy"].result["chosen"].get(key) if "greedy" in baselines else None,
                "fcfs": baselines["fcfs"].result["chosen"].get(key) if "fcfs" in baselines else None,
                "package": packages.get((key, chosen.get(key))),
            })
    rules = round_.allocation_rules or {}
    said = [f"at least {share:.0%} of the budget to {_group_name(group)}"
            for group, share in (rules.get("min_share") or {}).items()]
    said += [f"at most £{cap:,.0f} to {_group_name(group)}"
             for group, cap in (rules.get("max_per_group") or {}).items()]
    further = run.result.get("further", {}) if run else {}
    names = run.result.get("names", {}) if run else {}
    return {
        "round": round_, "run": run, "baselines": baselines, "rows": rows, "rules": said,
        "ready": len(applications), "waiting": policy.applications_waiting(round_),
        "cut_off": 1000 * run.shadow_price if run and run.shadow_price is not None else None,
        "further": further,
        "further_funded": [(names.get(k, k), v) for k, v in further.get("funded", {}).items()],
        "may_confirm": bool(run and run.status == AllocationStatus.DONE and not run.confirmed_at
                            and round_.status not in ("decided", "finished")),
        "may_run": round_.status not in ("decided", "finished") and not (
            run and run.status in (AllocationStatus.QUEUED, AllocationStatus.RUNNING)),
    }


@login_required
@require_GET
def allocation_page(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_managed_round(actor, round_id)
    return render(request, "fund/allocation.html", _allocation_context(actor, round_))


@login_required
@require_POST
def allocation_run(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    round_ = policy.get_managed_round(actor, round_id)
    try:
        services.start_allocation(actor, round_)
        messages.success(request, "The allocation has started: this page shows its progress.")
    except (services.AllocationRefused, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    return redirect("fund_allocation", round_id=round_.pk)


@login_required
@require_GET
def allocation_progress(request: HttpRequest, allocation_id: int) -> HttpResponse:
    actor = Actor.of(request)
    run = policy.get_allocation(actor, allocation_id)
    response = render(request, "fund/_progress.html", {"run": run})
    if run.status not in (AllocationStatus.QUEUED, AllocationStatus.RUNNING) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def allocation_confirm(request: HttpRequest, allocation_id: int) -> HttpResponse:
    actor = Actor.of(request)
    run: Allocation = policy.get_allocation(actor, allocation_id)
    try:
        decisions = services.confirm_allocation(actor, run)
        messages.success(request, f"{len(decisions)} decisions made; the letters are being sent.")
    except services.AllocationRefused as error:
        messages.error(request, str(error))
    return redirect("fund_allocation", round_id=run.round_id)


# --- decisions and appeals ------------------------------------------------------------------------


@login_required
@require_GET
def decisions_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not (fund_policy.is_manager(actor) or fund_policy.is_applicant(actor)):
        raise PermissionDenied("Decisions are for applicants and fund managers.")
    decisions = policy.visible_decisions(actor).prefetch_related("appeals").order_by("-decided_at", "pk")
    return render(request, "fund/decisions.html", {
        "decisions": decisions, "show_decisions": True, "appeal_form": forms.AppealForm(), "answer_form": forms.AppealAnswerForm(),
        "managed": set(policy.managed_rounds(actor).values_list("pk", flat=True)),
    })


@login_required
@require_GET
def decision_letter(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = Actor.of(request)
    decision = policy.get_decision(actor, decision_id)
    response = HttpResponse(letters.letter_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letters.file_name(decision)}"'
    return response


@login_required
@require_POST
def appeal(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = Actor.of(request)
    decision = policy.get_own_decision(actor, decision_id)
    form = forms.AppealForm(request.POST)
    if form.is_valid():
        try:
            services.lodge_appeal(actor, decision, form.cleaned_data["text"])
            messages.success(request, "Your appeal is lodged; the fund managers will answer it.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Say why the decision should change.")
    return redirect("fund_decisions")


@login_required
@require_POST
def appeal_answer(request: HttpRequest, appeal_id: int) -> HttpResponse:
    actor = Actor.of(request)
    lodged = policy.get_appeal(actor, appeal_id, for_edit=True)
    form = forms.AppealAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_appeal(actor, lodged, form.cleaned_data["upheld"], form.cleaned_data["outcome"],
                                   form.cleaned_data["package"])
            messages.success(request, "The appeal is answered.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose an answer and give its reasons.")
    return redirect("fund_decisions")


# --- awards ------------------------------------------------------------------------------------------


@login_required
@require_GET
def awards_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not (fund_policy.is_manager(actor) or fund_policy.is_applicant(actor) or policy.is_police(actor)
            or policy.is_adviser(actor)):
        raise PermissionDenied("Awards are for applicants, fund managers, advisers and the police.")
    awards = list(policy.visible_awards(actor).order_by("-created_at", "pk"))
    registry_policy.sites_shown(actor, [a.application.site for a in awards], "the fund's awards")
    rounds = policy.managed_rounds(actor).order_by("-opens_on", "name")
    return render(request, "fund/awards.html", {"awards": awards, "rounds": rounds,
                                                "show_decisions": _shows_decisions(actor)})


def _award_context(actor: Actor, award: Award, **forms_given: Any) -> dict[str, Any]:
    installation = getattr(award, "installation", None)
    own = policy.own_awards(actor).filter(pk=award.pk).exists()
    may_claims = policy.may_see_claims(actor, award)
    initial = {}
    if installation is not None:
        initial = {name: getattr(installation, name) for name in forms.InstallationForm.base_fields}
    return {
        "award": award, "installation": installation, "own": own,
        "measures": measure_names(award.package), "show_decisions": _shows_decisions(actor),
        "may_edit": policy.may_edit_installation(actor, award) and award.accepted_at is not None
        and not (installation and installation.signed_off_at),
        "may_sign_off": policy.may_sign_off(actor, award) and installation is not None
        and installation.signed_off_at is None,
        "may_claims": may_claims, "may_manage": policy.may_manage(actor, award.application.round),
        "claims": award.claims.order_by("submitted_at") if may_claims else [],
        "photos": installation.photos.all() if installation and (may_claims or policy.may_sign_off(actor, award)) else [],
        "maintenance": services.maintenance_state(award),
        "installation_form": forms_given.get("installation_form") or forms.InstallationForm(initial=initial),
        "photo_form": forms_given.get("photo_form") or forms.PhotoForm(),
        "claim_form": forms_given.get("claim_form") or forms.ClaimForm(),
        "status_form": forms.ClaimStatusForm(),
    }


@login_required
@require_GET
def award_page(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_award(actor, award_id)
    return render(request, "fund/award.html", _award_context(actor, award))


@login_required
@require_POST
def award_accept(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_own_award(actor, award_id)
    services.accept_award(actor, award)
    messages.success(request, "Award accepted. Record the installation as it goes.")
    return redirect("fund_award", award_id=award.pk)


@login_required
@require_POST
def installation_save(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_award(actor, award_id)
    if not policy.may_edit_installation(actor, award):
        raise PermissionDenied("Only the applicant or the fund manager records the installation.")
    form = forms.InstallationForm(request.POST)
    if form.is_valid():
        try:
            services.save_installation(actor, award, form.cleaned_data)
            messages.success(request, "Installation saved.")
            return redirect("fund_award", award_id=award.pk)
        except ValidationError as error:
            _errors(form, error)
    return render(request, "fund/award.html", _award_context(actor, award, installation_form=form), status=422)


@login_required
@require_POST
def installation_photo(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_award(actor, award_id)
    installation = getattr(award, "installation", None)
    if not policy.may_edit_installation(actor, award) or installation is None:
        raise PermissionDenied("Record the installation first (the applicant or the fund manager).")
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_installation_photo(actor, installation, form.cleaned_data["photo"], form.cleaned_data["caption"])
            messages.success(request, "Photo added.")
            return redirect("fund_award", award_id=award.pk)
        except ValidationError as error:
            form.add_error("photo", error.messages)
    return render(request, "fund/award.html", _award_context(actor, award, photo_form=form), status=422)


@login_required
@require_GET
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = policy.get_installation_photo(Actor.of(request), photo_id)
    return FileResponse(photo.photo.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def sign_off(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_award(actor, award_id)
    if not policy.may_sign_off(actor, award):
        raise PermissionDenied("The security adviser of the site's area signs installations off.")
    try:
        services.sign_off(actor, award.installation)
        messages.success(request, "Signed off: the year of maintenance has started and a re-survey is scheduled.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("fund_award", award_id=award.pk)


@login_required
@require_POST
def claim_submit(request: HttpRequest, award_id: int) -> HttpResponse:
    actor = Actor.of(request)
    award = policy.get_award(actor, award_id)
    if not policy.own_awards(actor).filter(pk=award.pk).exists():
        raise PermissionDenied("Only the applicant claims against an award.")
    form = forms.ClaimForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_claim(actor, award, form.cleaned_data["amount"], form.cleaned_data["invoice"])
            messages.success(request, "Claim submitted.")
            return redirect("fund_award", award_id=award.pk)
        except ValidationError as error:
            _errors(form, error)
    return render(request, "fund/award.html", _award_context(actor, award, claim_form=form), status=422)


@login_required
@require_POST
def claim_status(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = Actor.of(request)
    claim = policy.get_claim(actor, claim_id, for_edit=True)
    form = forms.ClaimStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_claim_status(actor, claim, form.cleaned_data["status"])
            messages.success(request, "Claim updated.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("fund_award", award_id=claim.award_id)


@login_required
@require_GET
def invoice_file(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = policy.get_claim(Actor.of(request), claim_id)
    content_type = "application/pdf" if (claim.invoice.name or "").endswith(".pdf") else "image/jpeg"
    return HttpResponse(services.invoice_bytes(claim), content_type=content_type)


# --- the report --------------------------------------------------------------------------------------


def _report(actor: Actor, round_id: int) -> report.RoundReport:
    round_ = policy.get_managed_round(actor, round_id)
    awards = list(policy.visible_awards(actor).filter(application__round=round_).select_related(
        "resurvey").order_by("application__site__name"))
    registry_policy.sites_shown(actor, [a.application.site for a in awards], "a fund round's report")
    return report.round_report(round_, awards)


@login_required
@require_GET
def report_page(request: HttpRequest, round_id: int) -> HttpResponse:
    return render(request, "fund/report.html", {"report": _report(Actor.of(request), round_id)})


@login_required
@require_GET
def report_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = Actor.of(request)
    made = _report(actor, round_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fund-round-{made.round.pk}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(["site", "faith", "package", "award", "claimed", "paid", "installed",
                     "risk_before", "risk_after", "risk_removed", "removed_per_1000"])

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    for line in made.lines:
        writer.writerow([safe_cell(line.site), safe_cell(line.faith), safe_cell(line.package),
                         f"{line.amount:.2f}", f"{line.claimed:.2f}", f"{line.paid:.2f}",
                         "yes" if line.installed else "no", number(line.risk_before),
                         number(line.risk_after), number(line.removed), number(line.removed_per_thousand)])
    writer.writerow(["total", "", "", f"{made.awarded:.2f}", f"{made.claimed:.2f}", f"{made.paid:.2f}", "",
                     number(made.risk_before), number(made.risk_after), number(made.removed),
                     number(made.removed_per_thousand)])
    return response
