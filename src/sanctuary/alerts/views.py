"""Alert pages: the inbox and the senders' list, composing and sending, acknowledging,
withdrawing and correcting."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor
from sanctuary.alerts import policy, services
from sanctuary.alerts.figures import IN_FORCE_DAYS
from sanctuary.alerts.forms import AcknowledgeForm, AlertForm, LinkAcknowledgeForm, WithdrawForm
from sanctuary.alerts.models import Alert, DeliveryStatus
from sanctuary.alerts.templates_data import templates


def _form_errors(form: AlertForm | AcknowledgeForm | LinkAcknowledgeForm | WithdrawForm, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@login_required
@require_GET
def alerts_page(request: HttpRequest) -> HttpResponse:
    """A contact's inbox (what to acknowledge first), a sender's alerts with their progress."""
    actor = Actor.of(request)
    alerts = policy.visible_alerts(actor).annotate(
        site_count=Count("recipients", distinct=True),
        acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True),
    ).order_by("-created_at", "-id")
    page = Paginator(alerts, 25).get_page(request.GET.get("page"))
    return render(request, "alerts/alerts.html", {
        "page": page,
        "waiting": policy.unacknowledged_for(actor),
        "withdrawn": policy.withdrawn_for(actor, timezone.now() - timedelta(days=IN_FORCE_DAYS)),
        "may_send": policy.may_send(actor),
        "templates": templates().values(),
    })


def _alert_form(request: HttpRequest, actor: Actor, alert: Alert | None = None) -> AlertForm:
    initial: dict[str, object] = {}
    if alert is not None:
        initial = {
            "title": alert.title, "urgency": alert.urgency, "body": alert.body, "ask": alert.ask,
            "faith": alert.audience_faith, "area": alert.audience_area, "ward": alert.audience_ward,
            "sites": [row.site for row in alert.recipients.all()] if alert.audience_chosen else [],
        }
    else:
        chosen = templates().get(request.GET.get("template", ""))
        if chosen is not None:
            initial = dict(chosen.filled())
    return AlertForm(
        request.POST or None, initial=initial,
        areas=policy.reachable_areas(actor), sites=policy.reachable_sites(actor),
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.may_send(actor):
        raise PermissionDenied("Only administrators and police supervisors send alerts.")
    form = _alert_form(request, actor)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.draft(actor, form.content(request.GET.get("template", "")), form.audience())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Draft saved: check the sites it reaches, then send it.")
            return redirect("alert", alert_id=alert.pk)
    return render(request, "alerts/alert_form.html", {
        "form": form, "templates": templates().values(), "alert": None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def alert_edit(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    alert = policy.get_alert(actor, alert_id, for_edit=True)
    form = _alert_form(request, actor, alert)
    if request.method == "POST" and form.is_valid():
        try:
            services.revise(actor, alert, form.content(alert.template), form.audience())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Draft saved.")
            return redirect("alert", alert_id=alert.pk)
    return render(request, "alerts/alert_form.html", {"form": form, "alert": alert, "templates": ()})


def _alert_page(request: HttpRequest, actor: Actor, alert: Alert, withdraw_form: WithdrawForm | None = None) -> HttpResponse:
    senders_side = policy.may_see_delivery(actor, alert)
    rows = list(policy.recipients_shown(actor, alert))
    pending = policy.to_acknowledge(actor, alert)
    deliveries = list(alert.deliveries.all()) if senders_side else []
    return render(request, "alerts/alert.html", {
        "alert": alert,
        "rows": rows,
        "senders_side": senders_side,
        "may_edit": alert.is_draft and policy.editable_alerts(actor).filter(pk=alert.pk).exists(),
        "deliveries": deliveries,
        "delivered": sum(1 for d in deliveries if d.status == DeliveryStatus.SENT),
        "failed": sum(1 for d in deliveries if d.status == DeliveryStatus.FAILED),
        "acknowledged": sum(1 for row in rows if row.acknowledged_at),
        "form": AcknowledgeForm(sites=policy.reachable_for_acknowledgement(pending)) if pending.exists() else None,
        "withdraw_form": withdraw_form or (
            WithdrawForm() if alert.stands and policy.withdrawable_alerts(actor).filter(pk=alert.pk).exists()
            else None
        ),
        "corrections": list(alert.corrections.filter(pk__in=policy.visible_alerts(actor).values("pk"))),
    })


@login_required
@require_GET
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    return _alert_page(request, actor, policy.get_alert(actor, alert_id))


@login_required
@require_POST
def alert_withdraw(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Withdraw a sent alert with a reason, or correct it: then on to the correction's draft."""
    actor = Actor.of(request)
    alert = policy.get_alert(actor, alert_id, for_withdrawal=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            done = services.withdraw(actor, alert, form.cleaned_data["reason"],
                                     correct=form.cleaned_data["correct"],
                                     site_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            told = f"{done.notices} address{'es' if done.notices != 1 else ''} will be told why"
            if done.correction is not None:
                messages.success(request, f"Withdrawn; {told}. Edit the correction, then send it.")
                return redirect("alert_edit", alert_id=done.correction.pk)
            messages.success(request, f"Withdrawn; {told}.")
            return redirect("alert", alert_id=alert.pk)
    return _alert_page(request, actor, alert, form)


@login_required
@require_POST
def alert_send(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    alert = policy.get_alert(actor, alert_id, for_edit=True)
    try:
        alert = services.send(actor, alert, site_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Sent to {alert.recipients.count()} sites.")
    return redirect("alert", alert_id=alert.pk)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    alert = policy.get_alert(actor, alert_id)
    form = AcknowledgeForm(
        request.POST, sites=policy.reachable_for_acknowledgement(policy.to_acknowledge(actor, alert))
    )
    if form.is_valid():
        services.acknowledge(actor, alert, form.cleaned_data["site"], form.cleaned_data["note"])
        messages.success(request, f"Acknowledged for {form.cleaned_data['site'].name}. Thank you.")
    else:
        messages.error(request, "Choose one of your sites that has not acknowledged yet.")
    return redirect("alert", alert_id=alert.pk)


# The link's address holds its credential: no request from its page says more than our origin in
# its Referer (not to another site, not to our own server's logs, for the page's style sheet).
# Not "no-referrer": browsers then send `Origin: null` with the form, and the CSRF check refuses it.
LINK_REFERRER_POLICY = "strict-origin"


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def alert_link(request: HttpRequest, token: str) -> HttpResponse:
    """A listed contact's acknowledgement link: what their message said, and one button that
    confirms for every site it spoke for. No account; the link is the credential."""
    delivery = policy.get_delivery_by_token(token)
    form = LinkAcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = Actor.link_holder(delivery.name, request.META.get("REMOTE_ADDR") or None)
        try:
            done = services.acknowledge_by_link(actor, delivery, form.cleaned_data["note"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if done.acknowledged:
                names = ", ".join(row.site.name for row in done.acknowledged)
                messages.success(request, f"Acknowledged for {names}. Thank you.")
            else:
                messages.info(request, "This was acknowledged already: nothing has changed.")
            response: HttpResponse = redirect(request.path)
            response["Referrer-Policy"] = LINK_REFERRER_POLICY
            return response
    rows = list(policy.link_recipients(delivery))
    response = render(request, "alerts/link.html", {
        "alert": delivery.alert, "delivery": delivery, "rows": rows, "form": form,
        "pending": [row for row in rows if row.acknowledged_at is None],
    })
    response["Referrer-Policy"] = LINK_REFERRER_POLICY
    return response
