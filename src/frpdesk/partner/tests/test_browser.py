"""The partner profile, its contacts (SPOC) and endorsements, driven through the browser."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.partner.models import Endorsement, PartnerProfile, ProgramContact
from frpdesk.partner.tests.factories import EndorsementFactory

PROFILE = "/partner/"


def sign_in(web, user) -> None:
    web.login(user)
    # ``login`` waits for any URL ending in "/", which the login page matches too.
    web.page.wait_for_url(web.base_url + "/")


def open_profile(web):
    page = web.goto(PROFILE)
    expect(page.locator("main h1")).to_have_text("Contoso Consulting")
    return page


def submit(web, label: str):
    """Click the form's save button and screenshot the page the server answers with."""
    page = web.page
    with page.expect_navigation():
        page.click("[data-testid=save]")
    web.screenshot(label)
    return page


# --- organisation details ------------------------------------------------------------------


@pytest.mark.browser
def test_edit_organisation_name_and_partner_id(web, program_admin, partner_profile) -> None:
    sign_in(web, program_admin)
    page = open_profile(web)

    page.click("[data-testid=edit-profile]")
    expect(page).to_have_url(web.base_url + "/partner/edit/")
    web.screenshot("edit-form")
    expect(page.locator("#id_organisation_name")).to_have_value("Contoso Consulting")
    page.fill("#id_organisation_name", "Contoso Cloud Services")
    page.fill("#id_partner_id", "5550123")
    submit(web, "saved")

    expect(page).to_have_url(web.base_url + PROFILE)
    expect(page.locator("main")).to_contain_text("Partner profile saved.")
    expect(page.locator("[data-testid=organisation-name]")).to_have_text("Contoso Cloud Services")
    expect(page.locator("[data-testid=partner-id]")).to_have_text("5550123")
    expect(page.locator("main h1")).to_have_text("Contoso Cloud Services")
    profile = PartnerProfile.objects.get()
    assert (profile.organisation_name, profile.partner_id) == ("Contoso Cloud Services", "5550123")


@pytest.mark.browser
def test_letters_in_partner_id_show_a_field_error_and_save_nothing(
    web, program_admin, partner_profile
) -> None:
    sign_in(web, program_admin)
    page = open_profile(web)
    page.click("[data-testid=edit-profile]")
    expect(page).to_have_url(web.base_url + "/partner/edit/")
    web.screenshot("edit-form")

    page.fill("#id_organisation_name", "Renamed Ltd")
    page.fill("#id_partner_id", "ABC123")
    submit(web, "refused")

    expect(page).to_have_url(web.base_url + "/partner/edit/")
    expect(page.locator("#id_partner_id_error")).to_have_text(
        "A PartnerID is 4 to 12 digits, as Partner Center shows it."
    )
    expect(page.locator("#id_partner_id")).to_have_class("form-control is-invalid")
    expect(page.locator("#id_organisation_name_error")).to_have_count(0)
    profile = PartnerProfile.objects.get()
    assert (profile.organisation_name, profile.partner_id) == ("Contoso Consulting", "4871234")

    open_profile(web)
    expect(page.locator("[data-testid=partner-id]")).to_have_text("4871234")


# --- single point of contact ---------------------------------------------------------------


def open_contacts(web):
    page = open_profile(web)
    page.click("[data-testid=edit-contacts]")
    expect(page).to_have_url(web.base_url + "/partner/contacts/")
    web.screenshot("contacts")
    return page


@pytest.mark.browser
def test_two_spocs_are_refused_then_moving_the_spoc_saves(
    web, program_admin, partner_profile
) -> None:
    sign_in(web, program_admin)
    page = open_contacts(web)
    rows = page.locator("[data-testid=contact-row]")
    expect(rows).to_have_count(2)  # Avery Morgan and an empty row for a new contact
    expect(page.locator("[name=contacts-0-name]")).to_have_value("Avery Morgan")
    expect(page.locator("[name=contacts-0-is_spoc]")).to_be_checked()

    page.fill("[name=contacts-1-name]", "Blake Rivera")
    page.fill("[name=contacts-1-email]", "blake@contoso.example")
    page.fill("[name=contacts-1-title]", "Practice lead")
    page.check("[name=contacts-1-is_spoc]")
    submit(web, "two-spocs")

    errors = page.locator("[data-testid=formset-errors]")
    expect(errors).to_contain_text(
        "Exactly one single point of contact for program administration is allowed; "
        "2 are marked (Avery Morgan, Blake Rivera). Keep only one."
    )
    expect(page).to_have_url(web.base_url + "/partner/contacts/")
    assert list(ProgramContact.objects.values_list("name", "is_spoc")) == [("Avery Morgan", True)]

    # The refused form keeps what was typed: untick the old SPOC and save again.
    expect(page.locator("[name=contacts-1-name]")).to_have_value("Blake Rivera")
    page.uncheck("[name=contacts-0-is_spoc]")
    submit(web, "spoc-moved")

    expect(page).to_have_url(web.base_url + PROFILE)
    expect(page.locator("main")).to_contain_text("Program contacts saved.")
    expect(page.locator("[data-testid=spoc-name]")).to_have_text("Blake Rivera")
    assert sorted(ProgramContact.objects.values_list("name", "is_spoc")) == [
        ("Avery Morgan", False),
        ("Blake Rivera", True),
    ]


