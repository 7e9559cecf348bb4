"""Patrol units and their shifts, a week's plan, its visits, and what officers really did.

The plan's future times are what an attacker wants: every read goes through patrols/policy.py,
which shows future routes only to the area's police and council patrol staff.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sanctuary.access.models import PersonalFeed
from sanctuary.registry.models import Area, Organisation, Site


class UnitKind(models.TextChoices):
    POLICE = "police", "Police officers"
    ENFORCEMENT = "enforcement", "Council enforcement officers"
    GUARD = "guard", "Security guards"
    STEWARD = "steward", "Volunteer stewards"


class TravelMode(models.TextChoices):
    FOOT = "foot", "On foot"
    BICYCLE = "bicycle", "Bicycle"
    CAR = "car", "Car"


class PatrolUnit(models.Model):
    """A patrol that goes out together (two officers on foot, a car): one unit however many
    shifts it works. A steward only ever covers their own site."""

    name = models.CharField("call sign or name", max_length=80)
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    mode = models.CharField("travels", max_length=10, choices=TravelMode.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A steward's own site: the only one they cover.",
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="patrol_units",
        help_text="The people who work this unit's shifts: they see its route and check in.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="one_unit_name_per_area")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == UnitKind.STEWARD and self.site_id is None:
            raise ValidationError({"site": "A steward covers their own site: choose it."})
        # guards may be posted at one site (funded guarding: fund.awards_services) or patrol
        if self.kind in (UnitKind.POLICE, UnitKind.ENFORCEMENT) and self.site_id is not None:
            raise ValidationError(
                {"site": "Only stewards and guards are posted at one site; leave it empty."}
            )


class Shift(models.Model):
    unit = models.ForeignKey(PatrolUnit, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField()
    end = models.DateTimeField()
    base_latitude = models.FloatField(
        "base latitude", validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    base_longitude = models.FloatField(
        "base longitude", validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        ordering = ["start", "unit__name"]

    def __str__(self) -> str:
        return f"{self.unit} {self.start:%a %d %b %H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The shift must end after it starts."})
        if self.start and self.end and (self.end - self.start).total_seconds() > 16 * 3600:
            raise ValidationError({"end": "A shift lasts at most 16 hours."})


THREAT_LEVELS = [
    ("low", "Low"), ("moderate", "Moderate"), ("substantial", "Substantial"), ("severe", "Severe"),
    ("critical", "Critical"),
]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PLANNING = "planning", "Planning"
    READY = "ready", "Ready for review"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class Plan(models.Model):
    """A week of patrols for one or more areas: generated in the background, reviewed, edited,
    then published (read-only from then on)."""

    areas = models.ManyToManyField(Area, related_name="+")
    week_start = models.DateField("week starting")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)  # 0..100
    message = models.CharField(max_length=200, blank=True)
    cancel_requested = models.BooleanField(default=False)
    seed = models.PositiveIntegerField(default=1)
    dwell_minutes = models.PositiveSmallIntegerField(
        "minutes at each visit", default=15, validators=[MinValueValidator(5), MaxValueValidator(60)]
    )
    excluded_units = models.ManyToManyField(PatrolUnit, blank=True, related_name="+")
    # What the planner said: the defender's utility, the bound on the best plan and the gap,
    # the baselines' utilities, each window's coverage and why a window could not be reached.
    utility = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    baselines = models.JSONField(default=dict, blank=True)
    windows = models.JSONField(default=list, blank=True)
    stopped = models.CharField(max_length=60, blank=True)
    # A surge: the rest of the week re-planned from this moment at this national threat level,
    # keeping the visits before it (docs/patrols.md).
    threat_level = models.CharField(
        "national threat level", max_length=12, choices=THREAT_LEVELS, default="substantial"
    )
    replanned_from = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-id"]

    def __str__(self) -> str:
        names = ", ".join(area.name for area in self.areas.all())
        return f"Patrol plan {names}, week of {self.week_start:%d %b %Y}"

    @property
    def is_editable(self) -> bool:
        return self.status in {PlanStatus.DRAFT, PlanStatus.READY, PlanStatus.FAILED}

    @property
    def is_running(self) -> bool:
        return self.status == PlanStatus.PLANNING


class MissedReason(models.TextChoices):
    CALLED_AWAY = "called_away", "Called away to an emergency"
    RUNNING_LATE = "running_late", "Running late: could not reach it in the window"
    SHIFT_CHANGED = "shift_changed", "Shift changed or cancelled"
    SITE_CLOSED = "site_closed", "Site closed or gathering cancelled"
    OTHER = "other", "Another reason"


class PlannedVisit(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey(PatrolUnit, on_delete=models.PROTECT, related_name="visits")
    shift = models.ForeignKey(Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    window_key = models.CharField(max_length=120)
    window_label = models.CharField("gathering", max_length=200, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    arrive = models.DateTimeField()
    start = models.DateTimeField()
    dwell_minutes = models.PositiveSmallIntegerField(default=15)
    pinned = models.BooleanField(default=False)
    missed_reason = models.CharField(max_length=20, choices=MissedReason.choices, blank=True)
    missed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start", "unit__name"]

    def __str__(self) -> str:
        return f"{self.unit} at {self.site} {self.start:%a %H:%M}"

    @property
    def end(self):  # noqa: ANN201 (a datetime)
        from datetime import timedelta

        return self.start + timedelta(minutes=self.dwell_minutes)


class CheckInKind(models.TextChoices):
    IN = "in", "Check-in"
    OUT = "out", "Check-out"


class CheckIn(models.Model):
    """What an officer's phone said: when and where, and whether the server accepted it.

    `client_id` is made on the phone, so a check-in sent twice (a flaky connection, the
    offline queue) is recorded once."""

    visit = models.ForeignKey(PlannedVisit, on_delete=models.CASCADE, related_name="check_ins")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=3, choices=CheckInKind.choices, default=CheckInKind.IN)
    at = models.DateTimeField("time on the phone")
    received_at = models.DateTimeField(auto_now_add=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    accepted = models.BooleanField()
    refusal_reason = models.CharField(max_length=300, blank=True)
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visit} at {self.at:%H:%M}"


class RotaFeed(PersonalFeed):
    """An officer's personal iCalendar link to their own rota (a credential:
    access.models.PersonalFeed)."""

    def __str__(self) -> str:
        return f"Rota feed of {self.user}"
