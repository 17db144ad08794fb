"""Pages: estimates with totals and flags, the rate card form, statement import and disputes,
and the claim panel."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.claims.models import Claim
from frpdesk.incentives.models import IncentiveRate, LineDispute, Statement
from frpdesk.incentives.tests.factories import StatementLineFactory


@pytest.mark.django_db
def test_estimates_page_totals_flag_and_export(
    client: Client, auditor: User, rates: list[IncentiveRate], claim: Claim
) -> None:
    client.force_login(auditor)

    page = client.get(reverse("incentives:estimates")).content.decode()
    flagged = client.get(reverse("incentives:estimates"), {"unpaid": "true"}).content.decode()
    exported = client.get(reverse("incentives:estimates"), {"export": "csv"})

    assert 'data-testid="total-earned">1,520.00 USD' in page
    assert 'data-testid="total-potential">2,280.00 USD' in page
    assert 'data-testid="unpaid-flag"' in page
    assert "15 %: reached 2026-03-31" in page
    assert 'data-testid="incentive-chart"' in page
    assert "Fabrikam Industries" in flagged
    text = exported.content.decode("utf-8-sig")
    assert "Fabrikam Industries" in text
    assert "1,520.00 USD" in text
    assert ",yes" in text


@pytest.mark.django_db
def test_rate_form_shows_the_overlap_beside_the_field(
    client: Client, program_admin: User, rates: list[IncentiveRate]
) -> None:
    client.force_login(program_admin)
    teams = rates[0].workload

    response = client.post(
        reverse("incentives:rate-create"),
        {
            "workload": teams.pk,
            "milestone_pct": 15,
            "amount_per_unit": "5.00",
            "currency": "usd",
            "valid_from": "2026-06-01",
        },
    )

    assert response.status_code == 200
    assert "overlaps the rate valid 2026-01-01 – open-ended" in response.content.decode()
    assert IncentiveRate.objects.count() == 2


@pytest.mark.django_db
def test_import_page_errors_then_detail_and_dispute(
    client: Client, program_admin: User, claim: Claim
) -> None:
    client.force_login(program_admin)
    url = reverse("incentives:statement-import")
    bad = client.post(url, {"file": SimpleUploadedFile("s.csv", b"Amount\r\n1\r\n")})
    good_day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    content = f"Statement date,Tenant ID,Workload,Milestone,Amount\r\n{good_day},{claim.tenant_id},Teams,40,10\r\n"
    imported = client.post(
        url, {"file": SimpleUploadedFile("s.csv", content.encode())}, follow=True
    )
    again = client.post(url, {"file": SimpleUploadedFile("s.csv", content.encode())}, follow=True)
    line = Statement.objects.get().lines.get()
    disputed = client.post(
        reverse("incentives:line-dispute", args=[line.pk]),
        {"reason": "We reached 40 % in April", "status": "open"},
        follow=True,
    )

    assert 'data-testid="import-error"' in bad.content.decode()
    assert "s.csv, row 1: is missing the column(s) Statement date" in bad.content.decode()
    body = imported.content.decode()
    assert "Imported s.csv: 1 line: 1 matched to our claims" in body
    assert 'data-testid="disputable-flag"' in body
    assert 'data-testid="dispute-form"' in body
    assert "nothing changed" in again.content.decode()
    assert "Dispute of line 2 recorded." in disputed.content.decode()
    assert LineDispute.objects.get().reason == "We reached 40 % in April"


@pytest.mark.django_db
def test_readers_see_no_dispute_form_and_cannot_dispute(client: Client, executive: User) -> None:
    line = StatementLineFactory()
    client.force_login(executive)

    page = client.get(reverse("incentives:statement-detail", args=[line.statement_id]))
    refused = client.post(reverse("incentives:line-dispute", args=[line.pk]), {"reason": "x"})

    assert page.status_code == 200
    assert 'data-testid="dispute-form"' not in page.content.decode()
    assert refused.status_code == 403
    assert not LineDispute.objects.exists()


@pytest.mark.django_db
def test_claim_panel(
    client: Client, consultant: User, rates: list[IncentiveRate], claim: Claim
) -> None:
    client.force_login(consultant)

    body = client.get(reverse("incentives:claim-panel", args=[claim.pk])).content.decode()

    assert 'data-testid="claim-earned">1,520.00 USD' in body
    assert 'data-testid="milestone-unpaid"' in body
    assert "No statement lines match these filters." in body


@pytest.mark.django_db
def test_lines_list_flags_disputable(client: Client, executive: User) -> None:
    today = timezone.localdate()
    StatementLineFactory(statement_date=today, amount="111.00")
    StatementLineFactory(statement_date=today - datetime.timedelta(days=200), amount="222.00")
    client.force_login(executive)

    body = client.get(reverse("incentives:line-list"), {"disputable": "true"}).content.decode()

    assert "111.00 USD" in body
    assert "222.00 USD" not in body
