"""Compliance in the browser: a status note goes stale, the program administrator runs the checks,
finds the finding, follows its "Fix" link to the engagement, adds a status note, runs the checks
again and sees the finding resolved."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.accounts.models import User
from frpdesk.compliance.models import Finding
from frpdesk.compliance.tests.conftest import moment
from frpdesk.compliance.tests.test_services import IMMEDIATE
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement, StatusNote
from frpdesk.engagements.services import add_status_note
from frpdesk.engagements.tests.factories import make_engagement


@pytest.mark.browser
def test_stale_status_note_found_fixed_and_resolved(
    web: Any, program_admin: User, partner_profile: Any, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE  # "Run checks now" runs the job at once, as a worker would
    today = timezone.localdate()
    customer = CustomerFactory(name="Tailspin Toys", owner=program_admin)
    CustomerContactFactory(customer=customer, name="Kim Akers", survey_eligible=True)
    engagement = make_engagement(
        owner=program_admin,
        customer=customer,
        workloads=("teams",),
        started_on=today - datetime.timedelta(days=40),
    )
    note = add_status_note(
        acting_user=program_admin,
        engagement=engagement,
        onboarding_scope="Teams meetings and calling",
        next_action="Review the pilot",
        next_action_on=today - datetime.timedelta(days=10),
        next_action_owner=program_admin,
    )
    written = today - datetime.timedelta(days=20)
    StatusNote.objects.filter(pk=note.pk).update(created_at=moment(written))

    web.login(program_admin)
    page = web.goto("/compliance/")
    with page.expect_navigation():
        page.get_by_test_id("run-checks").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done")
    expect(page.locator("[data-testid=rule-result][data-rule=status_note_fresh]")).to_contain_text(
        "1"
    )
    web.screenshot("first-run")

    page = web.goto("/compliance/?rule=status_note_fresh")
    row = page.locator("tr[data-rule=status_note_fresh]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(engagement.name)
    expect(row).to_contain_text(f"written on {written.isoformat()}, 20 days ago")
    with page.expect_navigation():
        row.get_by_test_id("fix").click()
    assert page.url.endswith(f"/engagements/{engagement.pk}/?tab=notes")
    expect(page.get_by_test_id("notes")).to_be_visible()  # the notes tab is shown
    web.screenshot("fix-link")

    page.get_by_test_id("add-note").click()
    page.wait_for_url("**/notes/new/")
    page.fill("#id_onboarding_scope", "Teams meetings and calling for 400 users")
    page.fill("#id_next_action", "Champions workshop")
    page.fill("#id_next_action_on", (today + datetime.timedelta(days=7)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=save]")
    expect(page.get_by_text("Status note added.")).to_be_visible()

    page = web.goto("/compliance/runs/")
    with page.expect_navigation():
        page.get_by_test_id("run-checks").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("run-resolved")).not_to_have_text("0")

    page = web.goto("/compliance/?rule=status_note_fresh")
    expect(page.locator("tr[data-rule=status_note_fresh]")).to_have_count(0)
    page = web.goto("/compliance/?rule=status_note_fresh&state=resolved")
    row = page.locator("tr[data-rule=status_note_fresh]")
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_test_id("finding-link").click()
    expect(page.get_by_test_id("finding-state")).to_have_text("Resolved")
    web.screenshot("resolved")

    finding = Finding.objects.get(rule="status_note_fresh")
    assert finding.resolved_by_run is not None
    assert Engagement.objects.get(pk=engagement.pk).status_notes.count() == 2
