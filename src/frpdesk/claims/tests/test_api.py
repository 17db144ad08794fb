"""The claims API: drafts, submission with its failed rules, transitions, export, PoE, conflicts
and the status import."""

import io
from typing import Any

from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.claims.models import ClaimState
from frpdesk.claims.tests.conftest import Sign, signed_sow_bytes
from frpdesk.claims.tests.factories import make_claim
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement, Routing

CLAIMS = "/api/claims/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def draft_body(engagement: Engagement, **extra: Any) -> dict[str, Any]:
    return {
        "customer": engagement.customer.pk,
        "engagement": engagement.pk,
        "name": "Fabrikam claim",
        "location_partner_id": "4871299",
        "workloads": ["teams", "exchange"],
        "customer_contact_name": "Dana Fox",
        "customer_contact_email": "dana.fox@fabrikam.example",
        "state": "approved",  # read-only
        **extra,
    }


def test_draft_submit_refused_then_accepted(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    client = client_for(consultant)
    created = client.post(CLAIMS, draft_body(engagement), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft"
    assert body["reference"] == f"CLM-{body['id']}"
    assert body["tenant_id"] == str(engagement.customer.tenant_id)
    assert sorted(body["workloads"]) == ["exchange", "teams"]

    refused = client.post(f"{CLAIMS}{body['id']}/submit/")
    assert refused.status_code == 400
    assert "not submitted" in refused.json()["detail"]
    assert len(refused.json()["failed_rules"]) >= 3

    signed = sign()
    engagement.workloads.filter(workload__code="exchange").update(routing=Routing.DELIVER)
    patched = client.patch(f"{CLAIMS}{body['id']}/", {"poe_signed_sow": signed.pk}, format="json")
    assert patched.status_code == 200, patched.content
    submitted = client.post(f"{CLAIMS}{body['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["deadline"] is not None

    # Only the Partner Center reference may change now; a draft-only delete is refused.
    assert (
        client.patch(f"{CLAIMS}{body['id']}/", {"partner_center_reference": "PC-1"}).status_code
        == 200
    )
    assert client.patch(f"{CLAIMS}{body['id']}/", {"name": "Other"}).status_code == 400
    assert client.delete(f"{CLAIMS}{body['id']}/").status_code == 400

    moved = client.post(
        f"{CLAIMS}{body['id']}/transition/", {"state": "under_review"}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["state"] == "under_review"
    illegal = client.post(f"{CLAIMS}{body['id']}/transition/", {"state": "dispute"})
    assert illegal.status_code == 400
    assert "cannot go from" in illegal.json()["detail"]
    history = client.get("/api/claim-transitions/", {"claim": body["id"]}).json()
    assert [item["to_state"] for item in history["results"]] == ["submitted", "under_review"]

    export = client.get(f"{CLAIMS}{body['id']}/export/").json()
    assert export["poe_sha256"] == signed.sha256
    poe = client.get(f"{CLAIMS}{body['id']}/poe/")
    assert poe.status_code == 200
    assert poe.content == bytes(signed.document)


def test_poe_upload_and_missing_poe(engagement: Engagement, consultant: User) -> None:
    client = client_for(consultant)
    claim = make_claim(engagement=engagement)
    assert client.get(f"{CLAIMS}{claim.pk}/poe/").status_code == 404
    upload = io.BytesIO(signed_sow_bytes(engagement))
    upload.name = "signed.docx"
    response = client.post(f"{CLAIMS}{claim.pk}/poe/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["poe_file_name"] == "signed.docx"
    assert client.get(f"{CLAIMS}{claim.pk}/poe/").status_code == 200


def test_filters_and_roles(db: None, consultant: User, sales: User, outsider: User) -> None:
    late = make_claim(state=ClaimState.SUBMITTED, on=__import__("datetime").date(2025, 1, 6))
    make_claim()
    reader = client_for(sales)
    listing = reader.get(CLAIMS, {"overdue": "true"}).json()
    assert [item["id"] for item in listing["results"]] == [late.pk]
    assert reader.get(CLAIMS, {"state": "draft"}).json()["count"] == 1
    assert reader.get(CLAIMS, {"search": f"CLM-{late.pk}"}).json()["count"] == 1
    assert (
        reader.post(f"{CLAIMS}{late.pk}/transition/", {"state": "under_review"}).status_code == 403
    )
    assert client_for(outsider).get(CLAIMS).status_code == 403


def test_external_claims_and_status_import(db: None, consultant: User) -> None:
    client = client_for(consultant)
    customer = CustomerFactory()
    created = client.post(
        "/api/external-claims/",
        {
            "customer": customer.pk,
            "workload": "teams",
            "partner_name": "Litware",
            "seen_on": "2026-03-02",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["recorded_by"] == consultant.username

    claim = make_claim(state=ClaimState.SUBMITTED)
    csv = io.BytesIO(
        f"Claim reference,Status,Date\nCLM-{claim.pk},Under review,{claim.state_since}\n".encode()
    )
    csv.name = "status.csv"
    response = client.post(f"{CLAIMS}status-import/", {"file": csv}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"changed": 1, "unchanged": 0, "conflicts": 0}
    bad = io.BytesIO(b"Status\nApproved\n")
    bad.name = "bad.csv"
    response = client.post(f"{CLAIMS}status-import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("bad.csv, row 1")


def test_workload_codes_with_a_nul_are_a_field_error(program_admin: User) -> None:
    """Found by the API fuzz test on PostgreSQL: a NUL in a looked-up code was a 500."""
    customer = CustomerFactory()
    response = client_for(program_admin).post(
        "/api/claims/",
        {"customer": customer.pk, "name": "Claim", "workloads": ["\x00"]},
        format="json",
    )
    assert response.status_code == 400
    assert "workloads" in response.json()["errors"]
