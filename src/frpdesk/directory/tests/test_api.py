"""The directory's REST API: the list page's filters, writes through the service, JSON errors."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from frpdesk.accounts.tests.factories import token_header
from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.directory.tests.test_filters import FILTER_CASES, build_directory, case_id

pytestmark = pytest.mark.django_db

URL = "/api/directory/"

NEW_PARTNER = {
    "name": "Fjord Consulting",
    "partner_id": "7100001",
    "contact_name": "Sigrid Berg",
    "contact_email": "sigrid@fjord.example",
    "countries": ["NO", "SE"],
    "languages": ["nb", "en"],
    "endorsed_workloads": ["teams", "intune"],
}


@pytest.fixture
def api(program_admin) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(program_admin))
    return client


@pytest.fixture
def reader(consultant) -> APIClient:
    client = APIClient()
    client.force_authenticate(consultant)
    return client


@pytest.fixture
def directory() -> dict[str, DirectoryPartner]:
    return build_directory()


def field_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Some fields are not valid."
    return body["errors"]


def codes(partner: DirectoryPartner) -> set[str]:
    return set(partner.endorsed_workloads.values_list("code", flat=True))


class TestList:
    @pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=map(case_id, FILTER_CASES))
    def test_filters_are_the_list_pages(
        self, reader: APIClient, directory, query: dict[str, str], expected: set[str]
    ) -> None:
        response = reader.get(URL, query)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == len(expected)
        assert sorted(item["name"] for item in body["results"]) == sorted(expected)

    def test_workload_and_country_together(self, reader: APIClient, directory) -> None:
        body = reader.get(f"{URL}?workload=teams&country=DE").json()
        assert [item["name"] for item in body["results"]] == ["Alpine Cloud", "Euro Teams"]

    @pytest.mark.parametrize(
        ("query", "field"),
        [("workload=fax", "workload"), ("country=XX", "country"), ("language=en-gb", "language")],
    )
    def test_an_invalid_filter_value_is_a_400_naming_the_filter(
        self, reader: APIClient, directory, query: str, field: str
    ) -> None:
        response = reader.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_representation(self, reader: APIClient, directory) -> None:
        item = reader.get(f"{URL}{directory['Alpine Cloud'].pk}/").json()
        assert item == {
            "id": directory["Alpine Cloud"].pk,
            "name": "Alpine Cloud",
            "partner_id": "6100001",
            "contact_name": "Lena Huber",
            "contact_email": "lena@alpine.example",
            "contact_phone": "",
            "website": "",
            "countries": ["AT", "CH", "DE"],
            "languages": ["de", "en"],
            "endorsed_workloads": ["exchange", "teams"],
            "notes": "",
        }

    def test_ordering_and_pagination(self, reader: APIClient, directory) -> None:
        first = reader.get(URL, {"ordering": "-partner_id", "page_size": 4}).json()
        assert first["count"] == len(directory)
        assert [item["partner_id"] for item in first["results"]] == [
            "6300006",
            "6300005",
            "6200004",
            "6200003",
        ]
        assert "page=2" in first["next"]
        second = reader.get(first["next"]).json()
        assert [item["partner_id"] for item in second["results"]] == ["6100002", "6100001"]
        assert second["next"] is None


class TestWrite:
    def test_create_with_endorsed_workload_codes(self, api: APIClient, program_admin) -> None:
        response = api.post(URL, NEW_PARTNER, format="json")
        assert response.status_code == 201, response.content
        assert sorted(response.json()["endorsed_workloads"]) == ["intune", "teams"]
        partner = DirectoryPartner.objects.get(partner_id="7100001")
        assert codes(partner) == {"intune", "teams"}
        assert [country.code for country in partner.countries] == ["NO", "SE"]
        assert partner.languages == ["nb", "en"]
        assert (
            LogEntry.objects.get_for_object(partner).filter(action=LogEntry.Action.CREATE).exists()
        )

    def test_an_unknown_workload_code_is_a_field_error(self, api: APIClient) -> None:
        response = api.post(
            URL, {**NEW_PARTNER, "endorsed_workloads": ["teams", "fax"]}, format="json"
        )
        [message] = field_errors(response)["endorsed_workloads"]
        assert "fax" in message
        assert not DirectoryPartner.objects.exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"partner_id": "MPN-7"}, "partner_id"),
            ({"contact_email": "not-an-email"}, "contact_email"),
            ({"countries": ["XX"]}, "countries"),
            ({"languages": ["en-gb"]}, "languages"),
            ({"name": ""}, "name"),
        ],
    )
    def test_invalid_fields_are_field_errors(
        self, api: APIClient, change: dict[str, Any], field: str
    ) -> None:
        response = api.post(URL, {**NEW_PARTNER, **change}, format="json")
        assert field in field_errors(response)
        assert not DirectoryPartner.objects.exists()

    def test_a_duplicate_partner_id_is_a_field_error(self, api: APIClient) -> None:
        DirectoryPartnerFactory(partner_id="7100001")
        response = api.post(URL, NEW_PARTNER, format="json")
        assert "partner_id" in field_errors(response)
        assert DirectoryPartner.objects.count() == 1

    def test_patch_without_workloads_keeps_them(self, api: APIClient) -> None:
        partner = DirectoryPartnerFactory(endorsed_workloads=["teams", "exchange"])
        response = api.patch(f"{URL}{partner.pk}/", {"countries": ["DE"]}, format="json")
        assert response.status_code == 200
        partner.refresh_from_db()
        assert [country.code for country in partner.countries] == ["DE"]
        assert codes(partner) == {"teams", "exchange"}

    def test_patch_replaces_the_workloads(self, api: APIClient) -> None:
        partner = DirectoryPartnerFactory(endorsed_workloads=["teams", "exchange"])
        response = api.patch(
            f"{URL}{partner.pk}/", {"endorsed_workloads": ["copilot"]}, format="json"
        )
        assert response.status_code == 200
        assert codes(partner) == {"copilot"}

    def test_delete(self, api: APIClient) -> None:
        partner = DirectoryPartnerFactory()
        assert api.delete(f"{URL}{partner.pk}/").status_code == 204
        assert not DirectoryPartner.objects.exists()

    def test_read_only_roles_cannot_write(self, reader: APIClient) -> None:
        partner = DirectoryPartnerFactory()
        assert reader.post(URL, NEW_PARTNER, format="json").status_code == 403
        assert reader.delete(f"{URL}{partner.pk}/").status_code == 403
        assert list(DirectoryPartner.objects.all()) == [partner]

    def test_anonymous_requests_are_refused(self) -> None:
        assert APIClient().get(URL).status_code == 401
