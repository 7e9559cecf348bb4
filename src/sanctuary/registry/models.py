"""The registry: organisations, the places of worship they run, and the people to call there."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from sanctuary.access.models import OrganisationKind
from sanctuary.registry import geometry

__all__ = [
    "Area",
    "Contact",
    "Faith",
    "Organisation",
    "OrganisationKind",
    "Site",
    "SiteStatus",
    "Ward",
]


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


class Area(models.Model):
    """A local authority area (a borough, a district): the unit of need to know for staff."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        help_text="The Office for National Statistics code, e.g. E09000030 for Tower Hamlets.",
    )
    # A GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude): when it is there, a
    # site's area comes from its coordinates (registry.geometry).
    boundary = models.JSONField(null=True, blank=True)
    # The boundary's box, kept beside it so that finding a point's area reads few boundaries.
    west = models.FloatField(null=True, blank=True, editable=False)
    south = models.FloatField(null=True, blank=True, editable=False)
    east = models.FloatField(null=True, blank=True, editable=False)
    north = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # the box follows the boundary: derived, never typed
        box = geometry.bounding_box(self.boundary) if self.boundary else (None,) * 4
        self.west, self.south, self.east, self.north = box
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.boundary:
            try:
                geometry.polygons(self.boundary)
            except geometry.NotAPolygon as error:
                raise ValidationError({"boundary": str(error)}) from None

    @classmethod
    def at(cls, longitude: float, latitude: float) -> Area | None:
        """The area whose boundary holds the point, if boundaries are loaded there."""
        near = cls.objects.filter(
            west__lte=longitude, east__gte=longitude, south__lte=latitude, north__gte=latitude
        )
        return geometry.area_at(((a, a.boundary) for a in near), longitude, latitude)


class Ward(models.Model):
    """An electoral ward of an area: a site's ward is chosen from its area's list."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="wards")
    name = models.CharField(max_length=120)
    code = models.CharField("ONS code", max_length=9, blank=True)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="registry_ward_once_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # Where it works: a council service its one area, a police unit its division's areas, a
    # faith organisation the areas of its sites, an umbrella body its members' areas.
    areas = models.ManyToManyField(Area, blank=True, related_name="organisations")
    # A national body, umbrella or reporting charity: its staff roles cover every area.
    covers_all_areas = models.BooleanField(
        "works in every area",
        default=False,
        help_text="A national body, umbrella or reporting charity.",
    )
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
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sites")
    # One of the area's wards, by its name (Site.clean checks it is on the area's list).
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
        indexes = [
            models.Index(fields=["ward"]),
            models.Index(fields=["faith"]),
            models.Index(fields=["area", "status"]),
            # lists are in order of name: a page of a country's sites is read off this index
            models.Index(fields=["name", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site_detail", args=[self.pk])

    def full_clean(self, exclude: Any = None, *args: Any, **kwargs: Any) -> None:
        # clean() reads what the caller excluded: an import checks each row's area and ward
        # itself, against the areas it read once, instead of asking the database per row
        self._excluded = set(exclude or ())
        try:
            super().full_clean(exclude, *args, **kwargs)
        finally:
            del self._excluded

    def clean(self) -> None:
        errors = {}
        if self.operator_id and self.operator.kind != OrganisationKind.FAITH:
            errors["operator"] = "A site is run by a faith organisation."
        excluded: set[str] = getattr(self, "_excluded", set())
        if (
            "area" not in excluded
            and self.area_id
            and self.latitude is not None
            and self.longitude is not None
        ):
            found = Area.at(self.longitude, self.latitude)
            if found is not None and found.pk != self.area_id:
                errors["area"] = (
                    f"These coordinates are in {found.name}, not {self.area.name}: check them, "
                    "or choose that area."
                )
        if "ward" not in excluded and self.ward and self.area_id:
            wards = list(self.area.wards.values_list("name", flat=True))
            if self.ward not in wards:
                errors["ward"] = (
                    f"{self.ward!r} is not a ward of {self.area.name}: choose one of "
                    f"{', '.join(wards) or 'its wards (none are listed yet)'}."
                )
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
