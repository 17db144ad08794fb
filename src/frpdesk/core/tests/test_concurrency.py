"""No lost updates: an edit based on an old version of a record is refused, not saved over the
change made in between (pages, API and services)."""

import pytest
from django.test import Client

from frpdesk.accounts.models import User
from frpdesk.accounts.tests.factories import token_header
from frpdesk.core.models import StaleEdit
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def edit_form(client: Client, customer: Customer) -> dict[str, str]:
    """The customer edit form as the browser would send it back, unchanged."""
    response = client.get(f"/customers/{customer.pk}/edit/")
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list) else str(value)
    return data


def test_every_save_bumps_the_version() -> None:
    customer = CustomerFactory()
    assert customer.version == 1
    customer.notes = "first"
    customer.save()
    assert customer.version == 2
    customer.save(update_fields=["notes"])
    assert Customer.objects.get(pk=customer.pk).version == 3


def test_the_second_of_two_editors_is_told_and_the_first_edit_stays(
    program_admin: User, consultant: User
) -> None:
    customer = CustomerFactory(name="Fabrikam", notes="")
    first, second = Client(), Client()
    first.force_login(program_admin)
    second.force_login(program_admin)
    first_form, second_form = edit_form(first, customer), edit_form(second, customer)
    assert first_form["edited_version"] == "1"

    saved = first.post(f"/customers/{customer.pk}/edit/", {**first_form, "notes": "Kick-off"})
    refused = second.post(
        f"/customers/{customer.pk}/edit/", {**second_form, "name": "Fabrikam Inc"}
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert "Someone else changed this customer while you were editing it" in (
        refused.content.decode()
    )
    customer.refresh_from_db()
    assert (customer.name, customer.notes, customer.version) == ("Fabrikam", "Kick-off", 2)

    # After a reload the editor works on the current version and can save.
    reloaded = edit_form(second, customer)
    assert (
        second.post(
            f"/customers/{customer.pk}/edit/", {**reloaded, "name": "Fabrikam Inc"}
        ).status_code
        == 302
    )
    customer.refresh_from_db()
    assert (customer.name, customer.notes, customer.version) == ("Fabrikam Inc", "Kick-off", 3)


def test_api_update_with_an_old_version_is_a_conflict(program_admin: User) -> None:
    customer = CustomerFactory(name="Northwind")
    client = Client(HTTP_AUTHORIZATION=token_header(program_admin))
    url = f"/api/customers/{customer.pk}/"
    read = client.get(url)
    assert read["ETag"] == '"1"'

    current = client.patch(
        url, {"notes": "A"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert current.status_code == 200
    assert current["ETag"] == '"2"'

    stale = client.patch(url, {"notes": "B"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert "Someone else changed this customer" in stale.json()["detail"]
    body_version = client.patch(url, {"notes": "C", "version": 1}, content_type="application/json")
    assert body_version.status_code == 409
    customer.refresh_from_db()
    assert (customer.notes, customer.version) == ("A", 2)

    unchecked = client.patch(url, {"notes": "D"}, content_type="application/json")
    assert unchecked.status_code == 200  # a client that names no version is not checked
    bad = client.patch(url, {"notes": "E"}, content_type="application/json", HTTP_IF_MATCH="x")
    assert bad.status_code == 400


def test_a_service_save_from_an_old_copy_is_refused() -> None:
    customer = CustomerFactory(name="Litware")
    old_copy = Customer.objects.get(pk=customer.pk)
    customer.name = "Litware Ltd"
    customer.save()

    old_copy.expect_version(1)
    old_copy.name = "Litware Inc"
    with pytest.raises(StaleEdit):
        old_copy.save()
    assert Customer.objects.get(pk=customer.pk).name == "Litware Ltd"
