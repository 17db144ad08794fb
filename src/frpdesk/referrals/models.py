"""FastTrack referrals as Partner Center's Referrals tab shows them, with their clocks."""

from django.conf import settings
from django.db import models

from frpdesk.catalog.models import Workload
from frpdesk.core.models import TimeStampedModel
from frpdesk.customers.models import Customer


class ReferralKind(models.TextChoices):
    BENEFIT = "benefit", "FastTrack Benefit referral"
    STANDARD = "standard", "Standard referral"


class Acceptance(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REASSIGNED = "reassigned", "Reassigned (lost)"


class Referral(TimeStampedModel):
    """A referral Microsoft assigned to the partner; the clocks start on the assignment date."""

    referral_id = models.CharField("Referral ID", max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=ReferralKind.choices)
    tenant_name = models.CharField(max_length=200)
    tenant_id = models.UUIDField("Tenant ID", null=True, blank=True)
    tenant_domain = models.CharField(max_length=253, blank=True)
    rfa_id = models.CharField("RFA ID", max_length=64, blank=True)
    source = models.CharField("Referral source", max_length=120, blank=True)
    workloads = models.ManyToManyField(
        Workload, blank=True, related_name="+", verbose_name="RFA workloads"
    )
    assigned_on = models.DateField("Date of assignment")
    first_response_due = models.DateField(
        help_text="2 business days after assignment (weekends and holidays skipped)."
    )
    acceptance_due = models.DateField(help_text="7 days after assignment.")
    first_responded_on = models.DateField(null=True, blank=True)
    acceptance = models.CharField(
        max_length=10, choices=Acceptance.choices, default=Acceptance.PENDING
    )
    decided_on = models.DateField(null=True, blank=True, help_text="Accepted, declined or lost.")
    decline_reason = models.TextField(blank=True)
    referral_status = models.CharField(
        max_length=60, blank=True, help_text="Partner Center's referral status."
    )
    vas_sold = models.BooleanField("VAS sold", default=False)
    services_estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(max_length=3, default="USD")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    received_while_paused = models.BooleanField(
        default=False, help_text="Arrived while the partner's referrals were paused."
    )
    reminder_sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "customer"
    # A referral of a tenant that is not a customer yet is everybody's to answer within two
    # business days; once it names a customer, it is that customer's team's.
    shared_until_assigned = True

    class Meta:
        ordering = ["acceptance_due", "referral_id"]

    def __str__(self) -> str:
        return f"Referral {self.referral_id} ({self.tenant_name})"


class ReferralNote(models.Model):
    """The notes history of a referral (append-only)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    customer_path = "referral__customer"
    shared_until_assigned = True

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.referral.referral_id} at {self.created_at:%Y-%m-%d %H:%M}"
