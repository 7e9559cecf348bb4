"""Incidents and community concerns, the reports that tell of them, and the alerts of a surge.

An **incident** is one event (a threat painted on a wall); a **report** is one person's account
of it, with who they are and how to reach them. Several reports of the same event end up on one
incident (a merge), each keeping its reporter's identity apart. Reports have no default
manager: every query names why it reads identities (docs/incidents.md, "Privacy").
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.registry.models import Faith


class Category(models.TextChoices):
    """What happened: the six categories of the UK's community reporting charities, suspicious
    activity, and the community's policing concerns."""

    EXTREME_VIOLENCE = "extreme_violence", _("Extreme violence")
    ASSAULT = "assault", _("Assault")
    DAMAGE_DESECRATION = "damage_desecration", _("Damage and desecration of property")
    THREATS = "threats", _("Threats")
    ABUSIVE_BEHAVIOUR = "abusive_behaviour", _("Abusive behaviour")
    LITERATURE_ONLINE = "literature_online", _("Abusive literature or online abuse")
    SUSPICIOUS_ACTIVITY = "suspicious_activity", _("Suspicious activity")
    PATROL_REQUEST = "patrol_request", _("Request for police patrols")
    TRAFFIC_PARKING = "traffic_parking", _("Traffic and parking at gatherings")
    ANTISOCIAL_BEHAVIOUR = "antisocial_behaviour", _("Antisocial behaviour")
    LIGHTING = "lighting", _("Street lighting")
    OTHER_CONCERN = "other_concern", _("Another policing concern")


# Categories that are hate incidents or crimes, against the community's policing concerns.
INCIDENT_CATEGORIES = frozenset(
    {
        Category.EXTREME_VIOLENCE,
        Category.ASSAULT,
        Category.DAMAGE_DESECRATION,
        Category.THREATS,
        Category.ABUSIVE_BEHAVIOUR,
        Category.LITERATURE_ONLINE,
        Category.SUSPICIOUS_ACTIVITY,
    }
)

# Categories close enough that two reports of them may be one event (duplicates, docs/incidents.md).
CATEGORY_GROUPS: dict[str, str] = {
    Category.EXTREME_VIOLENCE: "violence",
    Category.ASSAULT: "violence",
    Category.DAMAGE_DESECRATION: "damage",
    Category.THREATS: "abuse",
    Category.ABUSIVE_BEHAVIOUR: "abuse",
    Category.LITERATURE_ONLINE: "abuse",
    Category.SUSPICIOUS_ACTIVITY: "suspicious",
    Category.PATROL_REQUEST: "concern",
    Category.TRAFFIC_PARKING: "concern",
    Category.ANTISOCIAL_BEHAVIOUR: "concern",
    Category.LIGHTING: "concern",
    Category.OTHER_CONCERN: "concern",
}


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


DEFAULT_SEVERITY: dict[str, str] = {
    Category.EXTREME_VIOLENCE: Severity.CRITICAL,
    Category.ASSAULT: Severity.HIGH,
    Category.DAMAGE_DESECRATION: Severity.HIGH,
    Category.THREATS: Severity.HIGH,
    Category.ABUSIVE_BEHAVIOUR: Severity.MEDIUM,
    Category.LITERATURE_ONLINE: Severity.MEDIUM,
    Category.SUSPICIOUS_ACTIVITY: Severity.MEDIUM,
    Category.PATROL_REQUEST: Severity.LOW,
    Category.TRAFFIC_PARKING: Severity.LOW,
    Category.ANTISOCIAL_BEHAVIOUR: Severity.LOW,
    Category.LIGHTING: Severity.LOW,
    Category.OTHER_CONCERN: Severity.LOW,
}


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    REFERRED_TO_POLICE = "referred_to_police", _("Referred to the police")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    CLOSED_NOT_RESOLVED = "closed_not_resolved", _("Closed – not resolved")
    DUPLICATE = "duplicate", _("Duplicate of another report")


OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
# The honest outcomes a handler closes a case with (a duplicate is closed by a merge).
OUTCOMES = frozenset(
    {
        Status.RESOLVED,
        Status.REFERRED_TO_POLICE,
        Status.NO_FURTHER_ACTION,
        Status.CLOSED_NOT_RESOLVED,
    }
)


class Source(models.TextChoices):
    """How the report came in."""

    PUBLIC = "public", _("Public form")
    SITE_CONTACT = "site_contact", _("Site contact")
    STAFF = "staff", _("Taken by staff (telephone, in person)")
    REPORTING_ORGANISATION = "reporting_organisation", _("Reporting organisation")
    API = "api", _("API")


REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


