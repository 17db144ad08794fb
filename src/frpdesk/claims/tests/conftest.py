"""Fixtures of the claims tests: an engagement that passes every submission rule once its
signed SOW is uploaded (``sign``), and the pieces to break them one by one."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import ContactRole
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.licensing.tests.factories import import_licences
from frpdesk.partner.tests.factories import EndorsementFactory
from frpdesk.sow.document import Signature
from frpdesk.sow.models import SignedSow
from frpdesk.sow.services import render_sow, upload_signed_sow

WORKLOADS = ("teams", "exchange")


@pytest.fixture
def engagement(partner_profile: Any, consultant: User) -> Engagement:
    """Eligible tenant (400 Microsoft 365 E3), endorsed for Teams only, no signed SOW yet."""
    customer = CustomerFactory(name="Fabrikam Retail", primary_domain="fabrikam.example")
    CustomerContactFactory(
        customer=customer,
        name="Dana Fox",
        title="CIO",
        email="dana.fox@fabrikam.example",
        role=ContactRole.SPONSOR,
    )
    import_licences(customer, {"SPE_E3": 400})
    EndorsementFactory(
        profile=partner_profile,
        workload=Workload.objects.get(code="teams"),
        valid_from=datetime.date(2020, 1, 1),
    )
    return make_engagement(owner=consultant, customer=customer, workloads=WORKLOADS)


def signed_sow_bytes(engagement: Engagement, file_format: str = "docx") -> bytes:
    return render_sow(
        engagement=engagement,
        file_format=file_format,
        customer_signature=Signature(name="Dana Fox", title="CIO", signed_on=timezone.localdate()),
    )


Sign = Callable[..., SignedSow]


@pytest.fixture
def sign(engagement: Engagement, consultant: User) -> Sign:
    """``sign()``: upload the customer-signed SOW of the engagement (passes the preflight)."""

    def make(*, signed: bool = True) -> SignedSow:
        content = (
            signed_sow_bytes(engagement)
            if signed
            else render_sow(engagement=engagement, file_format="docx")
        )
        return upload_signed_sow(
            acting_user=consultant,
            engagement=engagement,
            file_name="sow-signed.docx",
            content=content,
            signed_by_name="Dana Fox",
            signed_on=timezone.localdate(),
        )

    return make
