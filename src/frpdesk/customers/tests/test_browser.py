"""The customers area in the browser: a tenant from creation to its eligibility, the list's
chosen columns and filters, contacts, and what read-only roles see."""

import datetime
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.customers.models import Customer, CustomerContact
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.licensing.models import Eligibility, LicenseSnapshot
from frpdesk.licensing.tests.factories import import_licences

SUBSCRIBED_SKUS = Path(__file__).resolve().parents[5] / "shared" / "samples" / "subscribedSkus.json"
CUSTOMERS = "/customers/"
ELIGIBLE_CSV = b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,540\n"


def sign_in(web, user) -> None:
    web.login(user)
    # ``login`` waits for any URL ending in "/", which the login page matches too.
    web.page.wait_for_url(web.base_url + "/")


def listed_names(page) -> list[str]:
    return [
        name.strip()
        for name in page.locator("main table tbody tr td:first-child").all_inner_texts()
    ]


def open_tab(web, name: str) -> None:
    web.page.click(f"[data-testid=tab-{name}]")
    expect(web.page.locator(f"#tab-{name}.active.show")).to_be_visible()
    web.page.wait_for_timeout(200)  # let the fade-in finish before the screenshot
    web.screenshot(name)


def upload(web, name: str, content: bytes, as_of: datetime.date) -> None:
    page = web.page
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/plain", "buffer": content}]
    )
    page.fill("#id_as_of", as_of.isoformat())
    with page.expect_navigation():
        page.click("[data-testid=upload]")
    web.screenshot(f"uploaded-{name}")


def reason(page, sku: str):
    return page.locator("[data-testid=reasons] li").filter(has_text=f"{sku} (")


