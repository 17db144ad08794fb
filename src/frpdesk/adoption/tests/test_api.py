"""The adoption API: uploading usage reports as jobs, polling them, the figures, usage points
(manual entries) and partner associations. Role access is covered by core's permission matrix."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.adoption.figures import customer_adoption_document
from frpdesk.adoption.models import ImportStatus, UsageImport, UsagePoint, UsageSource
from frpdesk.adoption.services import run_import
from frpdesk.customers.models import Customer
from frpdesk.licensing.services import import_license_file


@pytest.fixture
def api(consultant: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(consultant)
    return client


@pytest.fixture
def post_usage(api: APIClient, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST reports to a tenant's usage endpoint, committing so that the jobs are queued."""

    def post(customer: Customer, files: list[SimpleUploadedFile]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(
                f"/api/customers/{customer.pk}/usage/", {"file": files}, format="multipart"
            )

    return post


def upload(sample: Callable[[str], Path], *names: str) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, sample(name).read_bytes()) for name in names]


def run_queued_imports() -> None:
    """What a worker does with the queued jobs, inside the test's transaction."""
    for import_id in UsageImport.objects.filter(status=ImportStatus.QUEUED).values_list(
        "pk", flat=True
    ):
        run_import(import_id)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between jobs
def test_uploaded_reports_queue_jobs_that_a_worker_finishes(
    reference_data: None,
    api: APIClient,
    post_usage: Any,
    tenant_a: Customer,
    sample: Callable[[str], Path],
) -> None:
    files = upload(sample, "EmailActivityUserDetail_D30.csv", "TeamsUserActivityUserDetail_D30.csv")

    response = post_usage(tenant_a, files)

    assert response.status_code == 202, response.json()
    queued = response.json()
    assert [item["status"] for item in queued] == ["queued", "queued"]
    assert [item["file_name"] for item in queued] == [file.name for file in files]
    assert not UsagePoint.objects.exists()

    call_command("worker", "--batch", "--no-schedule", verbosity=0)

    for item in queued:
        polled = api.get(f"/api/usage-imports/{item['id']}/").json()
        assert polled["status"] == ImportStatus.DONE, polled["message"]
        assert polled["progress"] == 100
        assert polled["refresh_date"] == "2025-11-20"
    email = api.get(f"/api/usage-imports/{queued[0]['id']}/").json()
    assert email["report_type"] == "email_activity_user_detail"
    assert email["summary"]["exchange"]["licensed"] == 29
    assert email["summary"]["exchange"]["active_in_period"] == 23
    points = api.get("/api/usage-points/", {"customer": tenant_a.pk, "workload": "teams"}).json()
    assert points["count"] == 1
    assert points["results"][0]["source"] == UsageSource.REPORT


def test_a_file_over_the_upload_limit_is_refused_before_anything_is_stored(
    api: APIClient, tenant_a: Customer, settings: Any
) -> None:
    settings.FRPDESK_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("huge.csv", b"x" * (1024 * 1024 + 1))

    response = api.post(f"/api/customers/{tenant_a.pk}/usage/", {"file": [big]}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "huge.csv: is larger than the upload limit of 1 MB"
    ]
    assert not UsageImport.objects.exists()


def test_usage_upload_is_documented_as_the_list_it_answers() -> None:
    """Found by the API fuzz test: the schema promised a paginated page of imports."""
    from drf_spectacular.generators import SchemaGenerator

    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"][
        "/api/customers/{id}/usage/"
    ]["post"]
    accepted = operation["responses"]["202"]["content"]["application/json"]["schema"]
    assert accepted == {"type": "array", "items": {"$ref": "#/components/schemas/UsageImport"}}


def test_upload_without_a_file_names_the_field(api: APIClient, tenant_a: Customer) -> None:
    response = api.post(f"/api/customers/{tenant_a.pk}/usage/", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_adoption_endpoint_returns_the_cli_document(
    api: APIClient, post_usage: Any, tenant_a: Customer, sample: Callable[[str], Path]
) -> None:
    import_license_file(
        acting_user=None,
        customer=tenant_a,
        file_name="subscribedSkus.json",
        content=sample("subscribedSkus.json").read_bytes(),
        as_of=datetime.date(2025, 11, 1),
    )
    post_usage(tenant_a, upload(sample, "Office365ActiveUserDetail_D30.csv"))
    run_queued_imports()

    response = api.get(f"/api/customers/{tenant_a.pk}/adoption/")

    assert response.status_code == 200
    assert response.json() == customer_adoption_document(tenant_a)
    assert response.json()["workloads"]["teams"]["pau"] == 20 + 5 + 10 + 5


def test_manual_mau_only_for_workloads_without_a_usage_report(
    api: APIClient, tenant_a: Customer
) -> None:
    entry = {"customer": tenant_a.pk, "refresh_date": "2025-11-20", "mau": 120}

    manual = api.post("/api/usage-points/", {**entry, "workload": "intune", "note": "dashboard"})
    refused = api.post("/api/usage-points/", {**entry, "workload": "exchange"})

    assert manual.status_code == 201, manual.json()
    assert manual.json()["source"] == UsageSource.MANUAL
    assert manual.json()["au_pct"] is None  # no licence snapshot: undefined, not 0
    assert refused.status_code == 400
    assert "import the report" in refused.json()["errors"]["workload"][0]
    assert api.delete(f"/api/usage-points/{manual.json()['id']}/").status_code == 204
    assert not UsagePoint.objects.exists()


def test_report_figures_cannot_be_deleted_by_hand(
    api: APIClient, post_usage: Any, tenant_a: Customer, sample: Callable[[str], Path]
) -> None:
    post_usage(tenant_a, upload(sample, "EmailActivityUserDetail_D30.csv"))
    run_queued_imports()
    point = UsagePoint.objects.get()

    response = api.delete(f"/api/usage-points/{point.pk}/")

    assert response.status_code == 400
    assert "only manual entries can be deleted" in response.json()["detail"]
    assert UsagePoint.objects.filter(pk=point.pk).exists()


def test_partner_association_posted_twice_updates_the_one_record(
    api: APIClient, tenant_a: Customer
) -> None:
    first = api.post(
        "/api/partner-associations/",
        {"customer": tenant_a.pk, "workload": "teams", "associated_on": "2025-09-01"},
    )
    second = api.post(
        "/api/partner-associations/",
        {"customer": tenant_a.pk, "workload": "teams", "associated_on": "2025-10-01"},
    )

    assert first.status_code == 201, first.json()
    assert second.status_code == 201
    listed = api.get("/api/partner-associations/", {"customer": tenant_a.pk}).json()
    assert [(item["workload"], item["associated_on"]) for item in listed["results"]] == [
        ("teams", "2025-10-01")
    ]


def test_a_user_without_a_role_gets_nothing(outsider: User, tenant_a: Customer) -> None:
    client = APIClient()
    client.force_authenticate(outsider)

    assert client.get(f"/api/customers/{tenant_a.pk}/adoption/").status_code == 403
    assert client.get("/api/usage-points/").status_code == 403
    response = client.post(
        f"/api/customers/{tenant_a.pk}/usage/",
        {"file": [SimpleUploadedFile("a.csv", b"x")]},
        format="multipart",
    )
    assert response.status_code == 403
    assert not UsageImport.objects.exists()
