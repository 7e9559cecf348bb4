"""Alerts and advice to sites: what was said, to which sites, who was sent it, who acknowledged.

An alert's audience is resolved to sites when it is drafted (and again when it is sent, so that
a site added meanwhile is not forgotten); each site of the audience is one `AlertSite`, which its
contacts acknowledge; each address it was sent to is one `Delivery`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models

from sanctuary.registry.models import Area, Faith, Site


class Urgency(models.TextChoices):
    ADVICE = "advice", "Advice"
    WARNING = "warning", "Warning"
    URGENT = "urgent", "Urgent: act today"


class AlertStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Alert(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=10_000)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ADVICE)
    ask = models.CharField(
        "what to acknowledge", max_length=300,
        help_text="What each site confirms it has done, e.g. “We have reviewed our lockdown procedure.”",
    )
    template = models.CharField(max_length=40, blank=True)  # a key of data/templates.toml
    # The audience as asked for: chosen sites, or every active site in the sender's areas
    # narrowed by faith, area and ward (each optional).
    audience_faith = models.CharField(max_length=20, choices=Faith.choices, blank=True)
    audience_area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    audience_ward = models.CharField(max_length=120, blank=True)
    audience_chosen = models.BooleanField(default=False)  # the sites were chosen one by one
    origin = models.CharField(max_length=200, blank=True)  # what drafted it: "Heightened alert 3"
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sites = models.ManyToManyField(Site, through="AlertSite", related_name="+")
    # A sent alert withdrawn (sent in error, or corrected): who, when, why; its recipients are told.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    # A correction names the withdrawn alert it replaces.
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )

    objects = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == AlertStatus.DRAFT

    @property
    def stands(self) -> bool:
        """Sent and not withdrawn: what its acknowledgement links need (a withdrawal ends them)."""
        return self.status == AlertStatus.SENT

    @property
    def is_withdrawn(self) -> bool:
        return self.status == AlertStatus.WITHDRAWN

    def audience_label(self) -> str:
        if self.audience_chosen:
            return "Chosen sites"
        parts = [
            self.get_audience_faith_display() if self.audience_faith else "",
            self.audience_area.name if self.audience_area else "",
            f"ward {self.audience_ward}" if self.audience_ward else "",
        ]
        named = ", ".join(part for part in parts if part)
        return f"All sites: {named}" if named else "All sites in the sender's areas"


class AlertSite(models.Model):
    """One site of an alert's audience, and its acknowledgement."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    # Acknowledged by a listed contact through their e-mailed link (no account): the delivery
    # names them.
    acknowledged_via = models.ForeignKey(
        "Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = models.Manager()

    class Meta:
        ordering = ["site__name", "id"]
        constraints = [models.UniqueConstraint(fields=["alert", "site"], name="one_row_per_alert_site")]

    def __str__(self) -> str:
        return f"{self.alert} → {self.site}"

    @property
    def acknowledger(self) -> str:
        """Who acknowledged, as the sender reads it: a person's account, or a listed contact's
        name with how they did it."""
        if self.acknowledged_by is not None:
            return str(self.acknowledged_by)
        if self.acknowledged_via is not None:
            return f"{self.acknowledged_via.name or self.acknowledged_via.address} (by e-mailed link)"
        return ""


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # queued when its alert was withdrawn: never sent
    CANCELLED = "cancelled", "Not sent (withdrawn)"


# How long after its message was sent an acknowledgement link opens (while the alert stands).
LINK_DAYS = 30
LINK_LIFETIME = timedelta(days=LINK_DAYS)


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def hash_link_token(token: str) -> str:
    """Only the hash of a link's token is kept, as for tracking links and API tokens: a copy of
    the database (a backup) opens no one's link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Delivery(models.Model):
    """One message to one address (an e-mail today; a phone number when SMS comes)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, default="email")  # a provider's channel
    address = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    site_names = models.JSONField(default=list)  # the audience's sites this address speaks for
    site_ids = models.JSONField(default=list)  # the same sites, by id
    # An address of no account (a site's listed contact) gets a personal acknowledgement link;
    # only its token's hash is kept, set by the worker as it sends the message.
    with_link = models.BooleanField(default=False)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The notice of the alert's withdrawal to this address (blank: none due), sent by the worker.
    notice_status = models.CharField(max_length=10, choices=DeliveryStatus.choices, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    notice_error = models.CharField(max_length=300, blank=True)

    objects = models.Manager()

    class Meta:
        ordering = ["address", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel", "address"], name="one_delivery_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.alert} to {self.address}"
