"""Test data for engagements: opened through the service, as the application opens them."""

import datetime
from collections.abc import Sequence

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement, Origin, WorkloadSource
from frpdesk.engagements.services import open_engagement


def make_engagement(
    *,
    owner: User | None = None,
    customer: Customer | None = None,
    workloads: Sequence[str] = ("teams",),
    origin: str = Origin.OWN_LEAD,
    started_on: datetime.date | None = None,
) -> Engagement:
    """An engagement opened by the service for workloads given by code."""
    return open_engagement(
        acting_user=owner,
        customer=customer or CustomerFactory(),
        origin=origin,
        workloads=list(Workload.objects.filter(code__in=workloads)),
        owner=owner,
        source=WorkloadSource.CLAIMED,
        started_on=started_on,
    )
