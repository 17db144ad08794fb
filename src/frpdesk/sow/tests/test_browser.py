"""The SOW tab in the browser: generate DOCX and PDF, download one, upload a signed copy that
passes the preflight and a blank one whose missing items are listed."""

import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from frpdesk.accounts.models import User
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.sow.services import load_shipped_template, render_sow
from frpdesk.sow.tests.conftest import WORKLOADS, customer_signature


@pytest.mark.browser
def test_generate_download_and_upload_signed_sow(
    web: Any, consultant: User, partner_profile: Any, tmp_path: Any
) -> None:
    load_shipped_template()  # transactional tests flush what the migration loaded
    customer = CustomerFactory(name="Fabrikam Retail", primary_domain="fabrikam.example")
    CustomerContactFactory(customer=customer, name="Dana Fox", title="CIO")
    engagement = make_engagement(owner=consultant, customer=customer, workloads=WORKLOADS)

    web.login(consultant)
    page = web.goto(f"/engagements/{engagement.pk}/?tab=sow")
    panel = page.locator("[data-testid=sow-tab]")
    expect(panel).to_contain_text("No SOW generated yet.")
    with page.expect_navigation():
        page.click("[data-testid=generate-docx]")
    with page.expect_navigation():
        page.click("[data-testid=generate-pdf]")
    expect(page.locator(".alert-success").first).to_contain_text("SOW v2 generated (PDF")
    versions = page.locator("[data-testid=sow-version]")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("PDF")
    expect(page.locator("#tab-sow")).to_have_class(re.compile(r"\bshow\b"))
    web.screenshot("versions")

    with page.expect_download() as info:
        versions.first.locator("[data-testid=download-version]").click()
    from pypdf import PdfReader

    downloaded = info.value.path().read_bytes()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(downloaded)).pages)
    assert "Fabrikam Retail" in text

    def upload(name: str, content: bytes) -> None:
        form = page.locator("[data-testid=upload-form]")
        form.locator("input[name=file]").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": content}]
        )
        form.locator("input[name=signed_by_name]").fill("Dana Fox")
        form.locator("input[name=signed_by_title]").fill("CIO")
        with page.expect_navigation():
            form.locator("[data-testid=upload]").click()

    upload(
        "signed.pdf",
        render_sow(
            engagement=engagement, file_format="pdf", customer_signature=customer_signature()
        ),
    )
    copies = page.locator("[data-testid=signed-sow]")
    expect(copies).to_have_count(1)
    expect(copies.first.locator("[data-testid=poe-result]")).to_contain_text(
        "Passes the proof-of-execution preflight"
    )
    expect(copies.first).to_contain_text("Viva Engage (Yammer)")

    upload("unsigned.pdf", render_sow(engagement=engagement, file_format="pdf"))
    expect(copies).to_have_count(2)
    expect(copies.first.locator("[data-testid=poe-missing]")).to_have_text(
        "No customer signature: the customer's Name and Date lines are blank"
    )
    expect(copies.first).to_have_attribute("data-poe-ok", "false")
    expect(page.locator("#tab-sow")).to_have_class(re.compile(r"\bshow\b"))
    web.screenshot("signed")
