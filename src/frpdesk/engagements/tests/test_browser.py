"""The engagements area in the browser: open an engagement, route a workload we are not
endorsed for to another FRP, add a status note, move the engagement on the pipeline, and
read "my work"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frpdesk.catalog.models import DeliveryPhase, Workload
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.engagements.services import add_status_note
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import EndorsementFactory, PartnerProfileFactory

TODAY = timezone.localdate()


def sign_in(web, user) -> None:
    web.login(user)
    web.page.wait_for_url(web.base_url + "/")


def endorse_teams() -> None:
    EndorsementFactory(profile=PartnerProfileFactory(), workload=Workload.objects.get(code="teams"))


@pytest.mark.browser
def test_open_route_to_another_frp_and_add_a_status_note(web, consultant) -> None:
    endorse_teams()
    customer = CustomerFactory(name="Alpine Ski House", country="AT")
    CustomerContactFactory(customer=customer, name="Rita Gruber", email="rita@alpine.example")
    DirectoryPartnerFactory(
        name="Tailspin Modern Work", countries=["DE", "AT"], endorsed_workloads=["viva_engage"]
    )
    DirectoryPartnerFactory(
        name="Far Away Partner", countries=["JP"], endorsed_workloads=["viva_engage"]
    )
    sign_in(web, consultant)
    page = web.page

    web.goto("/engagements/new/")
    page.select_option("#id_customer", label="Alpine Ski House")
    page.check("input[name=workloads][value=teams]")
    page.check("input[name=workloads][value=viva_engage]")
    page.fill("#id_started_on", (TODAY - datetime.timedelta(days=20)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=save]")
    web.screenshot("opened")

    expect(page.get_by_test_id("engagement-name")).to_have_text(
        "Alpine Ski House FastTrack onboarding"
    )
    expect(page.get_by_test_id("stale-alert")).to_be_visible()
    workloads = page.locator("[data-testid=workload]")
    expect(workloads).to_have_count(2)
    teams = page.locator("[data-workload=teams]")
    expect(teams.locator("[data-testid=checklist] tbody tr")).to_have_count(8)
    expect(teams.locator("[data-testid=checklist]")).to_contain_text("Kickoff")
    viva = page.locator("[data-workload=viva_engage]")
    expect(viva.get_by_test_id("routing-needed")).to_be_visible()
    expect(viva.get_by_test_id("mark-done")).to_have_count(0)

    viva.get_by_test_id("route").click()
    page.wait_for_url("**/route/")
    options = page.locator("#id_handoff_partner option")
    expect(options).to_have_text(["— Choose an FRP —", "Tailspin Modern Work"])
    page.check("input[name=routing][value=hand_off]")
    page.select_option("#id_handoff_partner", label="Tailspin Modern Work")
    page.fill("#id_justification", "The customer wants a Viva specialist in Austria.")
    web.screenshot("routing")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    web.screenshot("handed-off")

    viva = page.locator("[data-workload=viva_engage]")
    expect(viva.get_by_test_id("routing-state")).to_contain_text("Tailspin Modern Work")
    note = viva.get_by_test_id("routing-note")
    expect(note).to_contain_text("Hand-off of Viva Engage (Yammer) for Alpine Ski House")
    expect(note).to_contain_text("Rita Gruber")
    expect(note).to_contain_text("The customer wants a Viva specialist in Austria.")
    with page.expect_download() as download:
        viva.get_by_test_id("download-note").click()
    assert download.value.suggested_filename.endswith("hand-off.txt")
    page.get_by_test_id("tab-timeline").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Viva Engage (Yammer) handed off to Tailspin Modern Work"
    )

    page.get_by_test_id("add-note").click()
    page.wait_for_url("**/notes/new/")
    page.fill("#id_onboarding_scope", "Teams and Viva Engage for 900 users")
    page.fill("#id_risks", "Change freeze in December")
    page.fill("#id_next_action", "Kickoff with the sponsor")
    page.fill("#id_next_action_on", (TODAY + datetime.timedelta(days=3)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=save]")
    web.screenshot("note-added")
    expect(page.get_by_text("Status note added.")).to_be_visible()
    expect(page.get_by_test_id("stale-alert")).to_have_count(0)
    expect(page.get_by_test_id("stale-flag")).to_have_count(0)
    expect(page.get_by_test_id("latest-note")).to_contain_text("Kickoff with the sponsor")

    engagement = Engagement.objects.get(customer=customer)
    viva_workload = engagement.workloads.get(workload__code="viva_engage")
    assert viva_workload.routing == Routing.HAND_OFF
    assert engagement.timeline.filter(kind=EventKind.NOTE_ADDED).exists()


@pytest.mark.browser
def test_drag_an_engagement_to_another_phase_on_the_pipeline(web, consultant) -> None:
    engagement = make_engagement(owner=consultant, customer=CustomerFactory(name="Coho Winery"))
    sign_in(web, consultant)
    page = web.page
    web.goto("/engagements/pipeline/")
    card = page.get_by_test_id(f"card-{engagement.pk}")
    expect(
        page.get_by_test_id("column-initiate").get_by_test_id(f"card-{engagement.pk}")
    ).to_be_visible()

    with page.expect_response(lambda response: "/move/" in response.url) as moved:
        card.drag_to(page.get_by_test_id("column-assess").locator("[data-drop-zone]"))
    assert moved.value.status == 200
    expect(
        page.get_by_test_id("column-assess").get_by_test_id(f"card-{engagement.pk}")
    ).to_be_visible()
    web.screenshot("dropped")

    page.reload()
    web.screenshot("reloaded")
    expect(
        page.get_by_test_id("column-assess").get_by_test_id(f"card-{engagement.pk}")
    ).to_be_visible()
    expect(
        page.get_by_test_id("column-initiate").get_by_test_id(f"card-{engagement.pk}")
    ).to_have_count(0)
    engagement.refresh_from_db()
    assert engagement.phase == DeliveryPhase.objects.get(code="assess")
    assert engagement.timeline.filter(kind=EventKind.PHASE_CHANGED).count() == 1


@pytest.mark.browser
def test_read_only_users_cannot_drag_on_the_pipeline(web, sales, consultant) -> None:
    engagement = make_engagement(owner=consultant, customer=CustomerFactory(name="Trey Research"))
    sign_in(web, sales)
    web.goto("/engagements/pipeline/")
    card = web.page.get_by_test_id(f"card-{engagement.pk}")
    expect(card).to_be_visible()
    expect(card).not_to_have_attribute("draggable", "true")
    expect(card.get_by_test_id("drag-handle")).to_have_count(0)


@pytest.mark.browser
def test_my_work_shows_the_overdue_item_first(web, consultant) -> None:
    endorse_teams()
    late = make_engagement(
        owner=consultant,
        customer=CustomerFactory(name="Late Customer"),
        started_on=TODAY - datetime.timedelta(days=10),
    )
    make_engagement(owner=consultant, customer=CustomerFactory(name="New Customer"))
    add_status_note(
        acting_user=consultant,
        engagement=late,
        onboarding_scope="Teams",
        next_action="Chase the assessment",
        next_action_on=TODAY - datetime.timedelta(days=1),
        next_action_owner=consultant,
    )
    sign_in(web, consultant)
    page = web.page
    web.goto("/engagements/my-work/")

    first = page.get_by_test_id("checklist-item").first
    expect(first).to_have_attribute("data-overdue", "")
    expect(first).to_contain_text("Kickoff")
    expect(first).to_contain_text("Late Customer")
    expect(first).to_contain_text("Overdue")
    expect(page.locator("[data-testid=checklist-item][data-overdue]")).to_have_count(1)
    action = page.get_by_test_id("next-action")
    expect(action).to_have_count(1)
    expect(action).to_contain_text("Chase the assessment")
    expect(action).to_contain_text("Overdue")
    first.get_by_role("link").click()
    page.wait_for_url(f"**/engagements/{late.pk}/#workload-teams")
    expect(page.get_by_test_id("engagement-name")).to_have_text(str(late))