@pytest.mark.browser
def test_unticking_every_spoc_is_refused(web, program_admin, partner_profile) -> None:
    sign_in(web, program_admin)
    page = open_contacts(web)

    page.uncheck("[name=contacts-0-is_spoc]")
    submit(web, "no-spoc")

    expect(page.locator("[data-testid=formset-errors]")).to_contain_text(
        "Exactly one single point of contact for program administration is required; "
        "none is marked."
    )
    assert list(ProgramContact.objects.values_list("name", "is_spoc")) == [("Avery Morgan", True)]
    open_profile(web)
    expect(page.locator("[data-testid=spoc-name]")).to_have_text("Avery Morgan")


# --- endorsements --------------------------------------------------------------------------


def add_endorsement(
    web, workload: str, valid_from: datetime.date, valid_to: datetime.date | None, label: str
):
    page = open_profile(web)
    page.click("[data-testid=add-endorsement]")
    expect(page).to_have_url(web.base_url + "/partner/endorsements/new/")
    page.select_option("#id_workload", label=workload)
    page.fill("#id_valid_from", valid_from.isoformat())
    page.fill("#id_valid_to", valid_to.isoformat() if valid_to else "")
    web.screenshot(f"{label}-form")
    return submit(web, label)


def endorsement_rows(page) -> list[list[str]]:
    rows = page.locator("[data-testid=endorsements] tbody tr")
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()[:4]] for row in rows.all()
    ]


@pytest.mark.browser
def test_added_endorsements_show_their_status(web, program_admin, partner_profile) -> None:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    sign_in(web, program_admin)

    add_endorsement(web, "Microsoft Teams", today - 30 * day, today + 30 * day, "active")
    add_endorsement(web, "Exchange Online", today + 10 * day, None, "upcoming")
    page = add_endorsement(web, "Microsoft Intune", today - 400 * day, today - 1 * day, "expired")

    expect(page).to_have_url(web.base_url + PROFILE)
    expect(page.locator("main")).to_contain_text("Endorsement added.")
    expect(page.locator("[data-testid=endorsements]")).to_contain_text("1 active")
    assert endorsement_rows(page) == [
        ["Exchange Online", (today + 10 * day).isoformat(), "open-ended", "Upcoming"],
        [
            "Microsoft Teams",
            (today - 30 * day).isoformat(),
            (today + 30 * day).isoformat(),
            "Active",
        ],
        [
            "Microsoft Intune",
            (today - 400 * day).isoformat(),
            (today - day).isoformat(),
            "Expired",
        ],
    ]
    assert Endorsement.objects.count() == 3


@pytest.mark.browser
def test_an_overlapping_endorsement_is_refused(web, program_admin, partner_profile) -> None:
    EndorsementFactory(
        profile=partner_profile,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    sign_in(web, program_admin)

    page = add_endorsement(
        web, "Microsoft Teams", datetime.date(2024, 6, 1), datetime.date(2025, 5, 31), "overlap"
    )

    expect(page).to_have_url(web.base_url + "/partner/endorsements/new/")
    expect(page.locator("#id_valid_from_error")).to_have_text(
        "Overlaps the existing Microsoft Teams endorsement (2024-01-01 to 2024-12-31)."
    )
    assert Endorsement.objects.count() == 1

    # The same dates for another workload are fine.
    page.select_option("#id_workload", label="Exchange Online")
    submit(web, "other-workload")
    expect(page).to_have_url(web.base_url + PROFILE)
    assert sorted(Endorsement.objects.values_list("workload__code", flat=True)) == [
        "exchange",
        "teams",
    ]


@pytest.mark.browser
def test_an_endorsement_ending_before_it_starts_is_refused(
    web, program_admin, partner_profile
) -> None:
    sign_in(web, program_admin)

    page = add_endorsement(
        web, "Microsoft Teams", datetime.date(2025, 6, 1), datetime.date(2025, 5, 1), "reversed"
    )

    expect(page).to_have_url(web.base_url + "/partner/endorsements/new/")
    assert not Endorsement.objects.exists()
    errors = page.locator("[data-testid=form-errors], .invalid-feedback")
    expect(errors.first).to_be_visible()
    message = " ".join(errors.all_inner_texts())
    # The user must learn what is wrong with the dates, not the name of a database constraint.
    assert "endorsement_ends_after_start" not in message
    assert re.search(r"valid to|valid from|end date|start date", message, re.IGNORECASE), message


# --- read-only roles -----------------------------------------------------------------------


@pytest.mark.browser
def test_executive_sees_the_profile_without_edit_buttons(web, executive, partner_profile) -> None:
    endorsement = EndorsementFactory(profile=partner_profile)
    sign_in(web, executive)

    page = open_profile(web)
    expect(page.locator("[data-testid=organisation-name]")).to_have_text("Contoso Consulting")
    expect(page.locator("[data-testid=spoc-name]")).to_have_text("Avery Morgan")
    expect(page.locator("[data-testid=endorsements]")).to_contain_text("Microsoft Teams")
    for testid in (
        "edit-profile",
        "edit-contacts",
        "add-endorsement",
        "add-membership",
        "edit-referral-profile",
        "edit",
    ):
        expect(page.locator(f"[data-testid={testid}]")).to_have_count(0)

    for path in (
        "/partner/edit/",
        "/partner/contacts/",
        "/partner/endorsements/new/",
        f"/partner/endorsements/{endorsement.pk}/",
        f"/partner/endorsements/{endorsement.pk}/delete/",
    ):
        web.goto(path)
        expect(page.locator("[data-testid=forbidden]")).to_contain_text("You can't do that")
    assert Endorsement.objects.count() == 1