@pytest.mark.browser
def test_create_a_customer_import_licences_and_read_the_eligibility(web, consultant) -> None:
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    sign_in(web, consultant)
    page = web.goto(CUSTOMERS)
    expect(page.locator("[data-testid=row-count]")).to_have_text("0 customers")

    page.click("[data-testid=create]")
    expect(page).to_have_url(web.base_url + "/customers/new/")
    page.fill("#id_name", "Fabrikam Industries")
    page.fill("#id_tenant_id", "not-a-guid")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    expect(page.locator("[data-field=tenant_id] .invalid-feedback")).to_contain_text(
        "is not a tenant ID (a GUID"
    )
    web.screenshot("bad-tenant-id")
    page.fill("#id_tenant_id", "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c")
    page.select_option("#id_country", label="Germany")
    page.select_option("#id_segment", label="Enterprise")
    page.select_option("#id_owner", label=f"{consultant.display_name} ({consultant.email})")
    page.fill("#id_tags", "priority, manufacturing")
    web.screenshot("filled")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    customer = Customer.objects.get()
    expect(page).to_have_url(web.base_url + f"/customers/{customer.pk}/")
    expect(page.locator("main h1")).to_have_text("Fabrikam Industries")
    expect(page.locator("main")).to_contain_text("Customer added.")
    expect(page.locator("[data-testid=tags]")).to_contain_text("manufacturing")
    expect(page.locator("[data-testid=owner]")).to_contain_text(consultant.display_name)
    expect(page.locator("[data-testid=eligibility-badge]")).to_have_text("Eligibility unknown")
    web.screenshot("created")

    # Microsoft Graph's subscribedSkus: 50 seats on eligible plans, so not eligible.
    open_tab(web, "licences")
    upload(web, "subscribedSkus.json", SUBSCRIBED_SKUS.read_bytes(), yesterday)
    expect(page).to_have_url(web.base_url + f"/customers/{customer.pk}/?tab=licences")
    expect(page.locator(".alert-success")).to_contain_text(
        f"subscribedSkus.json: snapshot of {yesterday.isoformat()} created with 8 SKUs. "
        "Tenant not eligible with 50 eligible seats"
    )
    lines = page.locator("[data-testid=snapshot-lines] tbody tr")
    expect(lines).to_have_count(8)
    expect(page.locator("[data-testid=snapshot-lines] tr[data-sku=SPE_E3]")).to_contain_text(
        "Microsoft 365 E3"
    )

    open_tab(web, "eligibility")
    expect(page.locator("[data-testid=tenant-eligible]")).to_have_text("Tenant not eligible")
    expect(page.locator("[data-testid=eligible-seats]")).to_have_text("50")
    expect(page.locator("#tab-eligibility")).to_contain_text("50 seats on eligible plans < 150")
    expect(reason(page, "FLOW_FREE")).to_contain_text("excluded, not a paid SKU")
    expect(reason(page, "ENTERPRISEPACK")).to_contain_text("0 paid available units")
    expect(reason(page, "ENTERPRISEPACK")).to_contain_text("10 in warning: not paid-available")
    exchange = page.locator("[data-testid=workload-table] tr[data-workload=exchange]")
    expect(exchange).to_contain_text("Not eligible")
    workload_rows = page.locator("[data-testid=workload-table] tbody tr")
    expect(workload_rows).to_have_count(13)

    # A CSV of today with 600 seats of Microsoft 365 E3 makes the tenant eligible.
    open_tab(web, "licences")
    upload(web, "licences.csv", ELIGIBLE_CSV, today)
    expect(page.locator(".alert-success")).to_contain_text(
        "Tenant eligible with 600 eligible seats"
    )
    history = page.locator("[data-testid=snapshot-history]")
    newest = history.locator(f"li[data-snapshot='{today.isoformat()}']")
    expect(newest).to_contain_text("Newest")
    expect(newest.locator("[data-change=increased]")).to_have_text("SPE_E3 20 → 600")
    expect(newest.locator("[data-change=removed]")).to_have_count(7)
    expect(newest).to_contain_text("FLOW_FREE removed (was 10000)")
    expect(history.locator(f"li[data-snapshot='{yesterday.isoformat()}']")).to_contain_text(
        "First snapshot of this tenant."
    )
    web.screenshot("changes")

    open_tab(web, "eligibility")
    expect(page.locator("[data-testid=tenant-eligible]")).to_have_text("Tenant eligible")
    expect(page.locator("[data-testid=eligible-seats]")).to_have_text("600")
    exchange = page.locator("[data-testid=workload-table] tr[data-workload=exchange]")
    expect(exchange).to_contain_text("Eligible")
    expect(exchange).to_contain_text("FastTrack migration")
    for code in ("sharepoint", "onedrive"):
        expect(
            page.locator(f"[data-testid=workload-table] tr[data-workload={code}]")
        ).to_contain_text("FastTrack migration")
    expect(page.locator("[data-testid=workload-table] tr[data-workload=teams]")).to_contain_text(
        "Not applicable"
    )
    expect(page.locator("[data-testid=workload-table] tr[data-workload=copilot]")).to_contain_text(
        "Not eligible"
    )
    expect(reason(page, "SPE_E3")).to_contain_text("600 paid units count towards eligibility")

    # The tab is in the address: a reload opens it again.
    page.reload()
    expect(page.locator("#tab-eligibility")).to_be_visible()

    # The list shows the tenant as eligible with its workloads.
    page = web.goto(CUSTOMERS)
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text("Eligible")
    expect(row).to_contain_text("600")
    expect(row).to_contain_text("Exchange Online")
    expect(row).to_contain_text("more")


