"""The licensing REST API: snapshots (read-only), the licence upload and the eligibility document."""

import datetime
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.accounts.tests.factories import token_header
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing import api as licensing_api
from frpdesk.licensing.models import Eligibility, LicenseSnapshot, SnapshotLine
from frpdesk.licensing.services import eligibility_document
from frpdesk.licensing.tests.factories import import_licences

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/samples/subscribedSkus.json")
SNAPSHOTS = "/api/snapshots/"
DAY = datetime.date(2025, 11, 20)
CSV_HEADER = "sku_part_number,enabled,suspended,warning,consumed"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def writer(consultant: Any) -> APIClient:
    return client_for(consultant)


@pytest.fixture
def reader(executive: Any) -> APIClient:
    return client_for(executive)


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(
        name="Fabrikam Industries", tenant_id=uuid.UUID("b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c")
    )


def licenses_url(customer: Customer) -> str:
    return f"/api/customers/{customer.pk}/licenses/"


def eligibility_url(customer: Customer) -> str:
    return f"/api/customers/{customer.pk}/eligibility/"


def upload(
    client: APIClient, customer: Customer, content: bytes, name: str = "licences.csv", **data: Any
) -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(licenses_url(customer), {"file": file, **data}, format="multipart")


def csv_file(*rows: str) -> bytes:
    return "\r\n".join([CSV_HEADER, *rows, ""]).encode()


def stored() -> tuple[Any, ...]:
    return (
        list(LicenseSnapshot.objects.values_list("pk", "as_of", "content_hash", "imported_at")),
        list(SnapshotLine.objects.values_list("sku_part_number", "enabled")),
        list(Eligibility.objects.values_list("customer_id", "eligible_seats", "computed_at")),
        LogEntry.objects.count(),
    )


# --- upload ----------------------------------------------------------------------------------


