"""Incentives in the browser: the estimate of an approved claim whose tenant reached 15 %, a
statement import that leaves that milestone unpaid (flagged) and brings a disputable line, and
a dispute recorded on that line."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.incentives.models import LineDispute
from frpdesk.incentives.tests.factories import approved_teams_claim, standard_rates


@pytest.mark.browser
def test_estimate_flags_the_unpaid_milestone_and_a_line_is_disputed(web, program_admin) -> None:
    standard_rates()
    claim = approved_teams_claim(name="Fabrikam Industries")
    web.login(program_admin)

    page = web.goto("/incentives/")
    row = page.locator("[data-testid=estimate-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fabrikam Industries")
    expect(row.locator("[data-testid=milestone-15]")).to_have_text("15 %: reached 2026-03-31")
    expect(page.locator("[data-testid=total-earned]")).to_have_text("1,520.00 USD")
    expect(page.locator("[data-testid=total-potential]")).to_have_text("2,280.00 USD")
    expect(row.locator("[data-testid=unpaid-flag]")).to_be_visible()
    expect(page.locator("[data-testid=incentive-chart]")).to_be_visible()

    # Microsoft paid the 40 % milestone line (a mistake: it is not reached) but not the 15 % one.
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    statement = (
        "Statement date;Tenant ID;Workload;Milestone;Amount\r\n"
        f"{day};{claim.tenant_id};Microsoft Teams;40 % AU;$2,280.00\r\n"
    ).encode()
    page = web.goto("/incentives/statements/")
    page.click("[data-testid=import]")
    page.set_input_files(
        "#id_file", files=[{"name": "june.csv", "mimeType": "text/csv", "buffer": statement}]
    )
    with page.expect_navigation():
        page.click("[data-testid=import-file]")
    expect(page.locator(".alert-success")).to_contain_text(
        "Imported june.csv: 1 line: 1 matched to our claims"
    )
    line = page.locator("[data-testid=statement-line]")
    expect(line.locator("[data-testid=match-status]")).to_have_text("Matched to a claim")
    expect(line.locator("[data-testid=disputable-flag]")).to_be_visible()
    web.screenshot("statement")

    line.locator("[data-testid=dispute-open] summary").click()
    line.locator("[data-testid=dispute-reason]").fill("Paid for 40 % instead of 15 %")
    with page.expect_navigation():
        line.locator("[data-testid=file-dispute]").click()
    expect(page.locator(".alert-success")).to_contain_text("Dispute of line 2 recorded.")
    expect(page.locator("[data-testid=dispute-status]")).to_have_text("Open")
    assert LineDispute.objects.get().reason == "Paid for 40 % instead of 15 %"

    # The 15 % milestone is still unpaid: flagged on the estimates, and found by the filter.
    page = web.goto("/incentives/?unpaid=true")
    expect(page.locator("[data-testid=estimate-row] [data-testid=unpaid-flag]")).to_be_visible()
    expect(page.locator("[data-testid=total-paid]")).to_have_text("2,280.00 USD")
