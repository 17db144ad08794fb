"""The demo claims: approved (associations set), overdue submitted, draft, and a conflict."""

import uuid

import pytest
from django.utils import timezone

from frpdesk.adoption.models import PartnerAssociation
from frpdesk.claims.demo import (
    APPROVED_DOMAIN,
    CONFLICT_DOMAIN,
    DRAFT_DOMAIN,
    OVERDUE_DOMAIN,
    load_demo_claims,
)
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.claims.services import is_overdue
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.sow.demo import load_demo_sow

pytestmark = pytest.mark.django_db


def test_load_demo_claims(partner_profile: object, make_user: object) -> None:
    consultant = make_user("Delivery consultant", username="consultant")  # type: ignore[operator]
    for domain, workloads in (
        (APPROVED_DOMAIN, ("teams", "exchange")),
        (OVERDUE_DOMAIN, ("sharepoint",)),
        (DRAFT_DOMAIN, ("teams",)),
        (CONFLICT_DOMAIN, ("exchange", "purview")),
    ):
        customer = CustomerFactory(
            name=domain.split(".")[0], tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain)
        )
        CustomerContactFactory(customer=customer, name="Kim Akers", title="IT Director")
        make_engagement(owner=consultant, customer=customer, workloads=workloads)
    load_demo_sow()
    load_demo_claims()
    load_demo_claims()
    today = timezone.localdate()
    states = {claim.customer.tenant_id: claim for claim in Claim.objects.all()}
    approved = states[uuid.uuid5(uuid.NAMESPACE_DNS, APPROVED_DOMAIN)]
    assert approved.state == ClaimState.APPROVED
    assert approved.poe_signed_sow is not None
    assert (
        PartnerAssociation.objects.filter(
            customer=approved.customer, associated_on=approved.approved_on
        ).count()
        == 2
    )
    overdue = states[uuid.uuid5(uuid.NAMESPACE_DNS, OVERDUE_DOMAIN)]
    assert overdue.state == ClaimState.SUBMITTED
    assert is_overdue(overdue, today)
    assert states[uuid.uuid5(uuid.NAMESPACE_DNS, DRAFT_DOMAIN)].state == ClaimState.DRAFT
    assert Claim.objects.count() == 3
    assert ExternalClaim.objects.get().workload.code == "purview"


def test_without_the_demo_engagements_does_nothing() -> None:
    load_demo_claims()
    assert not Claim.objects.exists()
