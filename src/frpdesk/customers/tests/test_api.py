"""The customers' REST API: tenants, their contacts and our people, through the choke point."""

import uuid
from typing import Any

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from frpdesk.accounts.tests.factories import DELIVERY_TEAM, token_header
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact, Tag
from frpdesk.customers.tests.factories import (
    CustomerContactFactory,
    CustomerFactory,
    PartnerContactFactory,
)
from frpdesk.licensing.tests.factories import import_licences

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/"
CONTACTS = "/api/customer-contacts/"
PEOPLE = "/api/customer-partner-contacts/"
TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"

NEW_CUSTOMER = {
    "name": "Fabrikam Industries",
    "tenant_id": "{B7E3C5A1-4F2D-4E8B-9A6C-0D1E2F3A4B5C}",
    "primary_domain": " Fabrikam.Example.com ",
    "country": "de",
    "industry": "manufacturing",
    "segment": "corporate",
    "is_edu": False,
    "tags": ["priority", "manufacturing"],
}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session, as the browsable pages have
    return client


@pytest.fixture
def writer(consultant: Any) -> APIClient:
    """Delivery consultants manage customers."""
    return client_for(consultant)


@pytest.fixture
def reader(executive: Any) -> APIClient:
    return client_for(executive)


def field_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Some fields are not valid."
    return body["errors"]


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


# --- customers -------------------------------------------------------------------------------


