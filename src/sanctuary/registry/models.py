"""The registry: organisations, the places of worship they run, and the people to call there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from sanctuary.access.models import OrganisationKind

__all__ = ["Contact", "Faith", "Organisation", "OrganisationKind", "Site", "SiteStatus"]


class Faith(models.TextChoices):
    ISLAM = "islam", "Islam"
    CHRISTIANITY = "christianity", "Christianity"
    JUDAISM = "judaism", "Judaism"
    SIKHISM = "sikhism", "Sikhism"
    HINDUISM = "hinduism", "Hinduism"
    BUDDHISM = "buddhism", "Buddhism"
    OTHER = "other", "Other"


class SiteStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # A faith organisation may belong to several umbrella bodies (a council of mosques and an
    # interfaith forum, say).
    umbrellas = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="members",
        blank=True,
        limit_choices_to={"kind": OrganisationKind.UMBRELLA},
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(max_length=200)
    faith = models.CharField(max_length=20, choices=Faith.choices)
    denomination = models.CharField("denomination or tradition", max_length=120, blank=True)
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=12, blank=True)
    ward = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    capacity = models.PositiveIntegerField(
        help_text="The most people the premises hold.", null=True, blank=True
    )
    typical_peak_attendance = models.PositiveIntegerField(null=True, blank=True)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sites",
        limit_choices_to={"kind": OrganisationKind.FAITH},
    )
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=SiteStatus.choices, default=SiteStatus.ACTIVE)
    # Stable id from the source of an import (an OpenStreetMap "node/123", a council reference):
    # re-importing updates the site that carries it instead of adding a second one.
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # Every view of a sensitive site (under a specific threat, say) is written to the audit log.
    is_sensitive = models.BooleanField(
        "sensitive", default=False, help_text="Record every view of this site in the audit log."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["ward"]), models.Index(fields=["faith"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.operator_id and self.operator.kind != OrganisationKind.FAITH:
            errors["operator"] = "A site is run by a faith organisation."
        if (
            self.capacity is not None
            and self.typical_peak_attendance is not None
            and self.typical_peak_attendance > self.capacity
        ):
            errors["typical_peak_attendance"] = (
                f"Typical peak attendance ({self.typical_peak_attendance}) is more than the "
                f"capacity ({self.capacity})."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status == SiteStatus.ACTIVE


class Contact(models.Model):
    """Someone to call at a site: the chair, the secretary, a key holder."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name
