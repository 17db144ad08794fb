"""Referrals in the browser: import Partner Center's export, read the list by urgency with its
overdue flag, open a referral, record a note, accept it and land on its engagement."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.core.businessdays import add_business_days
from frpdesk.engagements.models import Engagement
from frpdesk.referrals.models import Acceptance, Referral

TENANT = "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f"


def us_date(day: datetime.date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def export_csv() -> bytes:
    """Partner Center's shape, dated around today: one referral is overdue, one is fresh."""
    today = timezone.localdate()
    rows = [
        '"Referral ID","Referral type","Tenant name","Tenant ID","Tenant domain","RFA ID",'
        '"Referral source","RFA workloads","Date of assignment","Acceptance","Decline reason",'
        '"Referral status","VAS sold","Services estimated value"',
        f'"FT-FRESH-1","FastTrack Benefit referral","Fabrikam Industries","","fabrikam.example",'
        f'"RFA-2","FastTrack RFA","SharePoint Online","{us_date(today)}","Pending","","New","No",""',
        f'"FT-LATE-1","FastTrack Benefit referral","Contoso Pharma","{TENANT}","contoso.example",'
        f'"RFA-1","FastTrack RFA","Exchange Online; Microsoft Teams",'
        f'"{us_date(today - datetime.timedelta(days=5))}","Pending","","New","No","$12,500.00"',
    ]
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()


@pytest.mark.browser
def test_import_referrals_accept_the_urgent_one_and_open_its_engagement(web, consultant) -> None:
    web.login(consultant)
    web.page.wait_for_url(web.base_url + "/")
    page = web.goto("/referrals/")
    expect(page.locator("[data-testid=row-count]")).to_have_text("0 referrals")

    page.click("[data-testid=import]")
    page.set_input_files(
        "#id_file",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"Referral ID\nFT-1\n"}],
    )
    with page.expect_navigation():
        page.click("[data-testid=import-file]")
    expect(page.locator("[data-testid=import-error]")).to_contain_text(
        "bad.csv, row 1: is missing the column(s) Tenant name, Date of assignment"
    )
    web.screenshot("bad-file")
    assert not Referral.objects.exists()

    page.set_input_files(
        "#id_file",
        files=[{"name": "referrals.csv", "mimeType": "text/csv", "buffer": export_csv()}],
    )
    with page.expect_navigation():
        page.click("[data-testid=import-file]")
    expect(page.locator(".alert-success")).to_contain_text(
        "Imported referrals.csv: 2 created, 0 updated, 0 unchanged."
    )
    web.screenshot("imported")

    # The most urgent first, flagged overdue.
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-testid=referral-id]")).to_have_text("FT-LATE-1")
    expect(rows.nth(0).locator("[data-testid=overdue-flag]")).to_be_visible()
    expect(rows.nth(1).locator("[data-testid=referral-id]")).to_have_text("FT-FRESH-1")
    expect(rows.nth(1).locator("[data-testid=overdue-flag]")).to_have_count(0)
    today = timezone.localdate()
    days_left = (add_business_days(today, 2) - today).days
    expect(rows.nth(1).locator("[data-testid=time-left]")).to_have_text(
        f"first response {days_left} days left"
    )
    expect(page.locator("[data-testid=overdue-count]")).to_have_text("1 overdue")

    with page.expect_navigation():
        rows.nth(0).locator("[data-testid=referral-id] a").click()
    expect(page.locator("h1")).to_have_text("Referral FT-LATE-1")
    expect(page.locator("[data-testid=overdue-flag]")).to_be_visible()
    page.fill("#id_text", "Called the IT lead; kickoff next week.")
    with page.expect_navigation():
        page.click("[data-testid=add-note]")
    expect(page.locator("[data-testid=note]").first).to_contain_text("Called the IT lead")
    web.screenshot("referral")

    with page.expect_navigation():
        page.click("[data-testid=accept]")
    table = page.locator("[data-testid=accept-workloads]")
    expect(table.locator("tr[data-workload=exchange] input")).to_be_checked()
    expect(table.locator("tr[data-workload=teams] input")).to_be_checked()
    expect(table.locator("tr[data-workload=exchange] [data-testid=eligibility]")).to_have_text(
        "No licence snapshot yet"
    )
    web.screenshot("accept")
    with page.expect_navigation():
        page.click("[data-testid=confirm-accept]")

    engagement = Engagement.objects.get(referral__referral_id="FT-LATE-1")
    expect(page).to_have_url(f"{web.base_url}/engagements/{engagement.pk}/")
    expect(page.locator("main")).to_contain_text("Referral FT-LATE-1 accepted")
    expect(page.locator("main")).to_contain_text("Exchange Online")
    expect(page.locator("main")).to_contain_text("Microsoft Teams")
    web.screenshot("engagement")

    referral = Referral.objects.get(referral_id="FT-LATE-1")
    assert referral.acceptance == Acceptance.ACCEPTED
    assert referral.customer is not None
    assert str(referral.customer.tenant_id) == TENANT

    page = web.goto(f"/referrals/{referral.pk}/")
    expect(page.locator("[data-testid=acceptance]")).to_have_text("Accepted")
    expect(page.locator("[data-testid=engagement-link]")).to_be_visible()
    expect(page.locator("[data-testid=accept]")).to_have_count(0)
