"""Incentives: what an approved claim may earn, and what Microsoft's statements actually paid.

``IncentiveRate`` is the rate card: an amount per opportunity unit (PAU − starting peak) for a
workload reaching a milestone (the catalog's 15 % / 40 % AU), valid from a date. Payment
statements are imported from CSV (``Statement`` with its ``StatementLine`` rows: statement date,
tenant, workload, milestone, amount) and matched to our claims; a line may be disputed
(``LineDispute``) while it is disputable (90 days). Milestones earned but still unpaid 45 days
later are flagged.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim
from frpdesk.customers.models import Customer
from frpdesk.vas.models import currency_validator


class IncentiveRate(models.Model):
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    milestone_pct = models.PositiveSmallIntegerField(
        "Milestone (% AU)", help_text="The AU% milestone the rate pays for (15 or 40 by default)."
    )
    amount_per_unit = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["workload__sort_order", "milestone_pct", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["workload", "milestone_pct", "valid_from"], name="unique_incentive_rate"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="incentive_rate_dates",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.workload.name} {self.milestone_pct}%: {self.amount_per_unit} {self.currency} "
            f"per unit from {self.valid_from.isoformat()}"
        )


class Statement(models.Model):
    """One imported payment statement file (the same file twice is refused as a duplicate)."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    program_wide = True  # sums up every customer: for those who see them all

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class MatchStatus(models.TextChoices):
    MATCHED = "matched", "Matched to a claim"
    NO_CLAIM = "no_claim", "No approved claim of ours"
    UNKNOWN_TENANT = "unknown_tenant", "Unknown tenant"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField(help_text="The line of the file (the header is line 1).")
    statement_date = models.DateField()
    tenant_id = models.UUIDField("Tenant ID")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    milestone_pct = models.PositiveSmallIntegerField("Milestone (% AU)")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="statement_lines"
    )
    match_status = models.CharField(max_length=20, choices=MatchStatus.choices)

    customer_path = "customer"

    class Meta:
        ordering = ["-statement_date", "statement", "row"]

    def __str__(self) -> str:
        return (
            f"{self.statement_date.isoformat()} {self.tenant_id} {self.workload.code} "
            f"{self.milestone_pct}%: {self.amount} {self.currency}"
        )


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Resolved in our favour"
    LOST = "lost", "Rejected"


class LineDispute(models.Model):
    line = models.OneToOneField(StatementLine, on_delete=models.CASCADE, related_name="dispute")
    reason = models.TextField()
    filed_on = models.DateField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(blank=True)

    customer_path = "line__customer"

    class Meta:
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"Dispute of {self.line} ({self.get_status_display()})"
