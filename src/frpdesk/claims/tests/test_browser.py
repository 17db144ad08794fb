"""A claim in the browser: drafted from the engagement's Claims tab, refused with its failed
rules, fixed (signed SOW uploaded and picked as PoE, deliver-ourselves routing), submitted, then
moved through review to approval by a status file uploaded on its page; the engagement shows
the partner association date."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim
from frpdesk.claims.tests.conftest import WORKLOADS, signed_sow_bytes
from frpdesk.customers.models import ContactRole
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Routing
from frpdesk.engagements.services import route_workload
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.licensing.tests.factories import import_licences
from frpdesk.partner.tests.factories import EndorsementFactory
from frpdesk.sow.services import load_shipped_template


@pytest.mark.browser
def test_claim_from_refusal_to_approval(web: Any, consultant: User, partner_profile: Any) -> None:
    load_shipped_template()  # transactional tests flush what the migration loaded
    customer = CustomerFactory(name="Fabrikam Retail", primary_domain="fabrikam.example")
    CustomerContactFactory(
        customer=customer, name="Dana Fox", title="CIO", role=ContactRole.SPONSOR
    )
    import_licences(customer, {"SPE_E3": 400})
    EndorsementFactory(profile=partner_profile, workload=Workload.objects.get(code="teams"))
    engagement = make_engagement(owner=consultant, customer=customer, workloads=WORKLOADS)

    web.login(consultant)
    page = web.goto(f"/engagements/{engagement.pk}/?tab=claims")
    tab = page.locator("[data-testid=claims-tab]")
    expect(tab).to_contain_text("No claim yet.")
    tab.locator("[data-testid=new-claim]").click()
    expect(page.locator("input[name=customer_contact_email]")).to_have_value(
        customer.contacts.get().email
    )
    with page.expect_navigation():
        page.locator("[data-testid=edit-form] button[type=submit]").click()
    with page.expect_navigation():
        page.click("[data-testid=submit-claim]")
    rules = page.locator("[data-testid=failed-rule]")
    expect(rules.first).to_be_visible()
    expect(page.locator("[data-testid=failed-rules]")).to_contain_text(
        "not endorsed for Exchange Online"
    )
    expect(page.locator("[data-testid=failed-rules]")).to_contain_text("No proof of execution")
    expect(page.locator("[data-testid=claim-state]")).to_have_text("Draft")
    web.screenshot("refused")

    # Fix: upload the customer-signed SOW on the SOW tab, deliver Exchange ourselves.
    page = web.goto(f"/engagements/{engagement.pk}/?tab=sow")
    form = page.locator("[data-testid=upload-form]")
    form.locator("input[name=file]").set_input_files(
        files=[
            {
                "name": "signed.docx",
                "mimeType": "application/octet-stream",
                "buffer": signed_sow_bytes(engagement),
            }
        ]
    )
    form.locator("input[name=signed_by_name]").fill("Dana Fox")
    with page.expect_navigation():
        form.locator("[data-testid=upload]").click()
    expect(page.locator("[data-testid=poe-result]").first).to_contain_text("Passes")
    route_workload(
        acting_user=consultant,
        engagement_workload=engagement.workloads.get(workload__code="exchange"),
        routing=Routing.DELIVER,
        justification="Our consultants deliver Exchange Online migrations daily.",
    )

    claim = Claim.objects.get()
    page = web.goto(f"/claims/{claim.pk}/edit/")
    page.locator("select[name=poe_signed_sow]").select_option(index=1)
    with page.expect_navigation():
        page.locator("[data-testid=edit-form] button[type=submit]").click()
    with page.expect_navigation():
        page.click("[data-testid=submit-claim]")
    expect(page.locator("[data-testid=claim-state]")).to_have_text("Submitted")
    expect(page.locator("[data-testid=time-left]")).to_contain_text("Review starts by")
    expect(page.locator("[data-testid=failed-rules]")).to_have_count(0)

    today = timezone.localdate().isoformat()
    status = (
        "Claim reference;Status;Date;Reason\n"
        f"CLM-{claim.pk};Under review;{today};\n"
        f"CLM-{claim.pk};Approved;{today};\n"
    )
    upload = page.locator("[data-testid=status-import] input[name=file]")
    upload.set_input_files(
        files=[{"name": "status.csv", "mimeType": "text/csv", "buffer": status.encode()}]
    )
    with page.expect_navigation():
        page.click("[data-testid=import-submit]")
    expect(page.locator(".alert-success").first).to_contain_text("2 changed")
    expect(page.locator("[data-testid=claim-state]")).to_have_text("Approved")
    expect(page.locator("[data-testid=transition]")).to_have_count(3)
    web.screenshot("approved")

    page = web.goto(f"/engagements/{engagement.pk}/")
    expect(page.locator("[data-testid=association]").first).to_contain_text(today)
