"""Engagements: delivering the FastTrack Benefit to a customer, workload by workload.

An engagement moves through the catalog's delivery phases; each of its workloads carries an
L1/L2/L3 status, a checklist generated from the catalog's milestone templates and, when the
partner is not endorsed for it, a routing decision. Status notes are due every 14 days. Every
business event lands on the engagement's timeline. The partner association date of a workload
lives in adoption (``PartnerAssociation``: one per tenant and workload).
"""

from django.conf import settings
from django.db import models

from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    MilestoneTemplate,
    Workload,
)
from frpdesk.core.models import TimeStampedModel
from frpdesk.customers.models import Customer
from frpdesk.directory.models import DirectoryPartner
from frpdesk.referrals.models import Referral


class Origin(models.TextChoices):
    REFERRAL = "referral", "Referral"
    OWN_LEAD = "own_lead", "Own lead"
    EXISTING_CLAIM = "existing_claim", "Existing claim"


class Engagement(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="engagements")
    name = models.CharField(max_length=200)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    referral = models.OneToOneField(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagement"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_engagements",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="engagement_teams"
    )
    phase = models.ForeignKey(DeliveryPhase, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    customer_path = "customer"

    class Meta:
        ordering = ["customer__name", "name"]

    def __str__(self) -> str:
        return self.name


class EngagementPhase(models.Model):
    """When the engagement entered (and left) a phase: the phase history with its dates."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="phases")
    phase = models.ForeignKey(DeliveryPhase, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["engagement", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.phase} from {self.started_on.isoformat()}"


class WorkloadSource(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    REFERRED = "referred", "Referred"


class Routing(models.TextChoices):
    """The decision a workload the partner is not endorsed for needs before it can progress."""

    DELIVER = "deliver", "Deliver it ourselves"
    HAND_OFF = "hand_off", "Hand off to another FRP"
    RFA = "rfa", "Advise a FastTrack Request for Assistance"


class EngagementWorkload(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="workloads")
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=WorkloadSource.choices)
    status = models.ForeignKey(
        DeliveryStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="L1/L2 status",
    )
    status_l3 = models.CharField("L3", max_length=200, blank=True)
    intent_note = models.TextField(blank=True)
    routing = models.CharField(max_length=10, choices=Routing.choices, blank=True)
    routing_justification = models.TextField(blank=True)
    handoff_partner = models.ForeignKey(
        DirectoryPartner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routing_note = models.TextField(
        blank=True, help_text="The generated hand-off note or Request for Assistance advice."
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["engagement", "workload__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "workload"], name="one_engagement_workload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.workload.name}"


class ChecklistItem(models.Model):
    """A delivery milestone of a workload, generated from a catalog template (or added)."""

    engagement_workload = models.ForeignKey(
        EngagementWorkload, on_delete=models.CASCADE, related_name="checklist"
    )
    template = models.ForeignKey(
        MilestoneTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    phase = models.ForeignKey(DeliveryPhase, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklist_items",
    )
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    customer_path = "engagement_workload__engagement__customer"

    class Meta:
        ordering = ["engagement_workload", "phase__sort_order", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement_workload}: {self.name}"


class StatusNote(models.Model):
    """The engagement's state for the program: due at least every 14 days."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="status_notes"
    )
    onboarding_scope = models.TextField()
    risks = models.TextField(blank=True)
    next_action = models.CharField(max_length=300)
    next_action_on = models.DateField("Next action date")
    next_action_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_actions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Status of {self.engagement} on {self.created_at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    OPENED = "opened", "Engagement opened"
    REFERRAL_ACCEPTED = "referral_accepted", "Referral accepted"
    PHASE_CHANGED = "phase_changed", "Phase changed"
    WORKLOAD_ADDED = "workload_added", "Workload added"
    STATUS_CHANGED = "status_changed", "Workload status changed"
    ROUTING_DECIDED = "routing_decided", "Routing decided"
    HANDED_OFF = "handed_off", "Workload handed off"
    CHECKLIST_DONE = "checklist_done", "Checklist item done"
    NOTE_ADDED = "note_added", "Status note added"
    TEAM_CHANGED = "team_changed", "Team changed"
    ASSOCIATION_SET = "association_set", "Partner association date set"
    SCOPE_ASSESSED = "scope_assessed", "Scope assessed"
    REQUEST_RECORDED = "request_recorded", "Customer request recorded"
    REQUEST_DISCLOSED = "request_disclosed", "Out-of-scope disclosure recorded"
    REQUEST_STATUS = "request_status", "Customer request status changed"
    REQUEST_CONTRACT = "request_contract", "Customer request contract linked"
    QUOTE_CHANGED = "quote_changed", "Quote changed"
    CONTRACT_SIGNED = "contract_signed", "Services contract signed"
    SOW_GENERATED = "sow_generated", "SOW generated"
    SOW_SIGNED = "sow_signed", "Signed SOW uploaded"
    CLAIM_CHANGED = "claim_changed", "CPOR claim changed"
    CLOSED = "closed", "Engagement closed"


class TimelineEvent(models.Model):
    """A business event of an engagement (append-only), written by the service that caused it."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    message = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.message}"
