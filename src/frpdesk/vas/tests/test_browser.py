"""VAS in the browser: a sales user builds a quote from the rate card on an engagement, is refused
a priced Benefit line, sends the quote, records the acceptance and signs the contract."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from frpdesk.catalog.models import VasItem
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import PartnerProfileFactory
from frpdesk.vas.models import PricingKind, Quote, QuoteState, RateCardEntry


@pytest.mark.browser
def test_sales_builds_sends_and_signs_a_quote(web, sales) -> None:
    PartnerProfileFactory()
    engagement = make_engagement(workloads=("teams",))
    customer = engagement.customer.name
    RateCardEntry.objects.create(
        vas_item=VasItem.objects.get(code="project_management"),
        name="Project manager",
        kind=PricingKind.DAY_RATE,
        price=Decimal("1200.00"),
    )
    RateCardEntry.objects.create(
        vas_item=VasItem.objects.get(code="workshops"),
        name="Adoption workshop",
        kind=PricingKind.FIXED,
        price=Decimal("3500.00"),
    )

    web.login(sales)
    page = web.goto(f"/engagements/{engagement.pk}/?tab=vas")
    panel = page.locator("[data-testid=vas-panel]")
    expect(panel.locator("[data-testid=engagement-quotes]")).to_contain_text("No quotes yet")
    web.screenshot("engagement-tab")
    with page.expect_navigation():
        panel.locator("[data-testid=new-quote]").click()
    expect(page.locator("#id_engagement option:checked")).to_contain_text(customer)
    page.fill("#id_title", "Project management and adoption workshop")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_contain_text("drafted")
    expect(page.locator("[data-testid=vas-disclosure]")).to_contain_text(
        f"agreed between Contoso Consulting and {customer}"
    )

    # A day-rate line and a fixed-price item from the rate card.
    page.select_option(
        "#id_rate_card_entry", label="Project management: Project manager — 1,200.00 USD per day"
    )
    page.fill("#id_quantity", "3")
    with page.expect_navigation():
        page.click("[data-testid=add-line]")
    page.select_option(
        "#id_rate_card_entry", label="Workshops: Adoption workshop — 3,500.00 USD per item"
    )
    page.fill("#id_quantity", "1")
    with page.expect_navigation():
        page.click("[data-testid=add-line]")
    expect(page.locator("[data-testid=line]")).to_have_count(2)
    expect(page.locator("[data-testid=subtotal]")).to_have_text("7,100.00 USD")

    # A Benefit line with a price is refused beside the price.
    page.select_option("#id_kind", "benefit")
    page.fill("#id_description", "Remote deployment guidance")
    page.fill("#id_unit_price", "500")
    with page.expect_navigation():
        page.click("[data-testid=add-line]")
    expect(page.locator("#id_unit_price_error")).to_contain_text(
        "FastTrack Benefit services are free"
    )
    expect(page.locator("[data-testid=line]")).to_have_count(2)
    web.screenshot("benefit-refused")

    # Discount and tax on the terms.
    with page.expect_navigation():
        page.click("[data-testid=edit-quote]")
    page.fill("#id_discount_pct", "10")
    page.fill("#id_tax_pct", "8.25")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    expect(page.locator("[data-testid=discount]")).to_have_text("− 710.00 USD")
    expect(page.locator("[data-testid=net]")).to_have_text("6,390.00 USD")
    expect(page.locator("[data-testid=tax]")).to_have_text("527.18 USD")
    expect(page.locator("[data-testid=total]")).to_have_text("6,917.18 USD")
    web.screenshot("totals")

    with page.expect_navigation():
        page.click("[data-testid=to-sent]")
    expect(page.locator(".alert-success")).to_contain_text("is now Sent")
    expect(page.locator("[data-testid=line-form]")).to_have_count(0)
    with page.expect_navigation():
        page.click("[data-testid=to-accepted]")
    expect(page.locator(".alert-success")).to_contain_text("is now Accepted")

    page.fill("#id_customer_signatory", "Dana Whitfield")
    page.fill("#id_customer_signatory_title", "CIO")
    with page.expect_navigation():
        page.click("[data-testid=sign]")
    quote = Quote.objects.get()
    assert quote.state == QuoteState.SIGNED
    contract = quote.contract
    card = page.locator("[data-testid=contract]")
    expect(card.locator("[data-testid=contract-number]")).to_have_text(contract.number)
    expect(card).to_contain_text("Dana Whitfield, CIO")
    expect(card.locator("[data-testid=contract-disclosure]")).to_contain_text(
        "not covered by any Microsoft agreement"
    )
    web.screenshot("signed")

    page = web.goto(f"/engagements/{engagement.pk}/?tab=vas")
    expect(page.locator("[data-testid=engagement-contract]")).to_contain_text(contract.number)
