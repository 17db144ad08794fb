"""The incentives API: the rate card, statement import, lines and disputes, estimates."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.claims.models import Claim
from frpdesk.incentives.models import IncentiveRate, LineDispute, Statement
from frpdesk.incentives.tests.factories import StatementLineFactory


def upload(client: Client, content: bytes, name: str = "statement.csv"):  # type: ignore[no-untyped-def]
    return client.post("/api/statements/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
def test_rate_card_crud_and_overlap(client: Client, program_admin: User) -> None:
    client.force_login(program_admin)
    body = {
        "workload": "teams",
        "milestone_pct": 15,
        "amount_per_unit": "4.00",
        "valid_from": "2026-01-01",
    }

    created = client.post("/api/incentive-rates/", body, content_type="application/json")
    clash = client.post(
        "/api/incentive-rates/",
        body | {"valid_from": "2026-03-01"},
        content_type="application/json",
    )
    rate_id = created.json()["id"]
    ended = client.patch(
        f"/api/incentive-rates/{rate_id}/",
        {"valid_to": "2026-02-28"},
        content_type="application/json",
    )
    follows = client.post(
        "/api/incentive-rates/",
        body | {"valid_from": "2026-03-01"},
        content_type="application/json",
    )
    in_force = client.get("/api/incentive-rates/", {"in_force_on": "2026-03-15"})

    assert created.status_code == 201, created.content
    assert created.json()["currency"] == "USD"
    assert clash.status_code == 400
    assert "overlaps" in clash.json()["errors"]["valid_from"][0]
    assert ended.status_code == 200
    assert follows.status_code == 201
    assert [row["valid_from"] for row in in_force.json()["results"]] == ["2026-03-01"]
    assert client.delete(f"/api/incentive-rates/{rate_id}/").status_code == 204
    assert IncentiveRate.objects.count() == 1


@pytest.mark.django_db
def test_a_workload_code_with_a_nul_is_a_field_error(client: Client, program_admin: User) -> None:
    """Found by the API fuzz test on PostgreSQL: the code was looked up as it came, and
    PostgreSQL refuses a NUL in a query (a DataError, so a 500)."""
    client.force_login(program_admin)
    body = {"workload": "te\x00ams", "milestone_pct": 15, "amount_per_unit": "4.00"}
    response = client.post("/api/incentive-rates/", body | {"valid_from": "2026-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"]["workload"] == ["Object with code=teams does not exist."]


@pytest.mark.django_db
def test_statement_import_twice_and_a_bad_file(
    client: Client, program_admin: User, claim: Claim
) -> None:
    client.force_login(program_admin)
    content = f"Statement date,Tenant ID,Workload,Milestone,Amount\r\n2026-05-31,{claim.tenant_id},Teams,15,1520\r\n".encode()

    first = upload(client, content)
    again = upload(client, content)
    bad = upload(
        client,
        b"Statement date,Tenant ID,Workload,Milestone,Amount\r\nsoon,x,Teams,15,1\r\n",
        "bad.csv",
    )

    assert first.status_code == 201, first.content
    assert first.json()["line_count"] == 1
    assert "1 matched to our claims" in first.json()["detail"]
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert "nothing changed" in again.json()["detail"]
    assert bad.status_code == 400
    assert bad.json()["detail"] == (
        "bad.csv, row 2, column Statement date: “soon” is not a date; use YYYY-MM-DD or Partner "
        "Center's M/D/YYYY"
    )
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_lines_filters_and_dispute(client: Client, program_admin: User, consultant: User) -> None:
    today = timezone.localdate()
    fresh = StatementLineFactory(statement_date=today - datetime.timedelta(days=10))
    old = StatementLineFactory(statement_date=today - datetime.timedelta(days=120))
    client.force_login(program_admin)

    disputable = client.get("/api/statement-lines/", {"disputable": "true"}).json()["results"]
    filed = client.post(
        f"/api/statement-lines/{fresh.pk}/dispute/",
        {"reason": "Short by 40 units"},
        content_type="application/json",
    )
    too_late = client.post(
        f"/api/statement-lines/{old.pk}/dispute/",
        {"reason": "Late"},
        content_type="application/json",
    )
    client.force_login(consultant)
    refused = client.post(
        f"/api/statement-lines/{fresh.pk}/dispute/",
        {"status": "won", "resolution": "x"},
        content_type="application/json",
    )

    assert [row["id"] for row in disputable] == [fresh.pk]
    assert disputable[0]["disputable"] is True
    assert filed.status_code == 200, filed.content
    assert filed.json()["dispute"]["status"] == "open"
    assert filed.json()["dispute"]["filed_by"] == program_admin.username
    assert too_late.status_code == 400
    assert "can no longer be disputed" in too_late.json()["detail"]
    assert refused.status_code == 403
    assert LineDispute.objects.get().status == "open"


@pytest.mark.django_db
def test_estimates(
    client: Client, executive: User, rates: list[IncentiveRate], claim: Claim
) -> None:
    client.force_login(executive)

    listed = client.get("/api/incentive-estimates/", {"claim": claim.pk})
    one = client.get(f"/api/incentive-estimates/{listed.json()['results'][0]['id']}/")

    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert row == one.json()
    assert (row["workload"], row["pau"], row["starting_peak"], row["opportunity_units"]) == (
        "teams",
        400,
        20,
        380,
    )
    assert row["tenant_id"] == str(claim.tenant_id)
    assert (row["earned"], row["potential"], row["paid"], row["currency"]) == (
        "1520.00",
        "2280.00",
        "0.00",
        "USD",
    )
    first = row["milestones"][0]
    assert (first["pct"], first["earned"], first["earned_on"], first["rate"]) == (
        15,
        True,
        "2026-03-31",
        "4.00",
    )
    assert row["unpaid_flag"] is True  # reached on 2026-03-31, more than 45 days ago
    unpaid = client.get("/api/incentive-estimates/", {"unpaid": "false"}).json()
    assert unpaid["count"] == 0
    assert Decimal(row["earned"]) == Decimal("1520.00")
