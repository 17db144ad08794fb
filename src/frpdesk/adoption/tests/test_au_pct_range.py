"""AU% has no upper bound (a tenant with a handful of paid units and thousands of active users,
EDU tenants above 100 %): storing it must never overflow the column (PostgreSQL enforces it)."""

import datetime
from decimal import Decimal

import pytest

from frpdesk.adoption.models import UsagePoint
from frpdesk.adoption.services import record_manual_mau
from frpdesk.catalog.models import Workload
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing.tests.factories import import_licences


@pytest.mark.django_db
def test_a_huge_au_pct_is_stored() -> None:
    customer = CustomerFactory()
    import_licences(customer, {"EMS": 1})

    record_manual_mau(
        acting_user=None,
        customer=customer,
        workload=Workload.objects.get(code="intune"),
        refresh_date=datetime.date(2026, 11, 1),
        mau=2098,
    )

    point = UsagePoint.objects.get(customer=customer)
    assert point.pau == 1
    assert point.au_pct == Decimal("209800.00")