def new_reference() -> str:
    """A reference that says nothing about how many reports there are: SR-XXXX-XXXX."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SR-{chars[:4]}-{chars[4:]}"


class Incident(models.Model):
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    category = models.CharField(_("what happened"), max_length=30, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    outcome_note = models.TextField(blank=True)
    occurred_on = models.DateField(_("when it happened"))
    occurred_at = models.TimeField(_("at what time"), null=True, blank=True)
    date_is_approximate = models.BooleanField(_("the date is approximate"), default=False)
    site = models.ForeignKey(
        "registry.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    area = models.ForeignKey("registry.Area", on_delete=models.PROTECT, related_name="incidents")
    ward = models.CharField(max_length=120, blank=True)
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    faith_targeted = models.CharField(
        _("faith targeted"), max_length=20, choices=Faith.choices, blank=True
    )
    target_description = models.CharField(_("who or what was targeted"), max_length=300, blank=True)
    description = models.TextField(_("what happened, in your words"))
    police_reference = models.CharField(_("police crime reference"), max_length=40, blank=True)
    reported_elsewhere = models.CharField(_("also reported to"), max_length=300, blank=True)
    handling_organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_incidents",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_incidents",
    )
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.PUBLIC)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledge_by = models.DateTimeField()
    first_action_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    status_before_merge = models.CharField(max_length=20, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["occurred_on"]),
            models.Index(fields=["status", "acknowledge_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.site_id is not None and self.site is not None:
            return self.site.latitude, self.site.longitude
        return None


def hash_tracking_key(key: str) -> str:
    """Only the hash of a tracking key is kept, as for API tokens: the key is shown once."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_tracking_key() -> str:
    return secrets.token_urlsafe(24)


class TrackedReports(models.Manager["Report"]):
    """The one report a tracking link opens: the reporter's own."""

    def find(self, key: str) -> Report | None:
        if not key or len(key) > 100:
            return None
        return self.select_related("incident").filter(tracking_hash=hash_tracking_key(key)).first()


class ReportsOfIncidents(models.Manager["Report"]):
    """Reports of incidents a door has already let the actor see: the identity door's only way in."""

    def of(self, incident_ids: Any) -> models.QuerySet[Report]:
        return self.filter(incident_id__in=incident_ids)


class Report(models.Model):
    """One person's report of an incident: who they are, how to reach them, what they consent
    to. Seen only by the handling organisation's case handlers and administrators, each view
    audited (incidents/policy.py, `reporters_of`)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    anonymous = models.BooleanField(default=True)
    name = models.CharField(_("your name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    consent_contact = models.BooleanField(_("we may contact you about this report"), default=False)
    consent_police = models.BooleanField(
        _("we may pass your details to the police"), default=False
    )
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.PUBLIC)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(  # the reporting organisation or site's operator it came through
        "registry.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    external_reference = models.CharField(_("your organisation's reference"), max_length=60, blank=True)
    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A form's one-time key: the same submission sent twice (a retry, a double tap) is one report.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # No `objects`: a report carries a reporter's identity; every query names its scope.
    tracked = TrackedReports()
    of_incidents = ReportsOfIncidents()

    class Meta:
        ordering = ["created_at"]
        default_manager_name = "of_incidents"
        base_manager_name = "of_incidents"

    def __str__(self) -> str:
        return f"report of {self.incident.reference}"


class Direction(models.TextChoices):
    TO_REPORTER = "to_reporter", _("To the reporter")
    FROM_REPORTER = "from_reporter", _("From the reporter")
    NOTE = "note", _("Internal note")


class Message(models.Model):
    """A message between the handler and one reporter, or a handler's internal note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    body = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on {self.incident.reference}"


class Photo(models.Model):
    """A photo of a report, re-encoded on upload so that no EXIF or GPS metadata is kept."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"photo of {self.incident.reference}"


class SurgeScope(models.TextChoices):
    OVERALL = "overall", _("Every incident")
    FAITH = "faith", _("One faith")
    AREA = "area", _("One area")
    WARD = "ward", _("One ward")


class SurgeAlertRecord(models.Model):
    """A surge the nightly check found (incidents/surge.py), with its evidence."""

    scope = models.CharField(max_length=10, choices=SurgeScope.choices)
    key = models.CharField(max_length=200)  # the faith, the area's code, "area code/ward"
    area = models.ForeignKey(
        "registry.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    since = models.DateField()
    day = models.DateField()
    last_alarm = models.DateField()
    expected = models.FloatField()
    observed = models.PositiveIntegerField()
    statistic = models.FloatField()
    threshold = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "scope", "key"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "day"], name="one_alert_per_episode")
        ]

    def __str__(self) -> str:
        return f"surge in {self.key or 'all'} from {self.since}"


class RecordedCrime(models.Model):
    """One row of the police's public street-level crime files (data.police.uk): context kept
    apart from incidents, never counted with them. Locations are already anonymised by the
    police to the nearest of a set of map points."""

    row_key = models.CharField(max_length=64, unique=True, editable=False)  # re-imports add nothing
    crime_id = models.CharField(max_length=64, blank=True)
    month = models.DateField()  # the first day of the month the police give
    reported_by = models.CharField(max_length=120, blank=True)
    falls_within = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    lsoa_code = models.CharField(max_length=12, blank=True)
    lsoa_name = models.CharField(max_length=120, blank=True)
    crime_type = models.CharField(max_length=80)
    last_outcome = models.CharField(max_length=200, blank=True)
    context = models.TextField(blank=True)

    class Meta:
        ordering = ["-month", "pk"]
        indexes = [models.Index(fields=["latitude", "longitude"]), models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.crime_type}, {self.month:%B %Y}"
