"""CPOR claims: the partner's claim of a tenant's workloads in Partner Center.

A claim associates the partner (role "Use or consume") with a tenant and one or more workloads;
one partner per tenant × workload. Its state follows Partner Center (DESIGN.md §2, "CPOR
claims"): Draft → Submitted → Under review → Approved | Rejected | Partner action required;
Rejected → Dispute (once, within 30 days) → Approved | Rejected final. Each state's deadline is
kept on the claim (``deadline``) so lists and the overdue job read it without recomputing.
Approval sets the partner association date (``adoption.PartnerAssociation``) of each workload.
Claims of other partners on our customers, as Partner Center reports them, are ``ExternalClaim``
records (conflicts).
"""

from django.conf import settings
from django.db import models

from frpdesk.catalog.models import Workload
from frpdesk.core.models import TimeStampedModel
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import SignedSow


class ClaimState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    ACTION_REQUIRED = "action_required", "Partner action required"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DISPUTE = "dispute", "Dispute"
    REJECTED_FINAL = "rejected_final", "Rejected final"


# A claim in one of these states holds its tenant × workloads: no second claim of ours on them.
HOLDING_STATES = (
    ClaimState.SUBMITTED,
    ClaimState.UNDER_REVIEW,
    ClaimState.ACTION_REQUIRED,
    ClaimState.APPROVED,
    ClaimState.DISPUTE,
)


class PartnerRole(models.TextChoices):
    USE_OR_CONSUME = "use_or_consume", "Use or consume"


class Claim(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="claims")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    name = models.CharField("Claim name", max_length=200)
    location_partner_id = models.CharField(
        "PartnerID (location)", max_length=12, help_text="The location that claims and is paid."
    )
    tenant_id = models.UUIDField("Tenant ID")
    partner_role = models.CharField(
        max_length=20, choices=PartnerRole.choices, default=PartnerRole.USE_OR_CONSUME
    )
    customer_contact_name = models.CharField(max_length=200)
    customer_contact_title = models.CharField(max_length=120, blank=True)
    customer_contact_email = models.EmailField()
    partner_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poe_signed_sow = models.ForeignKey(
        SignedSow,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name="Proof of execution (signed SOW)",
    )
    poe_file_name = models.CharField(max_length=200, blank=True)
    document = models.BinaryField(
        null=True, blank=True, help_text="An uploaded proof of execution other than a signed SOW."
    )
    poe_sha256 = models.CharField("PoE SHA-256", max_length=64, blank=True)
    incentive_opt_out = models.BooleanField(
        default=False, help_text="The partner declines incentives for this claim."
    )
    partner_center_reference = models.CharField(
        "Partner Center reference", max_length=100, blank=True, db_index=True
    )
    state = models.CharField(max_length=20, choices=ClaimState.choices, default=ClaimState.DRAFT)
    state_since = models.DateField(help_text="The day the claim entered its current state.")
    deadline = models.DateField(
        null=True, blank=True, help_text="When the current state's clock runs out (if it has one)."
    )
    submitted_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    rejected_on = models.DateField(null=True, blank=True)
    disputed_on = models.DateField(null=True, blank=True)
    reason = models.TextField(
        blank=True, help_text="Microsoft's reason for the latest rejection or requested action."
    )
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    failed_rules = models.JSONField(
        default=list,
        blank=True,
        help_text="The rules the latest refused submission failed (empty once submitted).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "customer"

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ClaimWorkload(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="workloads")
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")

    customer_path = "claim__customer"

    class Meta:
        ordering = ["claim", "workload__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "workload"], name="one_claim_workload")
        ]

    def __str__(self) -> str:
        return f"{self.claim}: {self.workload.name}"


class TransitionSource(models.TextChoices):
    MANUAL = "manual", "Recorded by hand"
    IMPORT = "import", "Partner Center status import"
    TIMER = "timer", "Deadline passed"


class ClaimTransition(models.Model):
    """One state change of a claim (append-only): the claim's history."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ClaimState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ClaimState.choices)
    on = models.DateField()
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=TransitionSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    customer_path = "claim__customer"

    class Meta:
        ordering = ["claim", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim}: {self.from_state or '–'} → {self.to_state} on {self.on.isoformat()}"


class ExternalClaim(models.Model):
    """A tenant workload Partner Center reports as "claimed by another partner"."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="external_claims")
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    partner_name = models.CharField(max_length=200, blank=True)
    seen_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "customer"

    class Meta:
        ordering = ["customer", "workload__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "workload", "partner_name"], name="unique_external_claim"
            )
        ]

    def __str__(self) -> str:
        by = self.partner_name or "another partner"
        return f"{self.customer}: {self.workload.name} claimed by {by}"
