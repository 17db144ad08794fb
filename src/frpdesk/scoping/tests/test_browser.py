"""The scope tab in the browser: a consultant assesses the scope with a "no", records an
out-of-scope request, and takes it from blocked to in delivery (disclosure, signed contract)."""

import pytest
from playwright.sync_api import expect

from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.scoping.tests.factories import make_contract


@pytest.mark.browser
def test_assess_record_disclose_contract_and_deliver(web, consultant) -> None:
    engagement = make_engagement(owner=consultant, workloads=("teams", "intune"))
    web.login(consultant)
    page = web.page
    scope = f"/engagements/{engagement.pk}/?tab=scope"

    web.goto(scope)
    panel = page.get_by_test_id("scope-content")
    expect(panel.get_by_test_id("no-assessment")).to_be_visible()
    panel.get_by_test_id("assess").click()
    page.wait_for_url("**/assess/")
    for number, answer in ((1, "Yes"), (2, "No"), (3, "Yes")):
        question = page.locator(f"[data-testid=question][data-question='{number}']")
        question.get_by_text(answer, exact=True).click()
    page.locator("[data-question='2'] textarea").fill("Their admins cannot remediate alone.")
    web.screenshot("assess")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    panel = page.get_by_test_id("scope-content")
    expect(panel.get_by_test_id("outcome")).to_have_text("VAS opportunities")
    expect(panel.get_by_test_id("vas-suggestions")).to_contain_text(
        "Technical resources / hands-on remediation"
    )
    web.screenshot("assessed")

    panel.get_by_test_id("add-request").click()
    page.wait_for_url("**/requests/new/")
    page.fill("#id_description", "Please do the hands-on device enrolment of our 300 laptops")
    page.select_option("#id_workload", label="Microsoft Intune")
    expect(page.get_by_test_id("suggestion")).to_contain_text("Beyond guidance")
    expect(page.get_by_test_id("suggestion")).to_contain_text("Hands-on device enrolment")
    web.screenshot("request")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    card = page.get_by_test_id("request")
    expect(card.get_by_test_id("classification")).to_contain_text("Beyond guidance")
    expect(card.get_by_test_id("missing-item")).to_have_count(2)
    expect(card.locator("[data-missing=disclosure]")).to_be_visible()
    expect(card.locator("[data-missing=contract]")).to_be_visible()
    expect(card.get_by_test_id("status-in_delivery")).to_be_disabled()
    web.screenshot("blocked")

    card.get_by_test_id("record-disclosure").click()
    page.wait_for_url("**/disclosure/")
    page.fill("#id_disclosed_to", "Rita Gruber")
    page.check("input[name=method][value=meeting]")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    card = page.get_by_test_id("request")
    expect(card.get_by_test_id("disclosure")).to_contain_text("Rita Gruber")
    expect(card.get_by_test_id("missing-item")).to_have_count(1)
    expect(card.locator("[data-missing=contract]")).to_be_visible()
    web.screenshot("disclosed")

    contract = make_contract(engagement, title="Intune device enrolment")
    card.get_by_test_id("link-contract").click()
    page.wait_for_url("**/contract/")
    page.check(f"input[name=contract][value='{contract.pk}']")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    card = page.get_by_test_id("request")
    expect(card.get_by_test_id("contract")).to_contain_text(contract.number)
    expect(card.get_by_test_id("ready")).to_be_visible()
    with page.expect_navigation():
        card.get_by_test_id("status-in_delivery").click()
    card = page.get_by_test_id("request")
    expect(card.get_by_test_id("status")).to_have_text("In delivery")
    expect(card.get_by_test_id("blockers")).to_have_count(0)
    web.screenshot("in-delivery")
    page.get_by_test_id("tab-timeline").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("open → in delivery")
