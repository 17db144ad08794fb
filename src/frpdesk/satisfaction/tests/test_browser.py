"""Satisfaction in the browser: a program administrator imports survey results, then reads the
NSAT page with a customer flagged below 80 and the monthly chart."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.customers.tests.factories import CustomerFactory


@pytest.mark.browser
def test_import_survey_results_then_nsat_flags_a_customer(web, program_admin) -> None:
    contoso = CustomerFactory(name="Contoso Pharmaceuticals")
    CustomerFactory(name="Fabrikam Manufacturing", primary_domain="fabrikam.example")
    day = timezone.localdate() - datetime.timedelta(days=10)
    earlier = day - datetime.timedelta(days=35)
    rows = [
        f"{contoso.tenant_id};{day:%m/%d/%Y};Very satisfied;Clear guidance",
        f"{contoso.tenant_id};{earlier:%m/%d/%Y};Very satisfied;",
        f"fabrikam.example;{day.isoformat()};Very dissatisfied;Migration stalled",
        f"fabrikam.example;{earlier.isoformat()};Somewhat satisfied;",
    ]
    content = ("Tenant ID;Response date;Satisfaction;Verbatim\r\n" + "\r\n".join(rows)).encode()
    web.login(program_admin)

    page = web.goto("/satisfaction/responses/")
    page.click("[data-testid=import]")
    page.set_input_files(
        "#id_file", files=[{"name": "q3.csv", "mimeType": "text/csv", "buffer": content}]
    )
    with page.expect_navigation():
        page.click("[data-testid=import-file]")
    expect(page.locator(".alert-success")).to_contain_text(
        "Imported q3.csv: 4 responses of 2 customers"
    )
    expect(page.locator("[data-testid=survey-response]")).to_have_count(4)

    page = web.goto("/satisfaction/")
    expect(page.locator("[data-testid=overall-nsat]")).to_have_text("125.0")
    below = page.locator("[data-testid=nsat-row][data-below=true]")
    expect(below).to_have_count(1)
    expect(below).to_contain_text("Fabrikam Manufacturing")
    expect(below.locator("[data-testid=customer-nsat]")).to_contain_text("50.0")
    expect(page.locator("[data-testid=nsat-chart]")).to_be_visible()
    page.wait_for_function(
        "document.querySelector('[data-testid=nsat-chart]').dataset.rendered === 'true'"
    )
    web.screenshot("nsat")
