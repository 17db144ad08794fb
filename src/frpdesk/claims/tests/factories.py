"""Test data for claims: drafts saved through ``save_claim``, then walked along the legal path of
the state machine (every step recorded as a transition, approval setting the associations).

The submission step skips the rules (eligibility, endorsement, PoE…): tests of those rules call
``submit_claim`` themselves; everything else wants a claim in a state, quickly.
"""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimState, TransitionSource
from frpdesk.claims.services import apply_transition, save_claim
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement

S, R, A = ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.REJECTED
PATHS: dict[str, tuple[str, ...]] = {
    ClaimState.DRAFT: (),
    ClaimState.SUBMITTED: (S,),
    ClaimState.UNDER_REVIEW: (S, R),
    ClaimState.ACTION_REQUIRED: (S, R, ClaimState.ACTION_REQUIRED),
    ClaimState.APPROVED: (S, R, ClaimState.APPROVED),
    ClaimState.REJECTED: (S, R, A),
    ClaimState.DISPUTE: (S, R, A, ClaimState.DISPUTE),
    ClaimState.REJECTED_FINAL: (S, R, A, ClaimState.DISPUTE, ClaimState.REJECTED_FINAL),
}


def make_claim(
    *,
    customer: Customer | None = None,
    engagement: Engagement | None = None,
    workloads: Sequence[str] = ("teams",),
    state: str = ClaimState.DRAFT,
    user: User | None = None,
    on: datetime.date | None = None,
) -> Claim:
    """A claim of ``customer`` (the engagement's, else a new one) for workloads given by code,
    in ``state``; every transition is dated ``on`` (today by default)."""
    customer = customer or (engagement.customer if engagement is not None else CustomerFactory())
    day = on or timezone.localdate()
    claim = save_claim(
        acting_user=user,
        claim=Claim(
            customer=customer,
            engagement=engagement,
            name=f"{customer.name} claim",
            location_partner_id="4871299",
            tenant_id=customer.tenant_id,
            customer_contact_name="Dana Fox",
            customer_contact_title="CIO",
            customer_contact_email="dana.fox@example.com",
            partner_contact=user,
            state_since=day,
        ),
        workloads=list(Workload.objects.filter(code__in=workloads)),
    )
    for step in PATHS[state]:
        apply_transition(
            acting_user=user,
            claim=claim,
            state=step,
            on=day,
            reason="Reason given by Microsoft" if step in (A, ClaimState.ACTION_REQUIRED) else "",
            source=TransitionSource.MANUAL,
            today=max(day, timezone.localdate()),
        )
    return claim
