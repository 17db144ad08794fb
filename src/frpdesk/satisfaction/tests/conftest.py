import pytest

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory

CONTOSO_TENANT = "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f"


@pytest.fixture
def contoso(db: None) -> Customer:
    return CustomerFactory(
        name="Contoso Pharmaceuticals",
        primary_domain="contosopharma.example",
        tenant_id=CONTOSO_TENANT,
    )


@pytest.fixture
def fabrikam(db: None) -> Customer:
    return CustomerFactory(name="Fabrikam Manufacturing", primary_domain="fabrikam.example")
