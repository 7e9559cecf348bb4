"""The protective security fund: rounds and their rules, applications with packages, quotes and
evidence, blind scoring, and (for part 2) the allocation, decisions, appeals, awards,
installations and claims.

A round's eligibility rules and caps are data (`Round.rules`, schema in docs/fund.md and
`fund/eligibility.py`), so that next year's round is configured, not coded. An application
says how vulnerable a site is: every read goes through fund/policy.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sanctuary.registry.models import Area, Organisation, Site

MAX_PACKAGES = 3
LEVELS = 5  # a rubric level is 0 ("did not address") .. 4 ("thorough")


def _money(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], **kwargs
    )


# ---------------------------------------------------------------------------------------------
# Rounds and rubrics


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for applications"
    CLOSED = "closed", "Closed"
    SCORING = "scoring", "Scoring"
    ALLOCATED = "allocated", "Allocated"
    DECIDED = "decided", "Decided"
    FINISHED = "finished", "Finished"


class Round(models.Model):
    """A funding round: a budget for sites in some areas (or everywhere), open between two dates,
    with its rules, the measures it funds and a published rubric."""

    name = models.CharField(max_length=160)
    national = models.BooleanField(
        default=False, help_text="Open to sites in every area (managed by the national office)."
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", help_text="The areas a local round is open to."
    )
    managed_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council service (local round) or national body (national round).",
    )
    budget = _money()
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day an application can be submitted.")
    appeal_days = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(90)], help_text="Days to appeal a decision."
    )
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    # Eligibility and caps as data: see fund/eligibility.py (RULES_SCHEMA) and docs/fund.md.
    rules = models.JSONField(default=dict, blank=True)
    # Measure ids from the catalogue (surveys/data/measures.toml) that the round funds.
    measures = models.JSONField(default=list, blank=True)
    # Bonuses as data: {"first_time": points, "deprived_area": points, "deprived_wards": [...]}.
    bonuses = models.JSONField(default=dict, blank=True)
    moderation_threshold = models.PositiveSmallIntegerField(
        default=4,
        help_text="Two assessors' weighted totals further apart than this go to moderation "
        "(in rubric points, 0–100).",
    )
    # Part 2, the allocation (docs/fund-decisions.md): what a package's benefit is read from,
    # and the side rules as data {"min_share": {"faith:judaism": 0.15}, "max_per_group":
    # {"area:<id>": 800000}} — groups are "faith:<faith>" and "area:<area id>".
    benefit_source = models.CharField(
        max_length=10,
        choices=[("risk", "Risk removed (risk model)"), ("score", "Moderated score")],
        default="risk",
        help_text="A package's benefit: the risk its measures remove, or the application's score.",
    )
    allocation_rules = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_on", "name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One line of a round's published rubric, scored 0–4 against five descriptors."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # Five descriptors, level 0 ("did not address") to level 4 ("thorough").
    descriptors = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="fund_one_criterion_name")
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Applications


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Not eligible"
    SCORING = "scoring", "Being scored"
    SCORED = "scored", "Scored"
    MODERATION = "moderation", "Awaiting moderation"
    MODERATED = "moderated", "Moderated"
    FUNDED = "funded", "Funded"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Application(models.Model):
    """One site's application to one round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The applicant: the site's faith organisation.",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # The narrative: {"need": ..., "threat": ..., "plan": ..., "sustain": ...} (docs/fund.md).
    answers = models.JSONField(default=dict, blank=True)
    # What the applicant declares for the rules (charity number or exemption, prior funding).
    charity_number = models.CharField(max_length=20, blank=True)
    charity_exempt = models.BooleanField("exempt or excepted charity", default=False)
    funded_before_year = models.PositiveSmallIntegerField(
        "last funded by a scheme in (year)", null=True, blank=True
    )
    # What the form was pre-filled with: the survey's recommendations, incidents, Martyn's Law.
    prefill = models.JSONField(default=dict, blank=True)
    # The last eligibility check: {"eligible": bool, "reasons": [{"rule": ..., "ok": ..., ...}]}.
    eligibility = models.JSONField(default=dict, blank=True)
    # The final rubric score (0–100) after scoring or moderation, with bonuses.
    final_score = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="fund_one_application_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.round}"


class PackageLabel(models.TextChoices):
    MINIMAL = "minimal", "Minimal"
    STANDARD = "standard", "Standard"
    FULL = "full", "Full"


