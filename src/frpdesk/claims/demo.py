"""Demo data of the claims area, on the demo engagements: an approved claim (with its partner
association dates), a submitted one whose review did not start in time (overdue), a draft, and a
workload Partner Center reports as claimed by another partner."""

import datetime
import uuid

from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim, TransitionSource
from frpdesk.claims.services import apply_transition, initial_for, save_claim
from frpdesk.engagements.models import Engagement

APPROVED_DOMAIN = "woodgrovebank.example"
OVERDUE_DOMAIN = "contosopharma.example"
DRAFT_DOMAIN = "fabrikam.example"
CONFLICT_DOMAIN = "northwindtraders.example"


def _engagement(domain: str) -> Engagement | None:
    return (
        Engagement.objects.select_related("customer")
        .filter(customer__tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain))
        .first()
    )


def _draft(engagement: Engagement, user: User | None, drafted_on: datetime.date) -> Claim:
    initial = initial_for(engagement, user)
    workloads = initial.pop("workloads")
    initial["customer_contact_email"] = (
        initial["customer_contact_email"] or f"it@{engagement.customer.primary_domain}"
    )
    initial["customer_contact_name"] = initial["customer_contact_name"] or "IT department"
    return save_claim(
        acting_user=user,
        claim=Claim(**initial, state_since=drafted_on),
        workloads=workloads,
    )


def _walk(claim: Claim, user: User | None, steps: list[tuple[str, datetime.date]]) -> None:
    for state, on in steps:
        apply_transition(
            acting_user=user,
            claim=claim,
            state=state,
            on=on,
            reason="",
            source=TransitionSource.MANUAL,
        )


def load_demo_claims() -> None:
    """Idempotent: does nothing once there is a claim."""
    if Claim.objects.exists():
        return
    user = User.objects.filter(username="consultant").first()
    today = timezone.localdate()
    approved = _engagement(APPROVED_DOMAIN)
    if approved is not None:
        start = today - datetime.timedelta(days=40)
        claim = _draft(approved, user, start)
        claim.partner_center_reference = "PC-CPOR-240117"
        claim.save(update_fields=["partner_center_reference"])
        _walk(
            claim,
            user,
            [
                (ClaimState.SUBMITTED, start),
                (ClaimState.UNDER_REVIEW, start + datetime.timedelta(days=3)),
                (ClaimState.APPROVED, start + datetime.timedelta(days=14)),
            ],
        )
    overdue = _engagement(OVERDUE_DOMAIN)
    if overdue is not None:
        # Submitted long enough ago that Microsoft's 5 business days to start the review passed.
        submitted = today - datetime.timedelta(days=12)
        _walk(_draft(overdue, user, submitted), user, [(ClaimState.SUBMITTED, submitted)])
    draft = _engagement(DRAFT_DOMAIN)
    if draft is not None:
        _draft(draft, user, today)
    conflict = _engagement(CONFLICT_DOMAIN)
    purview = Workload.objects.filter(code="purview").first()
    if conflict is not None and purview is not None:
        ExternalClaim.objects.get_or_create(
            customer=conflict.customer,
            workload=purview,
            partner_name="Litware Consulting",
            defaults={
                "seen_on": today - datetime.timedelta(days=5),
                "note": "Partner Center: the workload is claimed by another partner.",
                "recorded_by": user,
            },
        )