@pytest.mark.browser
def test_a_bad_licence_file_names_the_row_and_column_and_changes_nothing(
    web, consultant, reference_data
) -> None:
    customer = CustomerFactory(name="Contoso Pharma")
    import_licences(customer, {"SPE_E3": 600})
    sign_in(web, consultant)
    page = web.goto(f"/customers/{customer.pk}/?tab=licences")
    expect(page.locator("#tab-licences")).to_be_visible()

    bad = b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,0\nSPE_E5,-5,0,0,0\n"
    upload(web, "bad.csv", bad, timezone.localdate())
    error = page.locator("[data-testid=upload-error]")
    expect(error).to_contain_text("The file was not imported; nothing was changed.")
    expect(error).to_contain_text("bad.csv, row 3, column enabled: must be a whole number")
    expect(error).to_contain_text("got '-5'")
    expect(page.locator(".alert-success")).to_have_count(0)
    expect(page.locator("#tab-licences")).to_be_visible()
    expect(page.locator("[data-testid=snapshot-lines] tbody tr")).to_have_count(1)

    assert LicenseSnapshot.objects.filter(customer=customer).count() == 1
    assert customer.snapshots.get().lines.get().enabled == 600
    assert Eligibility.objects.get(customer=customer).eligible_seats == 600


@pytest.mark.browser
def test_the_column_chooser_hides_a_column_and_remembers_it(
    web, consultant, reference_data
) -> None:
    customer = CustomerFactory(name="Contoso Pharma", primary_domain="contoso.example")
    import_licences(customer, {"SPE_E3": 600})
    sign_in(web, consultant)
    page = web.goto(CUSTOMERS)
    headers = page.locator("main table thead th")
    expect(headers.filter(has_text="Domain")).to_have_count(1)
    expect(page.locator("main table tbody")).to_contain_text("contoso.example")

    page.click("[data-testid=column-chooser]")
    web.screenshot("chooser")
    page.get_by_label("Domain", exact=True).uncheck()
    page.get_by_label("Tenant ID", exact=True).uncheck()
    with page.expect_navigation():
        page.click("[data-testid=apply-columns]")
    web.screenshot("hidden")
    expect(headers.filter(has_text="Domain")).to_have_count(0)
    expect(headers.filter(has_text="Tenant ID")).to_have_count(0)
    expect(headers.filter(has_text="Eligible seats")).to_have_count(1)
    expect(page.locator("main table tbody")).not_to_contain_text("contoso.example")
    expect(page.locator("[data-testid=column-chooser]")).to_contain_text("2 hidden")

    page.reload()
    expect(headers.filter(has_text="Domain")).to_have_count(0)
    page = web.goto(CUSTOMERS + "?eligible=true")
    expect(headers.filter(has_text="Domain")).to_have_count(0)
    assert listed_names(page) == ["Contoso Pharma"]

    page.click("[data-testid=column-chooser]")
    expect(page.get_by_label("Domain", exact=True)).not_to_be_checked()
    with page.expect_navigation():
        page.click("[data-testid=reset-columns]")
    expect(headers.filter(has_text="Domain")).to_have_count(1)
    # The filters survive the column change.
    expect(page).to_have_url(web.base_url + CUSTOMERS + "?eligible=true")


@pytest.mark.browser
def test_the_list_filters_by_eligible_workload(web, consultant, reference_data) -> None:
    for name, units in (
        ("Contoso Pharma", {"SPE_E3": 600}),
        ("Fabrikam Retail", {"SPE_E3": 200}),
        ("Northwind University", {"SPE_E3": 100}),
        ("Woodgrove Bank", {"EMSPREMIUM": 300}),
    ):
        import_licences(CustomerFactory(name=name), units)
    CustomerFactory(name="Tailspin Toys")
    sign_in(web, consultant)
    page = web.goto(CUSTOMERS)
    expect(page.locator("[data-testid=row-count]")).to_have_text("5 customers")
    filters = page.locator("[data-testid=filters]")

    filters.get_by_label("Workload eligible").select_option(label="Exchange Online")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("exchange")
    assert listed_names(page) == ["Contoso Pharma", "Fabrikam Retail"]

    filters.get_by_label("Workload eligible").select_option(label="Microsoft Intune")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    assert listed_names(page) == ["Contoso Pharma", "Fabrikam Retail", "Woodgrove Bank"]

    filters.get_by_label("Workload eligible").select_option("")
    filters.get_by_label("Tenant eligible").select_option(label="No")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("not-eligible")
    assert listed_names(page) == ["Northwind University", "Tailspin Toys"]
    expect(page.locator("[data-testid=row-count]")).to_have_text("2 customers")