class TestCustomerWrites:
    def test_create(self, writer: APIClient, consultant: Any) -> None:
        response = writer.post(
            CUSTOMERS, {**NEW_CUSTOMER, "owner": consultant.username}, format="json"
        )

        assert response.status_code == 201, response.content
        body = response.json()
        customer = Customer.objects.get()
        assert body == {
            "id": customer.pk,
            "name": "Fabrikam Industries",
            "tenant_id": TENANT,
            "tpid": "",
            "primary_domain": "fabrikam.example.com",
            "country": "DE",
            "industry": "manufacturing",
            "segment": "corporate",
            "is_edu": False,
            "is_government_cloud": False,
            "owner": consultant.username,
            "team": DELIVERY_TEAM,  # the creator's only team
            "tags": ["manufacturing", "priority"],
            "notes": "",
            "eligibility": None,
            "created_at": body["created_at"],
            "updated_at": body["updated_at"],
        }
        assert customer.tenant_id == uuid.UUID(TENANT)
        assert customer.owner == consultant
        assert sorted(customer.tags.values_list("name", flat=True)) == ["manufacturing", "priority"]
        assert (
            LogEntry.objects.get_for_object(customer).get(action=LogEntry.Action.CREATE).actor
            == consultant
        )

    def test_minimal_create(self, writer: APIClient) -> None:
        response = writer.post(CUSTOMERS, {"name": "Contoso", "tenant_id": TENANT}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["tags"] == []
        assert response.json()["owner"] is None

    @pytest.mark.parametrize("tenant_id", ["", "not-a-guid", "b7e3c5a1-4f2d-4e8b-9a6c", "12345"])
    def test_tenant_id_must_be_a_guid(self, writer: APIClient, tenant_id: str) -> None:
        errors = field_errors(
            writer.post(CUSTOMERS, {**NEW_CUSTOMER, "tenant_id": tenant_id}, format="json")
        )
        assert list(errors) == ["tenant_id"]
        assert not Customer.objects.exists()

    def test_bad_tenant_id_message_names_the_value(self, writer: APIClient) -> None:
        errors = field_errors(
            writer.post(CUSTOMERS, {**NEW_CUSTOMER, "tenant_id": "abc"}, format="json")
        )
        assert errors["tenant_id"] == [
            "“abc” is not a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47)."
        ]

    def test_tenant_id_is_unique_in_any_spelling(self, writer: APIClient) -> None:
        CustomerFactory(tenant_id=uuid.UUID(TENANT))
        errors = field_errors(
            writer.post(CUSTOMERS, {**NEW_CUSTOMER, "tenant_id": TENANT.upper()}, format="json")
        )
        assert errors["tenant_id"] == [f"A customer with tenant ID {TENANT} already exists."]
        assert Customer.objects.count() == 1

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("country", "XX"),
            ("industry", "fishing"),
            ("segment", "huge"),
            ("name", ""),
            ("owner", "nobody"),
        ],
    )
    def test_invalid_fields_are_400s_naming_the_field(
        self, writer: APIClient, field: str, value: str
    ) -> None:
        errors = field_errors(writer.post(CUSTOMERS, {**NEW_CUSTOMER, field: value}, format="json"))
        assert list(errors) == [field]
        assert not Customer.objects.exists()
        assert not Tag.objects.exists()

    def test_tag_names_longer_than_the_model_allows_are_refused(self, writer: APIClient) -> None:
        errors = field_errors(
            writer.post(CUSTOMERS, {**NEW_CUSTOMER, "tags": ["x" * 61]}, format="json")
        )
        assert list(errors) == ["tags"]

    def test_tags_are_replaced_kept_or_cleared(self, writer: APIClient) -> None:
        customer = CustomerFactory(tags=["old", "keep"])
        url = f"{CUSTOMERS}{customer.pk}/"

        assert writer.patch(url, {"tags": ["keep", " new ", ""]}, format="json").json()["tags"] == [
            "keep",
            "new",
        ]
        assert writer.patch(url, {"notes": "Call in May"}, format="json").json()["tags"] == [
            "keep",
            "new",
        ]
        assert writer.patch(url, {"tags": []}, format="json").json()["tags"] == []
        assert Tag.objects.filter(name="old").exists(), "tags are shared: removing one keeps it"

    def test_update_keeps_its_own_tenant_id_and_normalises_a_new_one(
        self, writer: APIClient
    ) -> None:
        customer = CustomerFactory(tenant_id=uuid.UUID(TENANT))
        url = f"{CUSTOMERS}{customer.pk}/"
        assert (
            writer.patch(
                url, {"tenant_id": TENANT.upper(), "name": "Renamed"}, format="json"
            ).status_code
            == 200
        )
        other = str(uuid.uuid4())
        assert (
            writer.patch(url, {"tenant_id": f" {{{other.upper()}}} "}, format="json").json()[
                "tenant_id"
            ]
            == other
        )
        customer.refresh_from_db()
        assert (customer.name, str(customer.tenant_id)) == ("Renamed", other)

    def test_put_replaces_the_record(self, writer: APIClient) -> None:
        customer = CustomerFactory(tags=["a"], notes="old")
        response = writer.put(
            f"{CUSTOMERS}{customer.pk}/", {"name": "Contoso", "tenant_id": TENANT}, format="json"
        )
        assert response.status_code == 200, response.content
        customer.refresh_from_db()
        assert (customer.name, customer.notes) == ("Contoso", "old")

    def test_delete_removes_the_customer_its_contacts_and_licences(self, writer: APIClient) -> None:
        customer = CustomerFactory()
        CustomerContactFactory(customer=customer)
        import_licences(customer, {"SPE_E3": 200})
        assert writer.delete(f"{CUSTOMERS}{customer.pk}/").status_code == 204
        assert not Customer.objects.exists()
        assert not CustomerContact.objects.exists()

    def test_unknown_customer_is_a_json_404(self, writer: APIClient) -> None:
        response = writer.patch(f"{CUSTOMERS}999999/", {"name": "x"}, format="json")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


