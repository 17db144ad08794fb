"""Program compliance: the partner's obligations checked as named rules, with their history.

Each check run evaluates every rule over the whole portfolio. A rule failing on a record opens a
``Finding`` (one open finding per rule and record); the finding stays open, seen again by later
runs, until a run no longer sees it and resolves it. Each run keeps, per rule, how many records
were checked and how many failed: the compliance score and its trend come from those counts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    ON_DEMAND = "on_demand", "On demand"
    COMMAND = "command", "Command line"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CheckRun(models.Model):
    """One evaluation of every rule; its score is the weighted share of checks that passed."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    failing = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0, help_text="Findings this run opened.")
    resolved = models.PositiveIntegerField(default=0, help_text="Findings this run resolved.")
    error = models.TextField(blank=True)

    program_wide = True  # sums up every customer: for those who see them all

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Compliance check of {self.started_at:%Y-%m-%d %H:%M}"


class RuleResult(models.Model):
    """How one rule fared in one run: the trend of each obligation."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    checked = models.PositiveIntegerField()
    failing = models.PositiveIntegerField()

    program_wide = True  # sums up every customer: for those who see them all

    class Meta:
        ordering = ["run", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rule"], name="one_result_per_rule_and_run")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.failing} of {self.checked} failing"


class Finding(models.Model):
    """A rule failing on one record, from the run that first saw it to the run that no longer
    does."""

    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    object_type = models.CharField(max_length=60, help_text="app_label.model of the record.")
    object_id = models.PositiveBigIntegerField()
    object_label = models.CharField(max_length=300)
    message = models.CharField(max_length=500)
    fix_url = models.CharField(max_length=300, help_text="Where the finding is fixed.")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        help_text="Who is told; program administrators when nobody owns the record.",
    )
    opened_at = models.DateTimeField()
    opened_by_run = models.ForeignKey(
        CheckRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_run = models.ForeignKey(
        CheckRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "customer"

    class Meta:
        ordering = ["resolved_at", "severity", "-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_type", "object_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_finding_per_rule_and_record",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "severity"])]

    def __str__(self) -> str:
        return f"{self.rule}: {self.object_label}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