class TestUpload:
    def test_graph_json_creates_the_snapshot_and_returns_the_eligibility(
        self, writer: APIClient, customer: Customer, consultant: Any
    ) -> None:
        response = upload(writer, customer, SAMPLE.read_bytes(), SAMPLE.name, as_of="2025-11-20")

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["outcome"] == "created"
        assert body["unknown_skus"] == []
        snapshot = body["snapshot"]
        assert snapshot["customer"] == customer.pk
        assert snapshot["tenant_id"] == str(customer.tenant_id)
        assert (snapshot["as_of"], snapshot["source"], snapshot["file_name"]) == (
            "2025-11-20",
            "graph_json",
            "subscribedSkus.json",
        )
        assert snapshot["imported_by"] == consultant.username
        assert len(snapshot["lines"]) == 8
        enterprise_pack = next(
            line for line in snapshot["lines"] if line["sku_part_number"] == "ENTERPRISEPACK"
        )
        assert enterprise_pack == {
            "sku_part_number": "ENTERPRISEPACK",
            "sku_guid": "6fd2c87f-b296-42f0-b197-1e91e994b900",
            "enabled": 0,
            "suspended": 0,
            "warning": 10,
            "locked_out": 0,
            "consumed": 0,
            "capability_status": "Warning",
        }
        assert body["eligibility"] == eligibility_document(customer)
        assert (body["eligibility"]["eligible"], body["eligibility"]["eligible_seats"]) == (
            False,
            50,
        )
        created = LicenseSnapshot.objects.get()
        assert LogEntry.objects.get_for_object(created).get().actor == consultant

    def test_the_same_file_twice_is_200_unchanged_and_writes_nothing(
        self, writer: APIClient, customer: Customer
    ) -> None:
        first = upload(writer, customer, SAMPLE.read_bytes(), SAMPLE.name, as_of="2025-11-20")
        before = stored()

        again = upload(writer, customer, SAMPLE.read_bytes(), SAMPLE.name, as_of="2025-11-20")

        assert again.status_code == 200, again.content
        assert again.json()["outcome"] == "unchanged"
        assert again.json()["snapshot"]["id"] == first.json()["snapshot"]["id"]
        assert stored() == before

    def test_another_file_the_same_day_is_200_replaced(
        self, writer: APIClient, customer: Customer
    ) -> None:
        upload(writer, customer, csv_file("SPE_E3,100,0,0,0"), as_of="2025-11-20")
        response = upload(writer, customer, csv_file("SPE_E3,160,0,0,0"), as_of="2025-11-20")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["outcome"] == "replaced"
        assert [line["enabled"] for line in body["snapshot"]["lines"]] == [160]
        assert body["eligibility"]["eligible"] is True
        assert LicenseSnapshot.objects.count() == 1

    def test_another_day_adds_to_the_history(self, writer: APIClient, customer: Customer) -> None:
        upload(writer, customer, csv_file("SPE_E3,100,0,0,0"), as_of="2025-11-20")
        response = upload(writer, customer, csv_file("SPE_E3,100,0,0,0"), as_of="2025-11-21")
        assert response.status_code == 201
        assert LicenseSnapshot.objects.count() == 2
        assert response.json()["eligibility"]["as_of"] == "2025-11-21"

    def test_as_of_defaults_to_today(self, writer: APIClient, customer: Customer) -> None:
        response = upload(writer, customer, csv_file("SPE_E3,100,0,0,0"))
        assert response.status_code == 201
        assert response.json()["snapshot"]["as_of"] == timezone.localdate().isoformat()

    def test_unknown_skus_are_kept_and_flagged(self, writer: APIClient, customer: Customer) -> None:
        response = upload(writer, customer, csv_file("SPE_E3,100,0,0,0", "CONTOSO_E9,500,0,0,0"))
        body = response.json()
        assert body["unknown_skus"] == ["CONTOSO_E9"]
        assert body["eligibility"]["unknown_skus"] == ["CONTOSO_E9"]
        assert body["eligibility"]["eligible_seats"] == 100
        assert {line["sku_part_number"] for line in body["snapshot"]["lines"]} == {
            "SPE_E3",
            "CONTOSO_E9",
        }

    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (
                csv_file("SPE_E3,200,0,0,0", "EMSPREMIUM,lots,0,0,0"),
                "licences.csv",
                "licences.csv, row 3, column enabled: must be a whole number from 0 to 2,147,483,647, got 'lots'",
            ),
            (
                json.dumps({"value": [{"skuPartNumber": "SPE_E3", "prepaidUnits": {}}]}).encode(),
                "skus.json",
                "skus.json, item 1, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got None",
            ),
            (
                b'{"value": [}',
                "skus.json",
                "skus.json, line 1: is not valid JSON: Expecting value (character 12)",
            ),
            (
                b"[1, 2]",
                "skus.json",
                'skus.json: is not a Microsoft Graph subscribedSkus response: expected an object with a "value" list',
            ),
            (b"", "empty.csv", "empty.csv: is empty"),
            (b"\xff\xfe\x00", "utf16.csv", "utf16.csv: is not UTF-8 text"),
            (
                b"name,count\nSPE_E3,1\n",
                "other.csv",
                "other.csv, row 1: is missing the column(s) sku_part_number, enabled, suspended, "
                "warning, consumed; expected sku_part_number,enabled,suspended,warning,consumed",
            ),
        ],
        ids=[
            "csv-cell",
            "json-field",
            "json-syntax",
            "json-shape",
            "empty",
            "utf-16",
            "csv-header",
        ],
    )
    def test_a_bad_file_is_a_400_naming_the_spot_and_nothing_is_saved(
        self, writer: APIClient, customer: Customer, content: bytes, name: str, message: str
    ) -> None:
        upload(writer, customer, csv_file("SPE_E3,100,0,0,0"), as_of="2025-11-20")
        before = stored()

        response = upload(writer, customer, content, name, as_of="2025-11-20")

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The licence file was not imported; nothing was saved.",
            "errors": {"file": [message]},
        }
        assert stored() == before

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({}, "file"),
            ({"file": "not a file"}, "file"),
            ({"as_of": "20/11/2025"}, "as_of"),
            ({"as_of": "2025-02-30"}, "as_of"),
        ],
    )
    def test_missing_file_or_bad_date_are_field_errors(
        self, writer: APIClient, customer: Customer, data: dict[str, Any], field: str
    ) -> None:
        if field == "as_of":
            file = io.BytesIO(csv_file("SPE_E3,100,0,0,0"))
            file.name = "licences.csv"
            data = {"file": file, **data}
        response = writer.post(licenses_url(customer), data, format="multipart")
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "Some fields are not valid."
        assert list(body["errors"]) == [field]
        assert not LicenseSnapshot.objects.exists()

    def test_json_bodies_are_refused(self, writer: APIClient, customer: Customer) -> None:
        response = writer.post(licenses_url(customer), {"file": "x"}, format="json")
        assert response.status_code == 415
        assert set(response.json()) == {"detail"}

    def test_a_file_over_the_size_limit_is_refused(
        self, writer: APIClient, customer: Customer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(licensing_api, "MAX_UPLOAD_BYTES", 1024 * 1024)
        content = csv_file(*(f"SKU_{number:07d},1,0,0,0" for number in range(70_000)))
        response = upload(writer, customer, content, "huge.csv")
        assert response.status_code == 400
        assert response.json()["errors"] == {"file": ["huge.csv: is larger than 1 MB"]}
        assert not LicenseSnapshot.objects.exists()

    def test_unknown_customer_is_a_json_404(self, writer: APIClient) -> None:
        response = writer.post(
            "/api/customers/999999/licenses/", {"file": io.BytesIO(b"x")}, format="multipart"
        )
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


# --- eligibility -----------------------------------------------------------------------------


class TestEligibility:
    def test_no_snapshot_yet_is_a_json_404(self, reader: APIClient, customer: Customer) -> None:
        response = reader.get(eligibility_url(customer))
        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Fabrikam Industries (tenant {customer.tenant_id}) has no licence snapshot "
            f"yet; upload one with POST /api/customers/{customer.pk}/licenses/."
        }

    def test_the_document_is_exactly_the_clis(
        self, reader: APIClient, customer: Customer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        import_licences(
            customer, {"SPE_E3": 480, "EXCHANGESTANDARD": 40, "CONTOSO_E9": 7}, as_of=DAY
        )
        response = reader.get(eligibility_url(customer))
        assert response.status_code == 200
        call_command("eligibility", "--tenant-id", str(customer.tenant_id), "--json")
        assert response.json() == json.loads(capsys.readouterr().out)

        document = response.json()
        assert list(document) == [
            "tenant_id",
            "as_of",
            "eligible",
            "eligible_seats",
            "workloads",
            "unknown_skus",
            "reasons",
        ]
        assert (document["tenant_id"], document["as_of"]) == (str(customer.tenant_id), "2025-11-20")
        assert (document["eligible"], document["eligible_seats"]) == (True, 520)
        assert list(document["workloads"]) == list(
            Workload.objects.order_by("sort_order").values_list("code", flat=True)
        )
        assert document["workloads"]["exchange"] == {
            "eligible": True,
            "eligible_seats": 520,
            "pau": 520,
            "migration": "fasttrack_migration",
        }
        assert document["workloads"]["sharepoint"]["migration"] == "guidance_only"
        assert document["workloads"]["teams"]["migration"] is None
        assert document["workloads"]["copilot"] == {
            "eligible": False,
            "eligible_seats": 0,
            "pau": 0,
            "migration": None,
        }
        assert document["unknown_skus"] == ["CONTOSO_E9"]
        assert document["reasons"][0] == "Tenant eligible: 520 seats on eligible plans ≥ 150."

    def test_the_newest_snapshot_decides(self, reader: APIClient, customer: Customer) -> None:
        import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
        import_licences(customer, {"SPE_E3": 20}, as_of=DAY + datetime.timedelta(days=1))
        document = reader.get(eligibility_url(customer)).json()
        assert (document["as_of"], document["eligible"]) == ("2025-11-21", False)

    def test_unknown_customer_is_a_json_404(self, reader: APIClient) -> None:
        response = reader.get("/api/customers/999999/eligibility/")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


# --- snapshots -------------------------------------------------------------------------------


class TestSnapshots:
    def test_list_and_detail_with_lines(self, reader: APIClient, customer: Customer) -> None:
        other = CustomerFactory(name="Contoso")
        import_licences(customer, {"SPE_E3": 200, "EMSPREMIUM": (5, 1, 2, 3)}, as_of=DAY)
        import_licences(customer, {"SPE_E3": 210}, as_of=DAY + datetime.timedelta(days=1))
        import_licences(other, {"SPE_E3": 20}, as_of=DAY)

        body = reader.get(SNAPSHOTS).json()
        assert body["count"] == 3
        assert [(item["customer"], item["as_of"]) for item in body["results"]] == [
            (customer.pk, "2025-11-21"),
            (other.pk, "2025-11-20"),
            (customer.pk, "2025-11-20"),
        ]
        first = LicenseSnapshot.objects.get(customer=customer, as_of=DAY)
        detail = reader.get(f"{SNAPSHOTS}{first.pk}/").json()
        assert detail["lines"] == [
            {
                "sku_part_number": "EMSPREMIUM",
                "sku_guid": None,
                "enabled": 5,
                "suspended": 1,
                "warning": 2,
                "locked_out": 0,
                "consumed": 3,
                "capability_status": "",
            },
            {
                "sku_part_number": "SPE_E3",
                "sku_guid": None,
                "enabled": 200,
                "suspended": 0,
                "warning": 0,
                "locked_out": 0,
                "consumed": 0,
                "capability_status": "",
            },
        ]
        assert detail["imported_by"] is None
        assert detail["source"] == "csv"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"as_of": "2025-11-20"}, 2),
            ({"as_of__gte": "2025-11-21"}, 1),
            ({"as_of__lte": "2025-11-20"}, 2),
            ({"source": "csv"}, 3),
            ({"source": "graph_json"}, 0),
        ],
    )
    def test_filters(
        self, reader: APIClient, customer: Customer, query: dict[str, str], expected: int
    ) -> None:
        import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
        import_licences(customer, {"SPE_E3": 210}, as_of=DAY + datetime.timedelta(days=1))
        import_licences(CustomerFactory(), {"SPE_E3": 20}, as_of=DAY)
        assert reader.get(SNAPSHOTS, query).json()["count"] == expected

    def test_filter_by_customer(self, reader: APIClient, customer: Customer) -> None:
        import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
        import_licences(CustomerFactory(), {"SPE_E3": 20}, as_of=DAY)
        results = reader.get(SNAPSHOTS, {"customer": customer.pk}).json()["results"]
        assert [item["customer"] for item in results] == [customer.pk]

    def test_bad_filter_values_are_400s(self, reader: APIClient) -> None:
        assert reader.get(SNAPSHOTS, {"as_of": "yesterday"}).status_code == 400
        assert reader.get(SNAPSHOTS, {"source": "fax"}).status_code == 400

    def test_snapshots_are_read_only(self, writer: APIClient, customer: Customer) -> None:
        import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
        snapshot = LicenseSnapshot.objects.get()
        url = f"{SNAPSHOTS}{snapshot.pk}/"
        assert writer.post(SNAPSHOTS, {}, format="json").status_code == 405
        assert writer.patch(url, {"as_of": "2020-01-01"}, format="json").status_code == 405
        assert writer.delete(url).status_code == 405
        assert LicenseSnapshot.objects.filter(pk=snapshot.pk, as_of=DAY).exists()


