"""The referrals API: the list page's filters, entry with computed clocks, and the decisions."""

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.referrals import services
from frpdesk.referrals.models import Acceptance, Referral
from frpdesk.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

REFERRALS = "/api/referrals/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["referral_id"] for item in response.json()["results"]]


def test_create_computes_the_clocks_and_reads_back(consultant: Any) -> None:
    response = client_for(consultant).post(
        REFERRALS,
        {
            "referral_id": "FT-API-1",
            "kind": "benefit",
            "tenant_name": "Litware",
            "tenant_id": "{72F988BF-86F1-41AF-91AB-2D7CD011DB47}",
            "workloads": ["exchange", "teams"],
            "assigned_on": "2026-03-06",
            "acceptance": "accepted",  # read-only: decisions go through the actions
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tenant_id"] == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    assert body["first_response_due"] == "2026-03-10"
    assert body["acceptance_due"] == "2026-03-13"
    assert body["acceptance"] == "pending"
    assert sorted(body["workloads"]) == ["exchange", "teams"]
    assert body["engagement"] is None
    assert body["overdue"] is (timezone.localdate() > datetime.date(2026, 3, 10))


def test_bad_input_names_the_field(consultant: Any) -> None:
    response = client_for(consultant).post(
        REFERRALS,
        {
            "referral_id": "X",
            "kind": "benefit",
            "tenant_name": "T",
            "assigned_on": "2026-03-06",
            "workloads": ["skype"],
            "tenant_id": "nope",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"workloads", "tenant_id"}
    assert not Referral.objects.exists()


def test_filters_are_the_list_pages(executive: Any) -> None:
    customer_referral = ReferralFactory(referral_id="FT-A", assigned_on=days_ago(6))
    ReferralFactory(referral_id="FT-B", workloads=["teams"], assigned_on=timezone.localdate())
    client = client_for(executive)
    assert ids(client.get(REFERRALS, {"overdue": "true"})) == ["FT-A"]
    assert ids(client.get(REFERRALS, {"overdue": "false"})) == ["FT-B"]
    assert ids(client.get(REFERRALS, {"workload": "teams"})) == ["FT-B"]
    assert ids(client.get(REFERRALS, {"acceptance": "pending", "kind": "benefit"})) == [
        "FT-A",
        "FT-B",
    ]
    assert ids(client.get(REFERRALS, {"has_customer": "false"})) == ["FT-A", "FT-B"]
    customer = CustomerFactory(tenant_id=customer_referral.tenant_id)
    services.save_referral(acting_user=None, referral=customer_referral)
    assert ids(client.get(REFERRALS, {"customer": customer.pk})) == ["FT-A"]
    assert ids(client.get(REFERRALS, {"has_customer": "true"})) == ["FT-A"]


def test_readers_cannot_write_or_decide(executive: Any) -> None:
    referral = ReferralFactory()
    client = client_for(executive)
    assert client.patch(f"{REFERRALS}{referral.pk}/", {"tenant_name": "x"}).status_code == 403
    for action, body in (("accept", {}), ("decline", {"reason": "x"}), ("respond", {})):
        assert client.post(f"{REFERRALS}{referral.pk}/{action}/", body).status_code == 403
    assert client.post(f"{REFERRALS}{referral.pk}/notes/", {"text": "x"}).status_code == 403
    assert client.get(f"{REFERRALS}{referral.pk}/notes/").status_code == 200
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.PENDING


def test_referrals_are_not_deleted(program_admin: Any) -> None:
    referral = ReferralFactory()
    assert client_for(program_admin).delete(f"{REFERRALS}{referral.pk}/").status_code == 405
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_accept_opens_the_engagement_and_refuses_a_second_time(consultant: Any) -> None:
    tenant = uuid.uuid4()
    referral = ReferralFactory(referral_id="FT-ACC", tenant_id=tenant, workloads=["exchange"])
    client = client_for(consultant)
    response = client.post(f"{REFERRALS}{referral.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    engagement = Engagement.objects.get(referral=referral)
    assert response.json()["engagement"] == engagement.pk
    assert response.json()["acceptance"] == "accepted"
    assert Customer.objects.filter(tenant_id=tenant).exists()

    again = client.post(f"{REFERRALS}{referral.pk}/accept/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"].startswith("Referral FT-ACC cannot be accepted: it was already")


def test_accept_with_owner_and_workloads(consultant: Any, program_admin: Any) -> None:
    referral = ReferralFactory(workloads=["exchange"])
    response = client_for(program_admin).post(
        f"{REFERRALS}{referral.pk}/accept/",
        {"owner": consultant.username, "workloads": ["intune"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    engagement = Engagement.objects.get(referral=referral)
    assert engagement.owner == consultant
    assert list(engagement.workloads.values_list("workload__code", flat=True)) == ["intune"]


def test_decline_needs_a_reason(consultant: Any) -> None:
    referral = ReferralFactory()
    client = client_for(consultant)
    refused = client.post(f"{REFERRALS}{referral.pk}/decline/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "decline_reason": ["Give a reason to decline the referral; Partner Center requires one."]
    }
    done = client.post(f"{REFERRALS}{referral.pk}/decline/", {"reason": "No capacity"})
    assert done.status_code == 200
    assert (done.json()["acceptance"], done.json()["decline_reason"]) == ("declined", "No capacity")


def test_respond_and_notes(consultant: Any) -> None:
    referral = ReferralFactory(assigned_on=datetime.date(2026, 3, 5))
    client = client_for(consultant)
    response = client.post(f"{REFERRALS}{referral.pk}/respond/", {"on": "2026-03-06"})
    assert response.status_code == 200
    assert response.json()["first_responded_on"] == "2026-03-06"
    twice = client.post(f"{REFERRALS}{referral.pk}/respond/", {})
    assert twice.status_code == 400
    assert "already recorded on 2026-03-06" in twice.json()["detail"]

    assert client.post(f"{REFERRALS}{referral.pk}/notes/", {"text": "one"}).status_code == 201
    assert client.post(f"{REFERRALS}{referral.pk}/notes/", {"text": "two"}).status_code == 201
    assert client.post(f"{REFERRALS}{referral.pk}/notes/", {"text": ""}).status_code == 400
    notes = client.get(f"{REFERRALS}{referral.pk}/notes/").json()
    assert [note["text"] for note in notes] == ["two", "one"]
    assert notes[0]["author"] == consultant.username


def test_without_a_role_nothing_is_listed(outsider: Any) -> None:
    ReferralFactory()
    assert client_for(outsider).get(REFERRALS).status_code == 403
