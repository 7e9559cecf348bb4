"""Security surveys, their answers and photos, the national threat level, Martyn's Law records.

The questionnaire itself is data (``data/instrument-<version>.toml``, read by ``instrument.py``);
a survey keeps the version it was taken under. Answers and photos are sensitive (they say which
site has no CCTV): they have no default manager, only named ones, and pages reach them through
``surveys.policy``, which audits every view.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sanctuary.registry.models import Area, Faith, Site
from sanctuary.surveys.martyns_law import DutyStatus as CoreDutyStatus
from sanctuary.surveys.risk.parameters import ThreatLevel as CoreThreatLevel


class SurveyKind(models.TextChoices):
    ADVISER = "adviser", "Adviser's survey"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    REVIEWED = "reviewed", "Reviewed"


class ThreatLevel(models.TextChoices):
    """The UK national terrorism threat level (the core's ThreatLevel, as choices)."""

    LOW = CoreThreatLevel.LOW.value, "Low"
    MODERATE = CoreThreatLevel.MODERATE.value, "Moderate"
    SUBSTANTIAL = CoreThreatLevel.SUBSTANTIAL.value, "Substantial"
    SEVERE = CoreThreatLevel.SEVERE.value, "Severe"
    CRITICAL = CoreThreatLevel.CRITICAL.value, "Critical"


class DutyStatus(models.TextChoices):
    """A Martyn's Law duty's status as a person records it (the core's DutyStatus, as choices)."""

    MET = CoreDutyStatus.MET.value, "Met"
    PARTLY_MET = CoreDutyStatus.PARTLY_MET.value, "Partly met"
    NOT_MET = CoreDutyStatus.NOT_MET.value, "Not met"
    NOT_ASSESSED = CoreDutyStatus.NOT_ASSESSED.value, "Not assessed"


# The surveys a site's risk counts: an adviser's once completed, a self-assessment once an
# adviser has reviewed it.
COUNTS = Q(kind=SurveyKind.ADVISER, status__in=[SurveyStatus.COMPLETED, SurveyStatus.REVIEWED]) | Q(
    kind=SurveyKind.SELF_ASSESSMENT, status=SurveyStatus.REVIEWED
)


class Survey(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=20, choices=SurveyKind.choices, default=SurveyKind.ADVISER)
    status = models.CharField(
        max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED
    )
    # The instrument version it is taken under, kept for good (instrument.load_instrument).
    instrument_version = models.CharField(max_length=20)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The security adviser who conducts (or reviews) it.",
    )
    scheduled_for = models.DateField("date of the visit", null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    summary = models.TextField("summary for the report", blank=True)

    objects = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("survey_detail", args=[self.pk])

    @property
    def counts(self) -> bool:
        """Whether the site's risk uses it (once it is the latest that counts)."""
        if self.kind == SurveyKind.ADVISER:
            return self.status in {SurveyStatus.COMPLETED, SurveyStatus.REVIEWED}
        return self.status == SurveyStatus.REVIEWED

    @property
    def is_open(self) -> bool:
        """Answers may still be given."""
        return self.status in {SurveyStatus.SCHEDULED, SurveyStatus.IN_PROGRESS}

    @property
    def awaits_review(self) -> bool:
        return self.kind == SurveyKind.SELF_ASSESSMENT and self.status == SurveyStatus.COMPLETED

    @property
    def done_on(self):
        moment = self.reviewed_at or self.completed_at
        return moment.date() if moment else None


class AnswersOfSurveys(models.Manager["Answer"]):
    """Answers are reached survey by survey, never all at once."""

    def of(self, survey: Survey) -> models.QuerySet[Answer]:
        return self.get_queryset().filter(survey=survey)

    def of_surveys(self, survey_ids: list[int]) -> models.QuerySet[Answer]:
        return self.get_queryset().filter(survey_id__in=survey_ids)


class Answer(models.Model):
    """One question's answer in one survey: a grade the question offers, or not applicable."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question_id = models.CharField(max_length=80)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)  # None: not applicable
    not_applicable = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)

    # No `objects`: answers are sensitive, and every query names its survey (surveys.policy).
    by_survey = AnswersOfSurveys()

    class Meta:
        ordering = ["survey", "question_id"]
        default_manager_name = "by_survey"
        constraints = [
            models.UniqueConstraint(fields=["survey", "question_id"], name="one_answer_a_question"),
            models.CheckConstraint(
                condition=Q(not_applicable=True, grade__isnull=True)
                | Q(not_applicable=False, grade__gte=1, grade__lte=5),
                name="answer_is_a_grade_or_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {'n/a' if self.not_applicable else self.grade}"

    @property
    def value(self) -> int | str:
        """As the risk core reads it."""
        return "not_applicable" if self.not_applicable else int(self.grade or 0)


class PhotosOfSurveys(models.Manager["Photo"]):
    def of(self, survey: Survey) -> models.QuerySet[Photo]:
        return self.get_queryset().filter(survey=survey)


class Photo(models.Model):
    """A photo taken during a survey, re-encoded on upload (no EXIF, no location)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question_id = models.CharField(max_length=80, blank=True)  # blank: the survey as a whole
    file = models.CharField(max_length=300)  # its name in default_storage
    caption = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # No `objects`: photos show what a site lacks; surveys.policy reaches them survey by survey.
    by_survey = PhotosOfSurveys()

    class Meta:
        ordering = ["uploaded_at", "id"]
        default_manager_name = "by_survey"

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class NationalThreatLevel(models.Model):
    """One change of the national threat level; the one in force is the latest."""

    level = models.CharField(max_length=20, choices=ThreatLevel.choices)
    since = models.DateField("in force from")
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the change was announced, e.g. MI5's website."
    )
    reason = models.TextField(max_length=2000, blank=True, help_text="Why it changed, as announced.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    # the alert to the sites drafted with the change, for its author to review and send
    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = models.Manager()

    class Meta:
        ordering = ["-since", "-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.since:%d %B %Y}"


class HeightenedAlert(models.Model):
    """A local heightened alert: for its days, the sites concerned (an area's, perhaps only one
    faith's, or chosen sites) are assessed at `level` when the national level is lower
    (docs/risk-model.md, 3.1)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    faith = models.CharField(max_length=20, choices=Faith.choices, blank=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="+")
    starts_on = models.DateField("from")
    ends_on = models.DateField("until (inclusive)")
    level = models.CharField(max_length=20, choices=ThreatLevel.choices)
    reason = models.TextField(max_length=2000)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(null=True, blank=True)  # ended early: not in force from this day
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = models.Manager()

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} in {self.area.name} from {self.starts_on:%d %B %Y}"

    @property
    def last_day(self) -> date:
        """The last day in force (ended early: the day before it ended)."""
        if self.ended_on is not None:
            return min(self.ends_on, self.ended_on - timedelta(days=1))
        return self.ends_on

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.last_day


class DutyRecord(models.Model):
    """A Martyn's Law duty's status at a site, as a person recorded it, with its evidence."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(max_length=40)  # a duty id of data/martyns_law.toml
    status = models.CharField(max_length=20, choices=DutyStatus.choices)
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = models.Manager()

    class Meta:
        ordering = ["site", "duty"]
        constraints = [
            models.UniqueConstraint(fields=["site", "duty"], name="one_record_a_duty")
        ]

    def __str__(self) -> str:
        return f"{self.duty}: {self.get_status_display()}"