# --- permissions -----------------------------------------------------------------------------


def test_executives_read_but_cannot_upload(reader: APIClient, customer: Customer) -> None:
    import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
    assert reader.get(SNAPSHOTS).json()["count"] == 1
    assert reader.get(eligibility_url(customer)).status_code == 200
    before = stored()
    response = upload(reader, customer, csv_file("SPE_E3,999,0,0,0"), as_of="2025-11-21")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert stored() == before


def test_users_without_a_role_get_nothing(outsider: Any, customer: Customer) -> None:
    import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
    snapshot = LicenseSnapshot.objects.get()
    client = client_for(outsider)
    before = stored()
    for response in (
        client.get(SNAPSHOTS),
        client.get(f"{SNAPSHOTS}{snapshot.pk}/"),
        client.get(eligibility_url(customer)),
        upload(client, customer, csv_file("SPE_E3,999,0,0,0"), as_of="2025-11-21"),
    ):
        assert response.status_code == 403
        assert set(response.json()) == {"detail"}
        assert "SPE_E3" not in response.content.decode()
    assert stored() == before


def test_anonymous_requests_are_refused(customer: Customer) -> None:
    import_licences(customer, {"SPE_E3": 200}, as_of=DAY)
    client = APIClient()
    for response in (
        client.get(SNAPSHOTS),
        client.get(eligibility_url(customer)),
        upload(client, customer, csv_file("SPE_E3,999,0,0,0")),
    ):
        assert response.status_code in (401, 403)
        assert set(response.json()) == {"detail"}
    assert LicenseSnapshot.objects.count() == 1


def test_program_administrators_upload_with_a_token(program_admin: Any, customer: Customer) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(program_admin))
    response = upload(client, customer, csv_file("SPE_E3,150,0,0,0"), as_of="2025-11-20")
    assert response.status_code == 201, response.content
    assert response.json()["snapshot"]["imported_by"] == program_admin.username
    assert (
        LogEntry.objects.get_for_object(LicenseSnapshot.objects.get()).get().actor == program_admin
    )
    assert client.get(eligibility_url(customer)).json()["eligible"] is True


def test_counts_beyond_the_database_range_are_a_400(writer: APIClient, customer: Customer) -> None:
    response = upload(writer, customer, csv_file("SPE_E3,3000000000,0,0,0"))
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("licences.csv, row 2, column enabled")
