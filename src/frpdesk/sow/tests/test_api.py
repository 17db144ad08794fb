"""The SOW API: generate and download versions, upload signed copies (preflight), re-check,
template versions; refusals are JSON with a reason."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import SignedSow, SowTemplate, SowVersion
from frpdesk.sow.tests.conftest import SignedCopy, one_line, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(consultant: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(consultant)
    return client


def test_generate_list_and_download(api: APIClient, engagement: Engagement) -> None:
    created = api.post(
        "/api/sow-versions/", {"engagement": engagement.pk, "format": "pdf"}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == 1
    assert body["format"] == "pdf"
    assert body["template"] == "2026.1"
    assert body["generated_by"] == "delivery-consultant"
    assert body["download"].endswith(f"/api/sow-versions/{body['id']}/download/")
    listed = api.get(f"/api/sow-versions/?engagement={engagement.pk}").json()
    assert [item["sha256"] for item in listed["results"]] == [body["sha256"]]
    download = api.get(f"/api/sow-versions/{body['id']}/download/")
    assert download.status_code == 200
    assert "Fabrikam Retail" in one_line(pdf_text(download.content))

    refused = api.post(
        "/api/sow-versions/", {"engagement": engagement.pk, "format": "odt"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["format"] == ['"odt" is not a valid choice.']
    assert api.post("/api/sow-versions/", {"engagement": 999, "format": "pdf"}).status_code == 400


def test_read_only_roles_cannot_generate(engagement: Engagement, auditor: User) -> None:
    client = APIClient()
    client.force_authenticate(auditor)
    assert client.get("/api/sow-versions/").status_code == 200
    response = client.post("/api/sow-versions/", {"engagement": engagement.pk, "format": "pdf"})
    assert response.status_code == 403
    assert not SowVersion.objects.exists()


def upload(api: APIClient, engagement: Engagement, content: bytes, **extra: Any) -> Any:
    return api.post(
        "/api/signed-sows/",
        {
            "file": SimpleUploadedFile("signed.docx", content),
            "engagement": engagement.pk,
            "signed_by_name": "Dana Fox",
            "signed_on": "2026-01-02",
            **extra,
        },
        format="multipart",
    )


def test_upload_signed_copy_and_recheck(
    api: APIClient, engagement: Engagement, signed_copy: SignedCopy, sales: User
) -> None:
    created = upload(api, engagement, signed_copy("docx"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["poe_ok"], body["poe_missing"]) == (True, [])
    assert body["poe_workloads_found"] == [
        "Exchange Online",
        "Microsoft Teams",
        "Viva Engage (Yammer)",
    ]
    blank = upload(api, engagement, signed_copy("docx", signed=False)).json()
    assert blank["poe_missing"] == [
        "No customer signature: the customer's Name and Date lines are blank"
    ]
    assert api.get("/api/signed-sows/?poe_ok=false").json()["count"] == 1

    rechecked = api.post(f"/api/signed-sows/{body['id']}/recheck/")
    assert rechecked.status_code == 200
    assert rechecked.json()["poe_ok"] is True
    seller = APIClient()
    seller.force_authenticate(sales)
    assert seller.post(f"/api/signed-sows/{body['id']}/recheck/").status_code == 403
    assert seller.get(f"/api/signed-sows/{body['id']}/download/").content.startswith(b"PK")

    refused = upload(api, engagement, b"not a document")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "signed.docx: is neither a PDF nor a Word (DOCX) document; upload the signed SOW"
    }
    assert SignedSow.objects.count() == 2


def test_templates_read_and_create(api: APIClient, auditor: User) -> None:
    assert [item["version"] for item in api.get("/api/sow-templates/").json()["results"]] == [
        "2026.1"
    ]
    sections = [{"heading": "Scope", "body": "[[workloads]]\n\n[[signatures]]"}]
    reader = APIClient()
    reader.force_authenticate(auditor)
    denied = reader.post(
        "/api/sow-templates/", {"version": "3", "name": "X", "sections": sections}, format="json"
    )
    assert denied.status_code == 403
    created = api.post(
        "/api/sow-templates/",
        {"version": "3", "name": "Short", "sections": sections, "activate": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["active"] is True
    bad = api.post(
        "/api/sow-templates/",
        {"version": "4", "name": "Bad", "sections": [{"heading": "A", "body": "x"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "[[workloads]]" in bad.json()["errors"]["sections"][0]
    shipped = SowTemplate.objects.get(version="2026.1")
    assert api.post(f"/api/sow-templates/{shipped.pk}/activate/").json()["active"] is True
