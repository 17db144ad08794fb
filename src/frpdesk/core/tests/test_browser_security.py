"""The Content Security Policy in the browser: every kind of page works under it (tabs, forms,
confirmations, charts, the API documentation) and it blocks an injected inline script.

Every browser test also fails on any CSP violation (see the ``web`` fixture)."""

import pytest
from playwright.sync_api import expect

from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import PartnerProfileFactory


@pytest.mark.browser
def test_pages_work_under_the_policy_and_it_blocks_inline_scripts(web, program_admin) -> None:
    PartnerProfileFactory()
    customer = CustomerFactory(name="Contoso Pharma")
    engagement = make_engagement(owner=program_admin, customer=customer, workloads=("teams",))
    web.login(program_admin)

    response = web.page.goto(web.base_url + f"/customers/{customer.pk}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    web.page.click("[data-testid=tab-contacts]")
    expect(web.page).to_have_url(f"{web.base_url}/customers/{customer.pk}/?tab=contacts")

    web.goto(f"/engagements/{engagement.pk}/?tab=notes")
    expect(web.page.locator("#tab-notes.active")).to_be_visible()
    web.goto("/api/docs/")
    expect(web.page.locator(".swagger-ui .info .title")).to_contain_text("frpdesk API")

    # A script injected into the page is refused: this is what the policy is for.
    web.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    assert web.page.evaluate("() => window.injected === undefined")
    assert web.csp_violations, "the browser should report the blocked script"
    web.csp_violations.clear()  # expected here; any other violation fails the test