@pytest.fixture
def portfolio(consultant: Any) -> dict[str, Customer]:
    """Five tenants: eligible or not, with or without licences, tags, owners and countries."""
    customers = {
        "Alpine Eligible": CustomerFactory(
            name="Alpine Eligible", country="AT", tags=["priority"], owner=consultant
        ),
        "Bavaria Small": CustomerFactory(name="Bavaria Small", country="DE", tags=["priority"]),
        "Contoso School": CustomerFactory(
            name="Contoso School", country="US", is_edu=True, segment="education"
        ),
        "Delta Unknown": CustomerFactory(
            name="Delta Unknown", country="US", primary_domain="delta.example"
        ),
        "Echo Exchange": CustomerFactory(name="Echo Exchange", country="GB", tpid="TP-77"),
    }
    import_licences(customers["Alpine Eligible"], {"SPE_E3": 600})
    import_licences(customers["Bavaria Small"], {"SPE_E3": 20})
    import_licences(customers["Contoso School"], {"M365EDU_A3_FACULTY": 300})
    import_licences(customers["Echo Exchange"], {"EXCHANGESTANDARD": 200})
    return customers


class TestCustomerList:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            (
                {},
                [
                    "Alpine Eligible",
                    "Bavaria Small",
                    "Contoso School",
                    "Delta Unknown",
                    "Echo Exchange",
                ],
            ),
            ({"eligible": "true"}, ["Alpine Eligible", "Contoso School", "Echo Exchange"]),
            ({"eligible": "false"}, ["Bavaria Small", "Delta Unknown"]),
            ({"has_licences": "false"}, ["Delta Unknown"]),
            ({"workload": "teams"}, ["Alpine Eligible", "Contoso School"]),
            ({"workload": "exchange"}, ["Alpine Eligible", "Contoso School", "Echo Exchange"]),
            ({"tag": "priority"}, ["Alpine Eligible", "Bavaria Small"]),
            ({"country": "US"}, ["Contoso School", "Delta Unknown"]),
            ({"is_edu": "true"}, ["Contoso School"]),
            ({"segment": "education"}, ["Contoso School"]),
            ({"search": "delta.example"}, ["Delta Unknown"]),
            ({"search": "tp-77"}, ["Echo Exchange"]),
            ({"search": "school"}, ["Contoso School"]),
        ],
    )
    def test_filters_are_the_list_pages(
        self,
        reader: APIClient,
        portfolio: dict[str, Customer],
        query: dict[str, str],
        expected: list[str],
    ) -> None:
        assert names(reader.get(CUSTOMERS, query)) == expected

    def test_owner_and_tenant_id_search(
        self, reader: APIClient, portfolio: dict[str, Customer], consultant: Any
    ) -> None:
        assert names(reader.get(CUSTOMERS, {"owner": consultant.pk})) == ["Alpine Eligible"]
        tenant = str(portfolio["Bavaria Small"].tenant_id)
        assert names(reader.get(CUSTOMERS, {"search": "{" + tenant + "}"})) == ["Bavaria Small"]

    @pytest.mark.parametrize(
        ("query", "field"), [("workload=fax", "workload"), ("country=XX", "country")]
    )
    def test_an_invalid_filter_value_is_a_400_naming_the_filter(
        self, reader: APIClient, portfolio: dict[str, Customer], query: str, field: str
    ) -> None:
        response = reader.get(f"{CUSTOMERS}?{query}")
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_eligibility_summary_in_the_representation(
        self, reader: APIClient, portfolio: dict[str, Customer]
    ) -> None:
        alpine = reader.get(f"{CUSTOMERS}{portfolio['Alpine Eligible'].pk}/").json()
        assert alpine["eligibility"]["eligible"] is True
        assert alpine["eligibility"]["eligible_seats"] == 600
        assert {"exchange", "teams", "sharepoint", "onedrive"} <= set(
            alpine["eligibility"]["eligible_workloads"]
        )
        assert (
            reader.get(f"{CUSTOMERS}{portfolio['Delta Unknown'].pk}/").json()["eligibility"] is None
        )

    def test_ordering(self, reader: APIClient, portfolio: dict[str, Customer]) -> None:
        body = reader.get(CUSTOMERS, {"ordering": "-name", "page_size": 2}).json()
        assert body["count"] == 5
        assert [item["name"] for item in body["results"]] == ["Echo Exchange", "Delta Unknown"]

    def test_the_list_takes_a_fixed_number_of_queries(
        self, reader: APIClient, portfolio: dict[str, Customer], django_assert_max_num_queries: Any
    ) -> None:
        for number in range(10):
            customer = CustomerFactory(tags=[f"t{number}"])
            import_licences(customer, {"SPE_E3": 200})
        with django_assert_max_num_queries(12):
            assert reader.get(CUSTOMERS).json()["count"] == 15