@pytest.mark.browser
def test_the_survey_warning_goes_once_a_survey_eligible_contact_is_added(
    web, consultant, reference_data
) -> None:
    customer = CustomerFactory(name="Contoso Pharma")
    CustomerContactFactory(customer=customer, name="Sam Not-Surveyed", survey_eligible=False)
    sign_in(web, consultant)
    page = web.goto(f"/customers/{customer.pk}/")
    warning = page.locator("[data-testid=no-survey-contact]")
    expect(warning).to_contain_text("No survey-eligible contact")

    warning.get_by_role("link", name="Add a contact").click()
    expect(page).to_have_url(web.base_url + f"/customers/{customer.pk}/contacts/new/")
    expect(page.locator("main h1")).to_have_text("New customer contact at Contoso Pharma")
    page.fill("#id_name", "Dana Iverson")
    page.fill("#id_email", "dana@contoso.example")
    page.fill("#id_title", "IT director")
    page.select_option("#id_role", label="IT lead")
    page.select_option("#id_survey_language", label="German")
    page.get_by_label("Microsoft Teams", exact=True).check(timeout=5_000)
    page.get_by_label("Exchange Online", exact=True).check(timeout=5_000)
    page.get_by_label("Survey eligible").check()
    web.screenshot("contact-form")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    expect(page).to_have_url(web.base_url + f"/customers/{customer.pk}/?tab=contacts")
    contacts = page.locator("[data-testid=customer-contacts]")
    expect(contacts).to_be_visible()
    expect(contacts).to_contain_text("Dana Iverson")
    expect(contacts).to_contain_text("Survey-eligible")
    expect(contacts).to_contain_text("Microsoft Teams")
    web.screenshot("contacts")

    page.click("[data-testid=tab-overview]")
    expect(page.locator("[data-testid=no-survey-contact]")).to_have_count(0)
    contact = CustomerContact.objects.get(email="dana@contoso.example")
    assert contact.survey_language == "de"
    assert sorted(contact.services_assisted.values_list("code", flat=True)) == [
        "exchange",
        "teams",
    ]


@pytest.mark.browser
def test_an_executive_sees_customers_without_add_or_edit_buttons(
    web, executive, reference_data
) -> None:
    customer = CustomerFactory(name="Contoso Pharma", tenant_id=uuid.uuid4())
    import_licences(customer, {"SPE_E3": 600})
    CustomerContactFactory(customer=customer, survey_eligible=False)
    sign_in(web, executive)

    page = web.goto(CUSTOMERS)
    assert listed_names(page) == ["Contoso Pharma"]
    expect(page.locator("[data-testid=create]")).to_have_count(0)
    expect(page.locator("main table [data-testid=edit]")).to_have_count(0)
    expect(page.locator("main table a[title=Delete]")).to_have_count(0)

    page.get_by_role("link", name="Contoso Pharma").click()
    expect(page.locator("main h1")).to_have_text("Contoso Pharma")
    web.screenshot("detail")
    expect(page.locator("[data-testid=no-survey-contact]")).to_be_visible()
    expect(page.locator("[data-testid=add-survey-contact]")).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name="Delete")).to_have_count(0)
    open_tab(web, "licences")
    expect(page.locator("[data-testid=upload-form]")).to_have_count(0)
    expect(page.locator("[data-testid=snapshot-lines]")).to_be_visible()
    open_tab(web, "contacts")
    expect(page.locator("[data-testid=add-contact]")).to_have_count(0)
    expect(page.locator("#tab-contacts [data-testid=edit]")).to_have_count(0)

    for path in (
        "/customers/new/",
        f"/customers/{customer.pk}/edit/",
        f"/customers/{customer.pk}/delete/",
        f"/customers/{customer.pk}/contacts/new/",
    ):
        web.goto(path)
        expect(page.locator("[data-testid=forbidden]")).to_contain_text("You can't do that")
    assert Customer.objects.get().name == "Contoso Pharma"
