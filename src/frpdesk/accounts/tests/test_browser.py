"""Signing in and out in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from frpdesk.conftest import PASSWORD

LOGIN = "/accounts/login/"


def fill_login(web, username: str, password: str) -> None:
    web.page.fill("#id_username", username)
    web.page.fill("#id_password", password)
    web.page.click("[data-testid=sign-in]")


@pytest.mark.browser
def test_wrong_password_shows_an_error_and_stays_on_the_login_page(web, program_admin) -> None:
    page = web.goto(LOGIN)

    fill_login(web, program_admin.username, "not-the-password")

    errors = page.locator("[data-testid=form-errors]")
    expect(errors).to_contain_text("Please enter a correct username and password")
    web.screenshot("wrong-password")
    assert page.url == web.base_url + LOGIN
    expect(page.locator("[data-testid=login-form]")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value(program_admin.username)
    expect(page.locator("#id_password")).to_have_value("")

    # Still signed out: the home page sends us back to the login page.
    web.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN) + r"\?next=/$"))


@pytest.mark.browser
def test_sign_in_shows_the_organisation_and_spoc_then_sign_out(
    web, program_admin, partner_profile
) -> None:
    page = web.goto(LOGIN)

    fill_login(web, program_admin.username, PASSWORD)

    expect(page).to_have_url(web.base_url + "/")
    web.screenshot("home")
    expect(page.locator("main h1")).to_have_text("Contoso Consulting")
    expect(page.locator("[data-testid=home-spoc]")).to_have_text("Avery Morgan")
    expect(page.locator("[data-testid=user-menu]")).to_contain_text("Avery Morgan")

    page.click("[data-testid=user-menu]")
    expect(page.locator("[data-testid=logout]")).to_be_visible()
    web.screenshot("user-menu")
    page.click("[data-testid=logout]")

    expect(page).to_have_url(web.base_url + LOGIN)
    expect(page.locator("[data-testid=login-form]")).to_be_visible()
    web.screenshot("signed-out")

    # The session really ended: a page now asks to sign in again.
    web.goto("/partner/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN) + r"\?next=/partner/$"))
    expect(page.locator("[data-testid=login-form]")).to_be_visible()


@pytest.mark.browser
def test_a_page_visited_signed_out_redirects_to_login_and_back(
    web, consultant, partner_profile
) -> None:
    page = web.goto("/directory/?country=US")

    expect(page).to_have_url(re.compile(re.escape(LOGIN) + r"\?next=/directory/%3Fcountry%3DUS$"))
    expect(page.locator("[data-testid=login-form]")).to_be_visible()
    expect(page.locator("input[name=next]")).to_have_value("/directory/?country=US")

    fill_login(web, consultant.username, PASSWORD)

    expect(page).to_have_url(web.base_url + "/directory/?country=US")
    web.screenshot("back-after-sign-in")
    expect(page.locator("main h1")).to_have_text("Partner directory")
    expect(page.locator("#id_country")).to_have_value("US")


@pytest.mark.browser
def test_a_team_sees_only_its_customers(web, program_admin, make_user) -> None:
    """The administrator forms a team and gives it a customer; its consultant then finds that
    customer and no other, and another customer's address answers "not found"."""
    from frpdesk.accounts import roles
    from frpdesk.customers.tests.factories import CustomerFactory

    jordan = make_user(roles.DELIVERY_CONSULTANT, username="jordan", first_name="Jordan")
    jordan.teams.clear()
    university = CustomerFactory(name="Litware University", team=None)
    bank = CustomerFactory(name="Woodgrove Bank")

    web.login(program_admin)
    page = web.goto("/accounts/teams/")
    page.click("[data-testid=create]")
    page.fill("#id_name", "Education")
    page.get_by_label("jordan").check()
    web.screenshot("new-team")
    page.click("[data-testid=save]")
    expect(page.locator("main table")).to_contain_text("Education")

    web.goto(f"/customers/{university.pk}/edit/")
    page.select_option("#id_team", label="Education")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=team]")).to_have_text("Education")

    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    web.login(jordan)
    page = web.goto("/customers/")
    expect(page.locator("[data-testid=row-count]")).to_have_text("1 customer")
    expect(page.locator("main table")).to_contain_text("Litware University")
    expect(page.locator("main table")).not_to_contain_text("Woodgrove Bank")
    web.screenshot("team-customers")
    page = web.goto(f"/customers/{bank.pk}/")
    expect(page.locator("main")).to_contain_text("not found", ignore_case=True)