# --- contacts --------------------------------------------------------------------------------


class TestCustomerContacts:
    def test_create_with_workload_codes(self, writer: APIClient) -> None:
        customer = CustomerFactory()
        response = writer.post(
            CONTACTS,
            {
                "customer": customer.pk,
                "name": "Adele Vance",
                "email": "adele@fabrikam.example",
                "role": "sponsor",
                "country": "us",
                "survey_language": "en",
                "services_assisted": ["teams", "exchange"],
                "survey_eligible": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert sorted(body["services_assisted"]) == ["exchange", "teams"]
        assert (body["country"], body["customer"], body["role"]) == ("US", customer.pk, "sponsor")
        contact = CustomerContact.objects.get()
        assert sorted(contact.services_assisted.values_list("code", flat=True)) == [
            "exchange",
            "teams",
        ]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("services_assisted", ["fax"]),
            ("email", "not-an-email"),
            ("role", "boss"),
            ("survey_language", "xx"),
            ("country", "XX"),
            ("customer", 999999),
        ],
    )
    def test_invalid_fields(self, writer: APIClient, field: str, value: Any) -> None:
        customer = CustomerFactory()
        data = {"customer": customer.pk, "name": "A", "email": "a@example.com", field: value}
        errors = field_errors(writer.post(CONTACTS, data, format="json"))
        assert list(errors) == [field]
        assert not CustomerContact.objects.exists()

    def test_one_email_per_customer(self, writer: APIClient) -> None:
        contact = CustomerContactFactory(email="a@example.com")
        data = {"customer": contact.customer.pk, "name": "Again", "email": "a@example.com"}
        assert writer.post(CONTACTS, data, format="json").status_code == 400
        other = CustomerFactory()
        assert (
            writer.post(CONTACTS, {**data, "customer": other.pk}, format="json").status_code == 201
        )

    def test_update_workloads_and_delete(self, writer: APIClient) -> None:
        contact = CustomerContactFactory(services_assisted=["teams"])
        url = f"{CONTACTS}{contact.pk}/"
        assert writer.patch(url, {"title": "CIO"}, format="json").json()["services_assisted"] == [
            "teams"
        ]
        assert writer.patch(url, {"services_assisted": ["intune"]}, format="json").json()[
            "services_assisted"
        ] == ["intune"]
        assert writer.delete(url).status_code == 204
        assert not CustomerContact.objects.exists()

    def test_filter_by_customer(self, reader: APIClient) -> None:
        first, second = CustomerFactory(), CustomerFactory()
        CustomerContactFactory(customer=first, name="One", survey_eligible=True)
        CustomerContactFactory(customer=first, name="Two")
        CustomerContactFactory(customer=second, name="Three")
        assert names(reader.get(CONTACTS, {"customer": first.pk})) == ["One", "Two"]
        assert names(reader.get(CONTACTS, {"customer": first.pk, "survey_eligible": "true"})) == [
            "One"
        ]
        assert names(reader.get(CONTACTS)) == ["One", "Three", "Two"]


