"""The engagement pages: who may see and do what, and what the pages show."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import DeliveryPhase, Workload
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import EndorsementFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def engagement(consultant: User, partner_profile: object) -> Engagement:
    EndorsementFactory(profile=partner_profile, workload=Workload.objects.get(code="teams"))
    return make_engagement(
        owner=consultant,
        customer=CustomerFactory(name="Tailspin Toys"),
        workloads=["teams", "purview"],
        started_on=TODAY - datetime.timedelta(days=20),
    )


def pages(engagement: Engagement) -> list[str]:
    workload = engagement.workloads.first()
    assert workload is not None
    return [
        reverse("engagements:list"),
        reverse("engagements:pipeline"),
        reverse("engagements:my-work"),
        reverse("engagements:detail", args=[engagement.pk]),
        f"{reverse('engagements:list')}?export=csv",
    ]


@pytest.mark.parametrize("role", ["consultant", "program_admin", "sales", "executive", "auditor"])
def test_roles_read_every_page(
    request: pytest.FixtureRequest, client: Client, engagement: Engagement, role: str
) -> None:
    client.force_login(request.getfixturevalue(role))
    for url in pages(engagement):
        response = client.get(url)
        assert response.status_code == 200, url


def test_users_without_a_role_are_refused(
    client: Client, outsider: User, engagement: Engagement
) -> None:
    client.force_login(outsider)
    for url in pages(engagement):
        assert client.get(url).status_code == 403, url
    move = client.post(
        reverse("engagements:move", args=[engagement.pk]),
        {"phase": DeliveryPhase.objects.get(code="assess").pk},
    )
    assert move.status_code == 403


def test_the_engagement_page_shows_workloads_checklist_and_stale_flag(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    body = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert "Tailspin Toys FastTrack onboarding" in body
    assert 'data-testid="stale-alert"' in body
    assert 'data-workload="teams"' in body
    assert 'data-workload="purview"' in body
    assert 'data-testid="routing-needed"' in body  # purview is not endorsed
    assert body.count('data-testid="mark-done"') == 8  # teams only: purview awaits routing
    assert "Kickoff" in body


def test_view_only_roles_see_no_forms_or_drag_handles(
    client: Client, sales: User, engagement: Engagement
) -> None:
    client.force_login(sales)
    detail = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    for marker in ("add-note", "mark-done", "move-form", "edit-team", 'data-testid="route"'):
        assert marker not in detail
    pipeline = client.get(reverse("engagements:pipeline")).content.decode()
    assert "Tailspin Toys" in pipeline
    assert 'draggable="true"' not in pipeline
    assert "data-move-form" not in pipeline
    for url in (
        reverse("engagements:note-create", args=[engagement.pk]),
        reverse("engagements:create"),
        reverse("engagements:workload-route", args=[engagement.workloads.first().pk]),
    ):
        assert client.get(url).status_code == 403
    refused = client.post(
        reverse("engagements:move", args=[engagement.pk]),
        {"phase": DeliveryPhase.objects.get(code="assess").pk},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 403
    engagement.refresh_from_db()
    assert engagement.phase.code == "initiate"


def test_move_answers_scripts_in_json(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    response = client.post(
        reverse("engagements:move", args=[engagement.pk]),
        {"phase": DeliveryPhase.objects.get(code="remediate").pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["phase"] == "remediate"
    assert engagement.timeline.filter(kind=EventKind.PHASE_CHANGED).exists()
    bad = client.post(
        reverse("engagements:move", args=[engagement.pk]), {}, HTTP_ACCEPT="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["detail"]


def test_checklist_done_is_refused_with_the_reason_until_routed(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    purview = engagement.workloads.get(workload__code="purview")
    item = purview.checklist.first()
    response = client.post(reverse("engagements:checklist-done", args=[item.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot progress yet" in response.content.decode()
    item.refresh_from_db()
    assert item.done_on is None


def test_routing_form_records_an_rfa_and_the_note_downloads(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    purview = engagement.workloads.get(workload__code="purview")
    form = client.get(reverse("engagements:workload-route", args=[purview.pk]))
    assert "No partner in the directory" in form.content.decode()
    missing = client.post(
        reverse("engagements:workload-route", args=[purview.pk]), {"routing": Routing.DELIVER}
    )
    assert missing.status_code == 200
    assert "Say why we deliver" in missing.content.decode()

    done = client.post(
        reverse("engagements:workload-route", args=[purview.pk]), {"routing": Routing.RFA}
    )
    assert done.status_code == 302
    download = client.get(reverse("engagements:routing-note", args=[purview.pk]))
    assert download["Content-Disposition"].endswith('-rfa-advice.txt"')
    assert "Request for Assistance" in download.content.decode()


def test_open_an_engagement_from_the_form(client: Client, consultant: User) -> None:
    customer = CustomerFactory(name="Litware")
    client.force_login(consultant)
    response = client.post(
        reverse("engagements:create"),
        {
            "customer": customer.pk,
            "origin": "own_lead",
            "workloads": ["teams", "exchange"],
            "owner": consultant.pk,
            "started_on": TODAY.isoformat(),
        },
    )
    engagement = Engagement.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("engagements:detail", args=[engagement.pk])
    assert engagement.workloads.count() == 2
    assert {item.source for item in engagement.workloads.all()} == {"claimed"}


def test_list_filters_stale_engagements(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    fresh = make_engagement(owner=consultant, customer=CustomerFactory(name="Fresh Co"))
    client.force_login(consultant)
    stale_only = client.get(reverse("engagements:list"), {"stale": "true"}).content.decode()
    assert f'data-engagement="{engagement.pk}"' in stale_only
    assert f'data-engagement="{fresh.pk}"' not in stale_only
    not_stale = client.get(reverse("engagements:list"), {"stale": "false"}).content.decode()
    assert f'data-engagement="{fresh.pk}"' in not_stale
    assert f'data-engagement="{engagement.pk}"' not in not_stale


def test_the_customer_page_lists_its_engagements(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    url = reverse("customers:detail", args=[engagement.customer_id])
    body = client.get(url).content.decode()
    assert 'data-testid="customer-engagements"' in body
    assert reverse("engagements:detail", args=[engagement.pk]) in body
    assert "Stale" in body
