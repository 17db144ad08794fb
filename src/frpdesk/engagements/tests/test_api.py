"""The engagements API: reads with the pages' filters, writes through the services."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.catalog.models import DeliveryStatus, Workload
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import EndorsementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(consultant: User, partner_profile: object) -> Engagement:
    EndorsementFactory(profile=partner_profile, workload=Workload.objects.get(code="teams"))
    return make_engagement(
        owner=consultant,
        customer=CustomerFactory(name="Graphic Design", country="US"),
        workloads=["teams", "purview"],
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_open_an_engagement_and_filter_the_list(consultant: User, engagement: Engagement) -> None:
    client = api_as(consultant)
    customer = CustomerFactory(name="Second")
    created = client.post(
        "/api/engagements/",
        {
            "customer": customer.pk,
            "origin": "existing_claim",
            "workloads": ["exchange"],
            "owner": consultant.username,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["phase"] == "initiate"
    assert created.json()["engagement_workloads"][0]["source"] == "claimed"

    stale = client.get("/api/engagements/", {"stale": "true"}).json()
    assert [row["id"] for row in stale["results"]] == [engagement.pk]
    assert stale["results"][0]["stale"] is True
    by_workload = client.get("/api/engagements/", {"workload": "exchange"}).json()
    assert [row["id"] for row in by_workload["results"]] == [created.json()["id"]]


def test_move_and_notes_actions(consultant: User, engagement: Engagement) -> None:
    client = api_as(consultant)
    moved = client.post(f"/api/engagements/{engagement.pk}/move/", {"phase": "assess"})
    assert moved.status_code == 200
    assert moved.json()["phase"] == "assess"
    unknown = client.post(f"/api/engagements/{engagement.pk}/move/", {"phase": "nowhere"})
    assert unknown.status_code == 400
    assert "phase" in unknown.json()["errors"]

    note = client.post(
        f"/api/engagements/{engagement.pk}/notes/",
        {
            "onboarding_scope": "Teams",
            "next_action": "Workshop",
            "next_action_on": timezone.localdate().isoformat(),
            "next_action_owner": consultant.username,
        },
        format="json",
    )
    assert note.status_code == 201, note.content
    notes = client.get(f"/api/engagements/{engagement.pk}/notes/").json()
    assert [row["next_action"] for row in notes] == ["Workshop"]
    assert client.get(f"/api/engagements/{engagement.pk}/").json()["stale"] is False
    kinds = set(engagement.timeline.values_list("kind", flat=True))
    assert {EventKind.PHASE_CHANGED, EventKind.NOTE_ADDED} <= kinds


def test_notes_action_is_documented_as_it_answers() -> None:
    """Found by the API fuzz test: POST answered 201, the schema said 200 with the input."""
    from drf_spectacular.generators import SchemaGenerator

    notes = SchemaGenerator().get_schema(request=None, public=True)["paths"][
        "/api/engagements/{id}/notes/"
    ]
    assert list(notes["post"]["responses"]) == ["201"]
    created = notes["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/StatusNote"}
    listed = notes["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed == {"type": "array", "items": {"$ref": "#/components/schemas/StatusNote"}}


@pytest.mark.parametrize(
    "path", ["checklist-items", "engagement-workloads", "status-notes", "timeline-events"]
)
@pytest.mark.parametrize("engagement", ["9223372036854775808", "1.5"])
def test_an_engagement_id_out_of_range_is_a_400(
    consultant: User, path: str, engagement: str
) -> None:
    """Found by the API fuzz test: a Decimal beyond 64 bits reached SQLite (OverflowError, 500)."""
    response = api_as(consultant).get(f"/api/{path}/", {"engagement": engagement})
    assert response.status_code == 400
    assert "engagement" in response.json()["errors"]


def test_status_update_needs_routing_then_route_hands_off(
    consultant: User, engagement: Engagement
) -> None:
    client = api_as(consultant)
    purview = engagement.workloads.get(workload__code="purview")
    status = DeliveryStatus.objects.filter(level1="In Progress").first()
    refused = client.patch(
        f"/api/engagement-workloads/{purview.pk}/", {"status": status.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "not endorsed" in refused.json()["detail"]

    partner = DirectoryPartnerFactory(countries=["US"], endorsed_workloads=["purview"])
    routed = client.post(
        f"/api/engagement-workloads/{purview.pk}/route/",
        {"routing": Routing.HAND_OFF, "handoff_partner": partner.pk},
        format="json",
    )
    assert routed.status_code == 200, routed.content
    assert routed.json()["routing_needed"] is False
    assert "Hand-off of Purview" in routed.json()["routing_note"]

    updated = client.patch(
        f"/api/engagement-workloads/{purview.pk}/", {"status": status.pk}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["status"] == status.pk


def test_checklist_done_and_read_only_timeline(consultant: User, engagement: Engagement) -> None:
    client = api_as(consultant)
    item = engagement.workloads.get(workload__code="teams").checklist.first()
    done = client.post(f"/api/checklist-items/{item.pk}/done/", {}, format="json")
    assert done.status_code == 200
    # The day it was done, read after the request: a run crossing midnight must not fail.
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    again = client.post(f"/api/checklist-items/{item.pk}/done/", {}, format="json")
    assert again.status_code == 400

    events = client.get("/api/timeline-events/", {"engagement": engagement.pk}).json()
    assert EventKind.CHECKLIST_DONE in [row["kind"] for row in events["results"]]
    assert client.post("/api/timeline-events/", {}, format="json").status_code == 405
    assert client.delete(f"/api/engagements/{engagement.pk}/").status_code == 405


def test_read_only_roles_cannot_write(sales: User, engagement: Engagement) -> None:
    client = api_as(sales)
    assert client.get("/api/engagements/").status_code == 200
    refused = client.post(f"/api/engagements/{engagement.pk}/move/", {"phase": "assess"})
    assert refused.status_code == 403
    engagement.refresh_from_db()
    assert engagement.phase.code == "initiate"


def test_users_without_a_role_see_nothing(outsider: User, engagement: Engagement) -> None:
    assert api_as(outsider).get("/api/engagements/").status_code == 403