class TestPartnerContacts:
    def test_create_filter_and_delete(
        self, writer: APIClient, consultant: Any, program_admin: Any
    ) -> None:
        first, second = CustomerFactory(), CustomerFactory()
        response = writer.post(
            PEOPLE,
            {"customer": first.pk, "user": consultant.username, "role": "engagement_lead"},
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["customer"], body["user"], body["role"]) == (
            first.pk,
            consultant.username,
            "engagement_lead",
        )
        PartnerContactFactory(customer=second, user=program_admin)
        PartnerContactFactory(customer=first, user=program_admin, role="sales")

        def users(query: dict[str, Any]) -> list[str]:
            return sorted(item["user"] for item in writer.get(PEOPLE, query).json()["results"])

        assert users({"customer": first.pk}) == sorted(
            [consultant.username, program_admin.username]
        )
        assert users({"user": program_admin.username}) == [program_admin.username] * 2
        assert users({"customer": second.pk, "role": "consultant"}) == [program_admin.username]
        assert writer.delete(f"{PEOPLE}{body['id']}/").status_code == 204

    def test_the_same_person_in_the_same_role_once(
        self, writer: APIClient, consultant: Any
    ) -> None:
        contact = PartnerContactFactory(user=consultant)
        data = {"customer": contact.customer.pk, "user": consultant.username, "role": contact.role}
        assert writer.post(PEOPLE, data, format="json").status_code == 400
        assert writer.post(PEOPLE, {**data, "role": "sales"}, format="json").status_code == 201

    def test_unknown_or_inactive_user(self, writer: APIClient, make_user: Any) -> None:
        customer = CustomerFactory()
        gone = make_user(username="gone", is_active=False)
        for username in ("nobody", gone.username):
            errors = field_errors(
                writer.post(PEOPLE, {"customer": customer.pk, "user": username}, format="json")
            )
            assert list(errors) == ["user"]


# --- permissions -----------------------------------------------------------------------------


def _records(consultant: Any) -> dict[str, str]:
    customer = CustomerFactory()
    contact = CustomerContactFactory(customer=customer)
    person = PartnerContactFactory(customer=customer, user=consultant)
    return {
        CUSTOMERS: f"{CUSTOMERS}{customer.pk}/",
        CONTACTS: f"{CONTACTS}{contact.pk}/",
        PEOPLE: f"{PEOPLE}{person.pk}/",
    }


def _counts() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        CustomerContact.objects.count(),
        PartnerContact.objects.count(),
        LogEntry.objects.count(),
    )


@pytest.mark.parametrize("collection", [CUSTOMERS, CONTACTS, PEOPLE])
def test_executives_read_but_change_nothing(
    reader: APIClient, consultant: Any, collection: str
) -> None:
    detail = _records(consultant)[collection]
    before = _counts()
    assert reader.get(collection).json()["count"] == 1
    assert reader.get(detail).status_code == 200
    for response in (
        reader.post(collection, {}, format="json"),
        reader.patch(detail, {"name": "x"}, format="json"),
        reader.put(detail, {}, format="json"),
        reader.delete(detail),
    ):
        assert response.status_code == 403
        assert set(response.json()) == {"detail"}
    assert _counts() == before


@pytest.mark.parametrize("collection", [CUSTOMERS, CONTACTS, PEOPLE])
def test_users_without_a_role_get_nothing(outsider: Any, consultant: Any, collection: str) -> None:
    detail = _records(consultant)[collection]
    client = client_for(outsider)
    before = _counts()
    for response in (
        client.get(collection),
        client.get(detail),
        client.post(collection, {}, format="json"),
        client.patch(detail, {}, format="json"),
        client.delete(detail),
    ):
        assert response.status_code == 403
        assert set(response.json()) == {"detail"}
    assert _counts() == before


def test_anonymous_requests_are_refused() -> None:
    response = APIClient().get(CUSTOMERS)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail"}


def test_token_authentication_names_the_actor(program_admin: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(program_admin))
    response = client.post(CUSTOMERS, {"name": "Token Co", "tenant_id": TENANT}, format="json")
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert (
        LogEntry.objects.get_for_object(customer).get(action=LogEntry.Action.CREATE).actor
        == program_admin
    )
    assert client.get(CUSTOMERS).json()["count"] == 1
