"""API: survey responses (read, filters) and survey imports (multipart upload)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frpdesk.accounts.models import User
from frpdesk.customers.models import Customer
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse
from frpdesk.satisfaction.tests.factories import responses


@pytest.mark.django_db
def test_responses_are_read_and_filtered(
    client: Client, executive: User, contoso: Customer, fabrikam: Customer
) -> None:
    responses(contoso, [Rating.VERY_SATISFIED], on=datetime.date(2026, 1, 5))
    responses(fabrikam, [Rating.VERY_DISSATISFIED], on=datetime.date(2026, 2, 5))
    responses(fabrikam, [Rating.SOMEWHAT_SATISFIED], on=datetime.date(2026, 3, 5))
    client.force_login(executive)

    everything = client.get("/api/survey-responses/").json()
    by_customer = client.get("/api/survey-responses/", {"customer": fabrikam.pk}).json()
    by_rating = client.get("/api/survey-responses/", {"rating": "very_dissatisfied"}).json()
    by_dates = client.get(
        "/api/survey-responses/", {"date_from": "2026-01-06", "date_to": "2026-02-28"}
    ).json()
    refused = client.post("/api/survey-responses/", {}, content_type="application/json")

    assert everything["count"] == 3
    first = everything["results"][0]
    assert {key: first[key] for key in ("customer", "customer_name", "responded_on", "rating")} == {
        "customer": fabrikam.pk,
        "customer_name": "Fabrikam Manufacturing",
        "responded_on": "2026-03-05",
        "rating": "somewhat_satisfied",
    }
    assert first["tenant_id"] == str(fabrikam.tenant_id)
    assert by_customer["count"] == 2
    assert [row["rating"] for row in by_rating["results"]] == ["very_dissatisfied"]
    assert [row["responded_on"] for row in by_dates["results"]] == ["2026-02-05"]
    assert refused.status_code in (403, 405)  # executives add nothing; the endpoint is read-only


@pytest.mark.django_db
def test_upload_imports_once_and_a_bad_file_says_where(
    client: Client, program_admin: User, contoso: Customer
) -> None:
    client.force_login(program_admin)
    content = f"Tenant ID,Date,Response,Comment\r\n{contoso.tenant_id},2026-03-31,Very satisfied,Great\r\n".encode()

    created = client.post("/api/survey-imports/", {"file": SimpleUploadedFile("q.csv", content)})
    again = client.post("/api/survey-imports/", {"file": SimpleUploadedFile("q.csv", content)})
    bad = client.post(
        "/api/survey-imports/",
        {"file": SimpleUploadedFile("bad.csv", b"Tenant ID,Date,Response\r\nx,2026-03-31,4\r\n")},
    )
    listed = client.get("/api/survey-imports/").json()

    assert created.status_code == 201
    assert created.json()["rows"] == 1
    assert created.json()["imported_by"] == program_admin.username
    assert created.json()["detail"].startswith("q.csv: 1 response of 1 customer")
    assert again.status_code == 200
    assert again.json()["detail"].endswith("nothing changed")
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("bad.csv, row 2, column Tenant ID: “x” is neither")
    assert listed["count"] == 1
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_only_program_administrators_upload(
    client: Client, consultant: User, contoso: Customer
) -> None:
    client.force_login(consultant)
    content = f"Tenant ID,Date,Response\r\n{contoso.tenant_id},2026-03-31,4\r\n".encode()

    refused = client.post("/api/survey-imports/", {"file": SimpleUploadedFile("q.csv", content)})

    assert refused.status_code == 403
    assert not SurveyImport.objects.exists()
