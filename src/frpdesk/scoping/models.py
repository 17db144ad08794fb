"""Scope of an engagement: what the free Benefit covers and what the customer asks beyond it.

A **scope assessment** answers the catalog's three scope questions; all "yes" means
Benefit-only assistance, each "no" suggests a value-added service. Assessments are never edited:
re-assessing adds a new one, so the history stays. A **customer request** is classified against
the catalog (in Benefit scope, FastTrack migration, beyond guidance); work outside the Benefit
may only be delivered once its **disclosure** is recorded and a signed services contract
(``vas.ServicesContract``) covers it (DESIGN.md §2, "Scope, SOW and VAS").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, VasItem, Workload
from frpdesk.core.models import TimeStampedModel
from frpdesk.customers.models import CustomerContact
from frpdesk.engagements.models import Engagement


class Outcome(models.TextChoices):
    BENEFIT_ONLY = "benefit_only", "Benefit-only assistance"
    VAS_OPPORTUNITIES = "vas_opportunities", "VAS opportunities"


class ScopeAssessment(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="scope_assessments"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]

    def __str__(self) -> str:
        return f"Scope of {self.engagement} on {self.assessed_at:%Y-%m-%d}"


class ScopeAnswer(models.Model):
    assessment = models.ForeignKey(
        ScopeAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(ScopeQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.BooleanField(help_text="Yes (true) or no (false).")
    comment = models.TextField(blank=True)
    suggested_vas = models.ForeignKey(
        VasItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The value-added service a 'no' suggests (from the question, when answered).",
    )

    customer_path = "assessment__engagement__customer"

    class Meta:
        ordering = ["assessment", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.question.number}: {'yes' if self.answer else 'no'}"

    @property
    def vas_suggestion(self) -> str:
        """What a "no" suggests: the catalog VAS item's name, else the question's free text."""
        if self.answer:
            return ""
        if self.suggested_vas is not None:
            return self.suggested_vas.name
        return self.question.vas_if_no


class RequestClass(models.TextChoices):
    IN_SCOPE = "in_scope", "In Benefit scope (remote guidance)"
    FASTTRACK_MIGRATION = "fasttrack_migration", "FastTrack migration (Microsoft's service)"
    BEYOND_GUIDANCE = "beyond_guidance", "Beyond guidance (outside the Benefit)"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_DELIVERY = "in_delivery", "In delivery"
    DELIVERED = "delivered", "Delivered"
    DECLINED = "declined", "Declined"


class CustomerRequest(TimeStampedModel):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="customer_requests"
    )
    workload = models.ForeignKey(
        Workload, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField()
    requested_by = models.CharField(
        max_length=200, blank=True, help_text="Who at the customer asked."
    )
    requested_on = models.DateField()
    classification = models.CharField(max_length=20, choices=RequestClass.choices)
    out_of_scope_item = models.ForeignKey(
        OutOfScopeItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The entry of the workload's out-of-scope list the request falls under.",
    )
    classification_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    contract = models.ForeignKey(
        "vas.ServicesContract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_requests",
        help_text="The signed services contract that covers this out-of-scope work.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-requested_on", "-pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def outside_benefit(self) -> bool:
        return self.classification != RequestClass.IN_SCOPE


class DisclosureMethod(models.TextChoices):
    MEETING = "meeting", "In a meeting"
    CALL = "call", "By phone or video call"
    EMAIL = "email", "By email"
    LETTER = "letter", "In writing (letter or signed document)"


class Disclosure(models.Model):
    """The record that the customer was told a request goes beyond the free Benefit."""

    request = models.OneToOneField(
        CustomerRequest, on_delete=models.CASCADE, related_name="disclosure"
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who told the customer.",
    )
    disclosed_to = models.CharField(max_length=200, help_text="Who at the customer was told.")
    disclosed_to_contact = models.ForeignKey(
        CustomerContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    disclosed_on = models.DateField()
    method = models.CharField(max_length=10, choices=DisclosureMethod.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    customer_path = "request__engagement__customer"

    def __str__(self) -> str:
        return f"Disclosed to {self.disclosed_to} on {self.disclosed_on.isoformat()}"