class Package(models.Model):
    """One of up to three alternative sets of measures an application proposes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="packages")
    label = models.CharField(max_length=10, choices=PackageLabel.choices)
    # [{"measure": "cctv_fixed", "quantity": 1}, ...] — ids from the measure catalogue.
    measures = models.JSONField(default=list)
    cost = _money(help_text="The whole cost, from the quotes (£).")
    contribution = _money(default=Decimal("0"), help_text="What the applicant pays (£).")
    # The risk it removes; filled by the allocation (part 2).
    benefit = models.FloatField(null=True, blank=True)
    # The site's risk score today and with this package's measures in place (fund/benefit.py).
    risk_now = models.FloatField(null=True, blank=True)
    risk_after = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["application", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "label"], name="fund_one_package_per_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_label_display()} package"

    @property
    def requested(self) -> Decimal:
        return self.cost - self.contribution


class Quote(models.Model):
    """A supplier's quote for a package (or one of its measures): a PDF or an image."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="quotes")
    measure = models.CharField(max_length=60, blank=True, help_text="Empty: the whole package.")
    supplier = models.CharField(max_length=160)
    amount = _money()
    file = models.FileField(upload_to="fund/quotes/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "id"]

    def __str__(self) -> str:
        return f"{self.supplier} £{self.amount}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", "Photograph"
    CRIME_REFERENCE = "crime_reference", "Crime reference"
    LOCAL_STATISTICS = "local_statistics", "Local statistics"
    WORSHIPPERS_ACCOUNT = "worshippers_account", "Worshippers' account"
    POLICE_LETTER = "police_letter", "Letter from the police"


class Evidence(models.Model):
    """One item of the evidence checklist."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    text = models.TextField(blank=True)
    crime_reference = models.CharField(max_length=40, blank=True)
    file = models.FileField(upload_to="fund/evidence/%Y/%m/", blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.get_kind_display()


# ---------------------------------------------------------------------------------------------
# Scoring


class AssessorAssignment(models.Model):
    """An assessor's task to score one application; blind to the other assessor's."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_assignments"
    )
    conflict = models.BooleanField("conflict of interest declared", default=False)
    conflict_reason = models.CharField(max_length=300, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="fund_one_assignment_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(
        AssessorAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=[MaxValueValidator(LEVELS - 1)])
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="fund_one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class Moderation(models.Model):
    """The moderator's settlement of two assessors' scores that differ beyond the threshold."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="moderation"
    )
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # {"<criterion id>": level} for each criterion, and the weighted total it gives.
    levels = models.JSONField(default=dict)
    total = models.FloatField()
    reason = models.TextField()
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Moderation of {self.application}"


# ---------------------------------------------------------------------------------------------
# Part 2: allocation, decisions, appeals, awards, installation, claims (tables only here)


class AllocationMethod(models.TextChoices):
    OPTIMAL = "optimal", "Most risk removed (optimal)"
    GREEDY = "greedy", "Score-ranked greedy"
    FCFS = "fcfs", "First come, first served"


class AllocationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Allocation(models.Model):
    """One method's allocation of a round. A run saves the optimal row (with the explanations
    and "what a further £100,000 would fund" in `result`) and one row per baseline, linked to it
    by `run`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="allocations")
    method = models.CharField(max_length=10, choices=AllocationMethod.choices)
    run = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="baselines"
    )
    status = models.CharField(
        max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict)
    total_cost = _money(default=Decimal("0"))
    total_benefit = models.FloatField(default=0)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    shadow_price = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} allocation of {self.round}"


class Decision(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funded = models.BooleanField(default=False)
    reasons = models.TextField(blank=True)
    letter = models.FileField(upload_to="fund/letters/%Y/%m/", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{'Funded' if self.funded else 'Declined'}: {self.application}"


class AppealStatus(models.TextChoices):
    LODGED = "lodged", "Lodged"
    UPHELD = "upheld", "Upheld"
    DISMISSED = "dismissed", "Dismissed"


class Appeal(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="appeals")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default=AppealStatus.LODGED)
    outcome = models.TextField(blank=True)
    lodged_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Appeal against {self.decision}"


class Award(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="+")
    amount = _money()
    accepted_at = models.DateTimeField(null=True, blank=True)
    maintenance_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The site's risk score when the award was decided, the re-survey scheduled at sign-off, and
    # the contracted guarding unit it funds in patrol planning (if the package has guards).
    risk_before = models.FloatField(null=True, blank=True)
    resurvey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    guard_unit = models.ForeignKey(
        "patrols.PatrolUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Award of £{self.amount} to {self.application}"

    @property
    def claimed(self) -> Decimal:
        """What the claims not rejected already ask for."""
        total = self.claims.exclude(status=ClaimStatus.REJECTED).aggregate(t=models.Sum("amount"))
        return total["t"] or Decimal("0")


class Installation(models.Model):
    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="installation")
    contractor = models.CharField(max_length=160)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Installation for {self.award}"


class InstallationPhoto(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="photos")
    photo = models.ImageField(upload_to="fund/installations/%Y/%m/")
    caption = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.caption or "photo"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"


class Claim(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="claims")
    invoice = models.FileField(upload_to="fund/invoices/%Y/%m/")
    amount = _money()
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Claim of £{self.amount} on {self.award}"

    def clean(self) -> None:
        if self.amount is not None and self.award_id:
            others = self.award.claims.exclude(status=ClaimStatus.REJECTED).exclude(pk=self.pk)
            claimed = others.aggregate(t=models.Sum("amount"))["t"] or Decimal("0")
            left = self.award.amount - claimed
            if self.amount > left:
                raise ValidationError(
                    {"amount": f"A claim cannot be more than what is left of the award (£{left:,.2f})."}
                )


class MaintenanceNoticeKind(models.TextChoices):
    THIRTY_DAYS = "30_days", "30 days before"
    SEVEN_DAYS = "7_days", "7 days before"


class MaintenanceNotice(models.Model):
    """An e-mail saying an award's year of maintenance is about to end, written down before it
    is sent: one of each kind per award, however often `sanctuary fund daily` runs."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="maintenance_notices")
    kind = models.CharField(max_length=10, choices=MaintenanceNoticeKind.choices)
    maintenance_until = models.DateField()  # the date the notice gave
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award", "kind"], name="one_maintenance_notice_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} the end of maintenance of {self.award}"
