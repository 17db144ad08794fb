"""The compliance and portfolio reports: the reports page, the downloads (read back with pypdf and
openpyxl), their period and its errors."""

import datetime
import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from frpdesk.accounts.models import User
from frpdesk.dashboards.figures import Period
from frpdesk.dashboards.reports import PDF_ROWS, compliance_report, to_pdf
from frpdesk.dashboards.tests.conftest import Compliance, Portfolio


def pdf_text(content: bytes) -> str:
    """The text of every page, white space collapsed (table cells wrap their text)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_reports_page_offers_the_last_quarter(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    client.force_login(program_admin)
    response = client.get(reverse("dashboards:reports"))
    assert response.status_code == 200
    body = response.content.decode()
    period = Period.last_quarter(timezone.localdate())
    for kind in ("compliance", "portfolio"):
        for file_format in ("pdf", "xlsx"):
            link = re.search(
                rf'href="([^"]+)" download="([^"]+)" data-testid="download-{kind}-{file_format}"',
                body,
            )
            assert link, (kind, file_format)
            assert link.group(2) == f"{kind}-report-{period.slug}.{file_format}"
            assert f"from={period.start.isoformat()}" in link.group(1)


def test_compliance_report_pdf(
    client: Client, program_admin: User, compliance: Compliance, partner_profile: Any
) -> None:
    client.force_login(program_admin)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    response = client.get(
        reverse("dashboards:compliance-pdf"), {"from": start.isoformat(), "to": today.isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="compliance-report-{start.isoformat()}-to-{today.isoformat()}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = pdf_text(response.content)
    assert "Compliance report" in text
    assert partner_profile.organisation_name in text
    assert "Page 1 of" in text
    assert "Score per check run" in text
    assert "91.25" in text
    assert "80.00" in text
    assert "Findings open at the end of the period" in text
    assert "Referral R-1 answered after 3 business days." in text
    assert "No status note for 40 days." in text
    assert "Findings by rule" in text
    assert "Referral answered within 2 business days" in text
    assert "NSAT by customer" in text
    assert "Echo Corp" in text


def test_compliance_report_xlsx(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    client.force_login(program_admin)
    period = Period.last_quarter(timezone.localdate())
    response = client.get(reverse("dashboards:compliance-xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="compliance-report-{period.slug}.xlsx"'
    )
    book = sheets(response.content)
    assert list(book) == [
        "Summary",
        "Score per check run",
        "Findings by rule",
        "Findings open at the end of the",
        "Findings opened in the period",
        "Findings resolved in the period",
        "NSAT by customer",
    ]
    summary = dict(row[:2] for row in book["Summary"] if row and row[0])
    assert summary["Period"] == period.label
    assert summary["Findings open at the end of the period"] == 4
    assert summary["… of which critical"] == 1
    assert summary["Findings opened in the period"] == 1
    assert summary["Findings resolved in the period"] == 1
    assert summary["Survey responses in the period"] == 2
    by_rule = {row[0]: row for row in book["Findings by rule"][1:]}
    assert book["Findings by rule"][0] == (
        "Rule",
        "Title",
        "Severity",
        "Opened",
        "Resolved",
        "Open at the end",
    )
    assert by_rule["referral_response"][3:] == (1, 0, 1)
    assert by_rule["claim_deadline"][3:] == (0, 1, 0)
    assert by_rule["survey_contact"][3:] == (0, 0, 1)
    opened = book["Findings opened in the period"]
    assert [row[5] for row in opened[1:]] == ["Referral R-1 answered after 3 business days."]
    assert len(book["Findings open at the end of the"]) == 1 + 4
    assert book["Findings open at the end of the"][1][2] == "Critical"  # most severe first
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook["Findings by rule"]["A1"].font.bold


def test_the_findings_open_at_a_past_period_end(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    """A finding resolved after the period's end was still open at it."""
    client.force_login(program_admin)
    resolved = compliance.findings["resolved"]
    resolved.refresh_from_db()
    assert resolved.resolved_at is not None
    day = timezone.localtime(resolved.resolved_at).date() - datetime.timedelta(days=1)
    response = client.get(
        reverse("dashboards:compliance-xlsx"),
        {"from": (day - datetime.timedelta(days=30)).isoformat(), "to": day.isoformat()},
    )
    book = sheets(response.content)
    open_rules = [row[0] for row in book["Findings open at the end of the"][1:]]
    assert "claim_deadline" in open_rules
    assert "referral_response" not in open_rules  # opened after the day


