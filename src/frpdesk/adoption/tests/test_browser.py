"""Adoption in the browser: figures and trend charts on the customer's Adoption tab, its forms,
the heat-map; and the issue's flow: upload the sample usage reports, watch the jobs finish, read
AU% and the chart, list and export the inactive users."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from frpdesk.adoption.models import (
    ImportSource,
    ImportStatus,
    PartnerAssociation,
    UsageImport,
    UsagePoint,
)
from frpdesk.adoption.services import import_usage_file
from frpdesk.adoption.tests.factories import usage_history
from frpdesk.customers.tests.factories import CustomerFactory

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples"
D = datetime.date


def sign_in(web, user) -> None:
    web.login(user)
    web.page.wait_for_url(web.base_url + "/")


def open_adoption_tab(web, customer) -> None:
    web.goto(f"/customers/{customer.pk}/?tab=adoption")
    expect(web.page.locator("#tab-adoption.active.show")).to_be_visible()


def chart_drawn(page, code: str) -> bool:
    return page.evaluate(
        """(code) => {
            const canvas = document.querySelector(`#adoption-${code} canvas`);
            const chart = canvas && window.Chart && window.Chart.getChart(canvas);
            return Boolean(chart) && canvas.width > 0 && canvas.height > 0
                && chart.data.datasets.length === 3;
        }""",
        code,
    )


def workload_card(page, code: str):
    return page.locator(f"#adoption-{code}")


@pytest.mark.browser
def test_figures_charts_forms_and_the_heatmap(web, consultant) -> None:
    customer = CustomerFactory(name="Fabrikam Industries", owner=consultant)
    usage_history(
        customer,
        "teams",
        [
            (D(2025, 6, 20), 2, 29),
            (D(2025, 7, 20), 4, 29),
            (D(2025, 8, 20), 5, 29),
            (D(2025, 9, 20), 7, 29),
            (D(2025, 10, 20), 8, 29),
            (D(2025, 11, 20), 10, 29),
        ],
    )
    usage_history(customer, "exchange", [(D(2025, 10, 20), 20, 29), (D(2025, 11, 20), 23, 29)])
    other = CustomerFactory(name="Contoso Pharma")
    usage_history(other, "teams", [(D(2025, 11, 20), 3, 40)])
    sign_in(web, consultant)
    page = web.page

    open_adoption_tab(web, customer)
    teams = workload_card(page, "teams")
    expect(teams.locator("[data-testid=au-pct]")).to_have_text("34.48%")
    expect(teams.locator("[data-testid=starting-peak]")).to_have_text("10")
    expect(teams.locator("[data-testid=association-note]")).to_contain_text("all-time peak")
    expect(teams.locator("[data-milestone='15'][data-state=reached]")).to_contain_text(
        "15% reached on 2025-08-20"
    )
    expect(teams.locator("[data-milestone='40'][data-state=forecast]")).to_be_visible()
    expect(workload_card(page, "exchange").locator("[data-testid=au-pct]")).to_have_text("79.31%")
    page.wait_for_function("() => window.Chart !== undefined")
    assert chart_drawn(page, "teams")
    assert chart_drawn(page, "exchange")
    web.screenshot("figures")

    # The partner was associated with Teams on 1 September: earlier MAU is the starting peak.
    page.select_option("#id_association-workload", "teams")
    page.fill("#id_association-associated_on", "2025-09-01")
    page.fill("#id_association-note", "CPOR claim 4711")
    with page.expect_navigation():
        page.click("[data-testid=save-association]")
    expect(page.locator(".alert-success")).to_contain_text("partner associated on 2025-09-01")
    expect(teams.locator("[data-testid=starting-peak]")).to_have_text("5")
    expect(teams.locator("[data-testid=opportunity-units]")).to_have_text("24")
    assert PartnerAssociation.objects.get(customer=customer).note == "CPOR claim 4711"

    # Intune has no usage report: its MAU is entered by hand; a future date is refused.
    page.select_option("#id_manual-workload", "intune")
    page.fill("#id_manual-refresh_date", "2099-01-01")
    page.fill("#id_manual-mau", "12")
    with page.expect_navigation():
        page.click("[data-testid=save-manual-mau]")
    expect(page.locator("[data-field='manual-refresh_date'] .invalid-feedback")).to_have_text(
        "The date cannot be in the future."
    )
    expect(page.locator("#tab-adoption.active.show")).to_be_visible()
    web.screenshot("manual-mau-error")
    page.fill("#id_manual-refresh_date", "2025-11-15")
    with page.expect_navigation():
        page.click("[data-testid=save-manual-mau]")
    intune = workload_card(page, "intune")
    expect(intune.locator("[data-testid=source]")).to_have_text("Manual entry")
    expect(intune.locator("[data-testid=au-pct]")).to_have_text("—")
    expect(intune).to_contain_text("no PAU, undefined")
    assert UsagePoint.objects.get(customer=customer, workload__code="intune").mau == 12
    web.screenshot("manual-mau")

    # The heat-map: both customers, coloured cells linking to the tab.
    page.click("nav[aria-label=Main] >> text=Adoption")
    expect(page).to_have_url(web.base_url + "/adoption/")
    expect(page.locator("[data-testid=row-count]")).to_have_text("2 customers")
    fabrikam_row = page.locator("[data-testid=heatmap] tbody tr", has_text="Fabrikam Industries")
    expect(fabrikam_row.locator("td[data-workload=teams] a")).to_have_text("34.5%")
    expect(fabrikam_row.locator("td[data-workload=teams] a")).to_have_attribute(
        "data-band", "first"
    )
    expect(fabrikam_row.locator("td[data-workload=exchange] a")).to_have_attribute(
        "data-band", "second"
    )
    web.screenshot("heatmap")
    page.select_option("#id_band", "below")
    page.select_option("#id_workload", "teams")
    with page.expect_navigation():
        page.click("[data-testid=apply-filters]")
    expect(page.locator("[data-testid=row-count]")).to_have_text("1 customer")
    expect(page.locator("[data-testid=heatmap] tbody")).to_contain_text("Contoso Pharma")
    web.screenshot("heatmap-filtered")
    with page.expect_navigation():
        page.click("[data-testid=clear-filters]")
    with page.expect_navigation():
        fabrikam_row = page.locator("[data-testid=heatmap] tbody tr", has_text="Fabrikam")
        fabrikam_row.locator("td[data-workload=teams] a").click()
    expect(page.locator("#tab-adoption.active.show")).to_be_visible()
    expect(page.locator("#adoption-teams")).to_be_in_viewport()


@pytest.mark.browser
def test_a_read_only_role_sees_figures_without_forms(web, executive) -> None:
    customer = CustomerFactory(name="Fabrikam Industries")
    usage_history(customer, "teams", [(D(2025, 10, 20), 5, 29), (D(2025, 11, 20), 10, 29)])
    sign_in(web, executive)
    open_adoption_tab(web, customer)
    expect(web.page.locator("#adoption-teams [data-testid=au-pct]")).to_have_text("34.48%")
    expect(web.page.locator("form[data-testid$=form]")).to_have_count(0)
    web.page.wait_for_function("() => window.Chart !== undefined")
    assert chart_drawn(web.page, "teams")
    web.screenshot("read-only")


TENANT_A_REPORTS = (
    "Office365ActiveUserDetail_D30.csv",
    "EmailActivityUserDetail_D30.csv",
    "OneDriveActivityUserDetail_D30.csv",
    "SharePointActivityUserDetail_D30.csv",
    "TeamsUserActivityUserDetail_D30.csv",
    "M365AppUserDetail_D30.csv",
    "Microsoft365CopilotUsageUserDetail_D30.json",
)


@pytest.mark.browser
def test_upload_the_sample_reports_and_follow_adoption(web, consultant, tmp_path) -> None:
    customer = CustomerFactory(
        name="Fabrikam Industries", tenant_id="b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"
    )
    sign_in(web, consultant)
    page = web.goto(f"/customers/{customer.pk}/?tab=licences")

    # The licences in force on the reports' refresh date give PAU.
    page.set_input_files("#id_file", str(SAMPLES / "subscribedSkus.json"))
    page.fill("#id_as_of", "2025-11-20")
    with page.expect_navigation():
        page.click("[data-testid=upload]")
    expect(page.locator(".alert-success")).to_contain_text("snapshot of 2025-11-20 created")

    page.click("[data-testid=tab-adoption]")
    expect(page.locator("#tab-adoption.active.show")).to_be_visible()
    expect(page.locator("[data-testid=no-usage]")).to_be_visible()
    page.set_input_files("#id_usage-reports", [str(SAMPLES / name) for name in TENANT_A_REPORTS])
    with page.expect_navigation():
        page.click("[data-testid=usage-upload]")
    expect(page).to_have_url(web.base_url + f"/customers/{customer.pk}/?tab=adoption")
    expect(page.locator(".alert-success")).to_contain_text("Queued 7 usage reports for import")
    imports = page.locator("[data-testid=usage-imports] [data-testid=usage-import]")
    expect(imports).to_have_count(7)
    expect(imports.first.locator("[data-testid=import-stage]")).to_contain_text(
        "Waiting for the job worker"
    )
    web.screenshot("queued")

    # The worker runs the jobs; the page follows by itself (no reload): bars, then figures.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    call_command("worker", "--batch", "--no-schedule")
    assert set(UsageImport.objects.values_list("status", flat=True)) == {ImportStatus.DONE}
    expect(page.locator("[data-testid=usage-import][data-status=done]")).to_have_count(7)
    expect(imports.first.locator("[data-testid=import-progress]")).to_have_attribute("value", "100")
    expect(imports.first.locator("[data-testid=import-message]")).to_be_visible()
    teams = workload_card(page, "teams")
    expect(teams.locator("[data-testid=au-pct]")).to_have_text("50.00%")
    assert page.evaluate("() => window.stillTheSamePage") is True
    expect(teams.locator("[data-testid=mau]")).to_have_text("20")
    expect(teams.locator("[data-testid=pau]")).to_have_text("40")
    expect(teams.locator("[data-testid=pau-as-of]")).to_have_text("licences of 2025-11-20")
    expect(teams.locator("[data-milestone='40'][data-state=reached]")).to_be_visible()
    expect(workload_card(page, "viva_engage").locator("[data-testid=au-pct]")).to_have_text(
        "27.50%"
    )
    expect(
        workload_card(page, "viva_engage").locator("[data-milestone='40'][data-state=open]")
    ).to_contain_text("no forecast")
    expect(workload_card(page, "copilot").locator("[data-testid=au-pct]")).to_have_text("60.00%")
    page.wait_for_function(
        "() => document.querySelector('#adoption-teams canvas')?.dataset.rendered === 'true'"
    )
    assert chart_drawn(page, "teams")
    web.screenshot("imported")

    # The licensed Teams users who were not active in the 28 days up to 20 November.
    with page.expect_navigation():
        teams.locator("[data-testid=workload-inactive-link]").click()
    expect(page.locator("main h1")).to_have_text("Inactive users of Microsoft Teams")
    expect(page.locator("[data-testid=row-count]")).to_have_text("8 inactive users")
    rows = page.locator("[data-testid=inactive-users] tbody tr")
    expect(rows.first).to_contain_text("Henrietta Mueller")
    expect(rows.first).to_contain_text("never")
    web.screenshot("inactive-users")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-csv]")
    download = download_info.value
    assert download.suggested_filename.startswith("inactive-teams-fabrikam-industries-")
    saved = tmp_path / "inactive.csv"
    download.save_as(saved)
    exported = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert exported[0][:4] == ["User", "User principal name", "Concealed", "Last activity"]
    assert len(exported) == 9
    assert [row[0] for row in exported[1:3]] == ["Henrietta Mueller", "Nestor Wilke"]
    assert {row[3] for row in exported[1:3]} == {"never"}

    page.fill("#id_search", "gupta")
    with page.expect_navigation():
        page.click("[data-testid=apply-filters]")
    expect(page.locator("[data-testid=row-count]")).to_have_text("1 inactive user")

    # The portfolio heat-map shows the newest AU%.
    page = web.goto("/adoption/")
    row = page.locator("[data-testid=heatmap] tbody tr", has_text="Fabrikam Industries")
    expect(row.locator("td[data-workload=teams] a")).to_have_text("50.0%")
    expect(row.locator("td[data-workload=teams] a")).to_have_attribute("data-band", "second")
    expect(row.locator("td[data-workload=viva_engage] a")).to_have_attribute("data-band", "first")
    expect(row.locator("td[data-workload=intune] a")).to_have_attribute("data-band", "none")
    web.screenshot("heatmap")

    # An import job's own page: its outcome and the figures per workload.
    office = UsageImport.objects.get(file_name="Office365ActiveUserDetail_D30.csv")
    page = web.goto(f"/adoption/imports/{office.pk}/")
    expect(page.locator("[data-testid=import-status]")).to_have_text("Imported")
    expect(page.locator("[data-testid=import-facts]")).to_contain_text("2025-11-20")
    expect(page.locator("[data-testid=import-summary] tr[data-workload=teams]")).to_be_visible()
    web.screenshot("import-job")


@pytest.mark.browser
def test_concealed_names_are_shown_as_concealed(web, consultant) -> None:
    customer = CustomerFactory(name="Contoso Pharma")
    record = import_usage_file(
        acting_user=consultant,
        customer=customer,
        file_name="Office365ActiveUserDetail_D7_concealed.csv",
        content=(SAMPLES / "Office365ActiveUserDetail_D7_concealed.csv").read_bytes(),
        source=ImportSource.UPLOAD,
    )
    assert record.status == ImportStatus.DONE, record.message
    sign_in(web, consultant)
    page = web.goto(f"/adoption/customers/{customer.pk}/inactive/?workload=exchange")
    expect(page.locator("[data-testid=concealed-banner]")).to_contain_text(
        "User names are concealed in this tenant's reports"
    )
    first = page.locator("[data-testid=inactive-users] tbody tr").first
    expect(first.locator("[data-testid=concealed]")).to_have_text("concealed")
    expect(first.locator("td").first).to_contain_text(re.compile(r"[0-9A-F]{32}"))
    web.screenshot("concealed")
