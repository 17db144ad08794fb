"""The partner directory in the browser: adding partners, filtering, exporting, read-only roles."""

import csv
import io

import pytest
from playwright.sync_api import expect

from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tests.factories import DirectoryPartnerFactory

DIRECTORY = "/directory/"


def sign_in(web, user) -> None:
    web.login(user)
    # ``login`` waits for any URL ending in "/", which the login page matches too.
    web.page.wait_for_url(web.base_url + "/")


def listed_names(page) -> list[str]:
    return page.locator("main table tbody tr td:first-child").all_inner_texts()


@pytest.fixture
def directory_partners(reference_data: None) -> dict[str, DirectoryPartner]:
    """Four partners: two endorsed for Teams, two serving the US, one both."""
    return {
        partner.name: partner
        for partner in (
            DirectoryPartnerFactory(
                name="Alpha Advisory",
                countries=["US", "GB"],
                endorsed_workloads=["teams", "intune"],
            ),
            DirectoryPartnerFactory(
                name="Bravo Build", countries=["DE"], endorsed_workloads=["teams"]
            ),
            DirectoryPartnerFactory(
                name="Charlie Cloud", countries=["US"], endorsed_workloads=["exchange"]
            ),
            DirectoryPartnerFactory(
                name="Delta Digital", countries=["AU", "SE"], endorsed_workloads=["intune"]
            ),
        )
    }


@pytest.mark.browser
def test_add_a_directory_partner_through_the_form(web, program_admin) -> None:
    sign_in(web, program_admin)
    page = web.goto(DIRECTORY)
    expect(page.locator("[data-testid=row-count]")).to_have_text("0 directory partners")

    page.click("[data-testid=create]")
    expect(page).to_have_url(web.base_url + "/directory/new/")
    web.screenshot("form")
    page.fill("#id_name", "Fabrikam Modern Work")
    page.fill("#id_partner_id", "6123456")
    page.fill("#id_contact_name", "Casey Lee")
    page.fill("#id_contact_email", "casey@fabrikam.example")
    page.select_option("#id_countries", ["DE", "AT"])
    page.select_option("#id_languages", ["de", "en"])
    # Tick the boxes as a user would (no ``force``): each must be visible and not covered.
    page.get_by_label("Microsoft Teams", exact=True).check(timeout=5_000)
    page.get_by_label("Microsoft Intune", exact=True).check(timeout=5_000)
    web.screenshot("filled")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    web.screenshot("saved")

    expect(page).to_have_url(web.base_url + DIRECTORY)
    expect(page.locator("main")).to_contain_text("Partner added to the directory.")
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[:4] == ["Fabrikam Modern Work", "6123456", "Casey Lee", "casey@fabrikam.example"]
    for badge in ("Austria", "Germany", "Microsoft Teams", "Microsoft Intune"):
        expect(row).to_contain_text(badge)

    partner = DirectoryPartner.objects.get()
    assert sorted(country.code for country in partner.countries) == ["AT", "DE"]
    assert sorted(partner.languages) == ["de", "en"]
    assert sorted(partner.endorsed_workloads.values_list("code", flat=True)) == [
        "intune",
        "teams",
    ]

    row.get_by_role("link", name="Fabrikam Modern Work").click()
    expect(page.locator("main h1")).to_have_text("Fabrikam Modern Work")
    web.screenshot("detail")
    expect(page.locator("main")).to_contain_text("German")


@pytest.mark.browser
def test_filter_by_workload_and_country_and_export_the_filtered_rows(
    web, consultant, directory_partners
) -> None:
    sign_in(web, consultant)
    page = web.goto(DIRECTORY)
    assert listed_names(page) == ["Alpha Advisory", "Bravo Build", "Charlie Cloud", "Delta Digital"]
    filters = page.locator("[data-testid=filters]")

    filters.get_by_label("Endorsed for").select_option(label="Microsoft Teams")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("teams")
    assert listed_names(page) == ["Alpha Advisory", "Bravo Build"]
    expect(page.locator("[data-testid=row-count]")).to_have_text("2 directory partners")

    filters.get_by_label("Endorsed for").select_option("")
    filters.get_by_label("Serves country").select_option(label="United States of America")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("us")
    assert listed_names(page) == ["Alpha Advisory", "Charlie Cloud"]

    filters.get_by_label("Serves country").select_option(label="Sweden")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("sweden")
    assert listed_names(page) == ["Delta Digital"]

    filters.get_by_label("Endorsed for").select_option(label="Microsoft Teams")
    filters.get_by_label("Serves country").select_option(label="United States of America")
    with page.expect_navigation():
        filters.locator("[data-testid=apply-filters]").click()
    web.screenshot("teams-and-us")
    assert listed_names(page) == ["Alpha Advisory"]

    with page.expect_download() as download_info:
        page.click("[data-testid=export-csv]")
    download = download_info.value
    assert download.suggested_filename.startswith("partner-directory-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.reader(io.StringIO(exported.read())))
    assert rows[0][:2] == ["Name", "PartnerID (MPN ID)"]
    assert [row[0] for row in rows[1:]] == ["Alpha Advisory"]
    assert rows[1][1] == directory_partners["Alpha Advisory"].partner_id


@pytest.mark.browser
def test_executive_sees_the_directory_without_edit_buttons(
    web, executive, directory_partners
) -> None:
    partner = directory_partners["Alpha Advisory"]
    sign_in(web, executive)

    page = web.goto(DIRECTORY)
    assert listed_names(page) == ["Alpha Advisory", "Bravo Build", "Charlie Cloud", "Delta Digital"]
    expect(page.locator("[data-testid=create]")).to_have_count(0)
    expect(page.locator("main table [data-testid=edit]")).to_have_count(0)
    expect(page.locator("main table a[title=Delete]")).to_have_count(0)

    page.get_by_role("link", name="Alpha Advisory").click()
    expect(page.locator("main h1")).to_have_text("Alpha Advisory")
    web.screenshot("detail")
    expect(page.locator("main").get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name="Delete")).to_have_count(0)

    for path in (
        "/directory/new/",
        f"/directory/{partner.pk}/edit/",
        f"/directory/{partner.pk}/delete/",
    ):
        web.goto(path)
        expect(page.locator("[data-testid=forbidden]")).to_contain_text("You can't do that")
    assert DirectoryPartner.objects.count() == 4


@pytest.mark.browser
def test_the_row_count_reads_naturally_for_one_partner(web, consultant, directory_partners) -> None:
    sign_in(web, consultant)
    page = web.goto(DIRECTORY)
    expect(page.locator("[data-testid=row-count]")).to_have_text("4 directory partners")

    page.locator("[data-testid=filters]").get_by_label("Serves country").select_option(
        label="Germany"
    )
    with page.expect_navigation():
        page.click("[data-testid=apply-filters]")
    web.screenshot("one-partner")

    assert listed_names(page) == ["Bravo Build"]
    expect(page.locator("[data-testid=row-count]")).to_have_text("1 directory partner")
