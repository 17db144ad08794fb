"""The demo data: a DOCX version and a signed PDF copy that passes the preflight, loaded once."""

import uuid

import pytest

from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.sow.demo import DEMO_DOMAIN, load_demo_sow
from frpdesk.sow.models import SignedSow, SowVersion

pytestmark = pytest.mark.django_db


def test_load_demo_sow(partner_profile: object, make_user: object) -> None:
    consultant = make_user("Delivery consultant", username="consultant")  # type: ignore[operator]
    customer = CustomerFactory(
        name="Woodgrove Bank", tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, DEMO_DOMAIN)
    )
    CustomerContactFactory(customer=customer, name="Kim Akers", title="IT Director")
    make_engagement(owner=consultant, customer=customer, workloads=("teams", "exchange", "copilot"))
    load_demo_sow()
    load_demo_sow()
    version = SowVersion.objects.get()
    signed = SignedSow.objects.get()
    assert (version.format, version.generated_by) == ("docx", consultant)
    assert (signed.poe_ok, signed.poe_missing, signed.sow_version) == (True, [], version)
    assert signed.signed_by_name == "Kim Akers"
    assert bytes(signed.document).startswith(b"%PDF-")


def test_load_demo_sow_without_the_demo_engagement_does_nothing() -> None:
    load_demo_sow()
    assert not SowVersion.objects.exists()
