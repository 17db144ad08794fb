import pytest
from django.test import Client

from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing.tests.factories import import_licences


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["eligible_seats", "-eligible_seats"])
def test_tenants_without_licences_sort_last_both_ways(
    client: Client, consultant, sort: str
) -> None:
    unlicensed = CustomerFactory(name="Aardvark Unlicensed")
    small, large = CustomerFactory(name="Small Tenant"), CustomerFactory(name="Large Tenant")
    import_licences(small, {"SPE_E3": 50})
    import_licences(large, {"SPE_E3": 900})
    client.force_login(consultant)
    body = client.get("/customers/", {"sort": sort}).content.decode()
    positions = [body.index(customer.name) for customer in (small, large, unlicensed)]
    expected = [small, large] if sort == "eligible_seats" else [large, small]
    assert sorted(positions) == [body.index(c.name) for c in (*expected, unlicensed)]