def test_portfolio_report_pdf_and_xlsx(
    client: Client, executive: User, portfolio: Portfolio
) -> None:
    client.force_login(executive)
    today = timezone.localdate()
    query = {"from": (today - datetime.timedelta(days=90)).isoformat(), "to": today.isoformat()}
    pdf = client.get(reverse("dashboards:portfolio-pdf"), query)
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Portfolio report" in text
    for words in (
        "Open engagements by phase",
        "Adoption by workload",
        "Microsoft Teams",
        "26.67",
        "CPOR claims by state",
        "VAS pipeline (open quotes)",
        "6,159.99 USD",
        "1,000.00 USD",
    ):
        assert words in text, words
    xlsx = client.get(reverse("dashboards:portfolio-xlsx"), query)
    assert xlsx["Content-Disposition"].endswith(
        f'portfolio-report-{query["from"]}-to-{query["to"]}.xlsx"'
    )
    book = sheets(xlsx.content)
    summary = dict(row[:2] for row in book["Summary"] if row and row[0])
    assert summary["Customers"] == 4
    assert summary["Customers eligible for the Benefit"] == 2
    assert summary["Eligible seats (eligible customers)"] == 1300
    assert summary["Open engagements"] == 3
    assert summary["Claims approved in the period"] == 1
    assert summary["Contracts signed in the period"] == "1,000.00 USD"
    adoption = {row[0]: row for row in book["Adoption by workload"][1:]}
    teams = adoption["Microsoft Teams"]
    assert teams[1:4] == (3, 80, 300)
    assert float(teams[4]) == pytest.approx(26.67)
    assert float(teams[5]) == pytest.approx(23.33)
    claims = dict(row[:2] for row in book["CPOR claims by state"][1:])
    assert claims["Approved"] == 1
    assert claims["Draft"] == 1
    pipeline = {row[0]: row for row in book["VAS pipeline"][1:]}
    assert float(pipeline["Draft"][3]) == pytest.approx(2160.00)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-02-30", "to": "2026-03-31"}, "Enter the first day of the period"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The period ends before it starts"),
        ({"from": "1900-01-01", "to": "2026-01-01"}, "at most ten years"),
    ],
)
@pytest.mark.parametrize("url_name", ["dashboards:reports", "dashboards:compliance-pdf"])
def test_a_bad_period_is_a_clear_error_not_a_file(
    client: Client,
    program_admin: User,
    compliance: Compliance,
    query: Any,
    message: str,
    url_name: str,
) -> None:
    client.force_login(program_admin)
    response = client.get(reverse(url_name), query)
    assert response.status_code == 400
    assert "attachment" not in response.get("Content-Disposition", "")
    body = response.content.decode()
    assert message in body
    assert 'data-testid="report-errors"' in body


def test_long_lists_are_cut_in_the_pdf_only(
    db: None, program_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frpdesk.compliance.tests.factories import make_check_run, make_finding
    from frpdesk.customers.tests.factories import CustomerFactory

    run = make_check_run()
    for index in range(5):
        make_finding(customer=CustomerFactory(), run=run, message=f"Finding number {index}")
    monkeypatch.setattr("frpdesk.dashboards.reports.PDF_ROWS", 3)
    today = timezone.localdate()
    report = compliance_report(program_admin, period=Period(today, today))
    (section,) = [s for s in report.sections if s.title.endswith("at the end of the period")]
    assert len(section.rows) == 5
    assert section.cut == 2
    text = pdf_text(to_pdf(report))
    assert "2 more rows in the XLSX workbook of this report." in text
    assert PDF_ROWS > 3
