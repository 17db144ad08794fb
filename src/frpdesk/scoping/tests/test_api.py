"""The scoping API: append-only assessments, requests with the list page's filters, and the
actions that refuse delivery with the list of what is missing."""

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.scoping.models import CustomerRequest, RequestStatus, ScopeAssessment
from frpdesk.scoping.tests.factories import (
    assess,
    disclose,
    make_contract,
    make_request,
    out_of_scope_request,
)

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/scope-assessments/"
REQUESTS = "/api/customer-requests/"
TODAY = timezone.localdate().isoformat()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def answers(*values: bool) -> list[dict[str, Any]]:
    return [
        {"question": number, "answer": value, "comment": f"c{number}"}
        for number, value in enumerate(values, 1)
    ]


# --- assessments -----------------------------------------------------------------------------


def test_posting_an_assessment_and_reading_the_history(
    consultant: User, engagement: Engagement
) -> None:
    api = client_for(consultant)
    first = api.post(
        ASSESSMENTS,
        {"engagement": engagement.pk, "answers": answers(True, False, True)},
        format="json",
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["outcome"] == "vas_opportunities"
    assert body["assessed_by"] == consultant.username
    assert [answer["suggested_vas"] for answer in body["answers"]] == [
        None,
        "hands_on_remediation",
        None,
    ]
    assert body["answers"][1]["suggested_vas_name"] == "Technical resources / hands-on remediation"
    api.post(
        ASSESSMENTS,
        {"engagement": engagement.pk, "answers": answers(True, True, True)},
        format="json",
    )

    listed = api.get(ASSESSMENTS, {"engagement": engagement.pk}).json()["results"]
    assert [item["outcome"] for item in listed] == ["benefit_only", "vas_opportunities"]
    assert api.get(ASSESSMENTS, {"outcome": "benefit_only"}).json()["count"] == 1


def test_assessments_are_never_edited_nor_deleted(consultant: User, engagement: Engagement) -> None:
    assessment = assess(engagement, [True, True, True])
    api = client_for(consultant)
    url = f"{ASSESSMENTS}{assessment.pk}/"
    assert api.patch(url, {"answers": []}, format="json").status_code == 405
    assert api.put(url, {}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert ScopeAssessment.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"answers": answers(True, True)}, "missing: question 3"),
        ({"answers": [*answers(True, True, True), {"question": 9, "answer": True}]}, "9"),
        ({"answers": answers(True, True, True), "engagement": 999999}, "Invalid pk"),
    ],
)
def test_bad_assessments_are_400_with_the_reason(
    consultant: User, engagement: Engagement, payload: dict[str, Any], message: str
) -> None:
    response = client_for(consultant).post(
        ASSESSMENTS, {"engagement": engagement.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScopeAssessment.objects.exists()


def test_readers_may_not_assess(sales: User, engagement: Engagement) -> None:
    response = client_for(sales).post(
        ASSESSMENTS,
        {"engagement": engagement.pk, "answers": answers(True, True, True)},
        format="json",
    )
    assert response.status_code == 403
    assert client_for(sales).get(ASSESSMENTS).status_code == 200


# --- requests --------------------------------------------------------------------------------


def test_creating_a_request_takes_the_suggestion_and_says_what_is_missing(
    consultant: User, engagement: Engagement
) -> None:
    response = client_for(consultant).post(
        REQUESTS,
        {
            "engagement": engagement.pk,
            "workload": "intune",
            "description": "Please do the hands-on device enrolment",
            "requested_on": TODAY,
            "status": "delivered",  # read-only: statuses change through the action
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["classification"] == "beyond_guidance"
    assert body["out_of_scope_item_text"] == "Hands-on device enrolment"
    assert body["status"] == "open"
    assert body["disclosure"] is None
    assert [line.split(":")[0] for line in body["blockers"]] == ["Disclosure", "Contract"]


def test_updating_and_deleting_go_through_the_services(
    consultant: User, engagement: Engagement
) -> None:
    request = make_request(engagement)
    api = client_for(consultant)
    url = f"{REQUESTS}{request.pk}/"
    response = api.patch(url, {"classification": "beyond_guidance"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["classification_reason"].startswith("Set by")
    other = make_engagement()
    response = api.patch(url, {"engagement": other.pk}, format="json")
    assert response.status_code == 400
    assert "stays on its engagement" in response.content.decode()

    disclose(request, consultant)
    response = api.delete(url)
    assert response.status_code == 400
    assert "decline it instead" in response.json()["detail"]
    assert CustomerRequest.objects.filter(pk=request.pk).exists()


def test_a_workload_outside_the_engagement_is_a_field_error(
    consultant: User, engagement: Engagement
) -> None:
    response = client_for(consultant).post(
        REQUESTS,
        {
            "engagement": engagement.pk,
            "workload": "exchange",
            "description": "Guidance",
            "requested_on": TODAY,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "not a workload of this engagement" in response.json()["errors"]["workload"][0]


def test_delivery_is_refused_with_the_missing_list_until_both_are_recorded(
    consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    api = client_for(consultant)
    status_url = f"{REQUESTS}{request.pk}/status/"

    refused = api.post(status_url, {"status": "in_delivery"}, format="json")
    assert refused.status_code == 400
    assert [line.split(":")[0] for line in refused.json()["missing"]] == [
        "Disclosure",
        "Contract",
    ]
    assert "cannot be delivered yet" in refused.json()["detail"]

    disclosed = api.post(
        f"{REQUESTS}{request.pk}/disclosure/",
        {"disclosed_to": "Rita Gruber", "disclosed_on": TODAY, "method": "call"},
        format="json",
    )
    assert disclosed.status_code == 200, disclosed.content
    assert disclosed.json()["disclosure"]["disclosed_by"] == consultant.username

    refused = api.post(status_url, {"status": "in_delivery"}, format="json")
    assert [line.split(":")[0] for line in refused.json()["missing"]] == ["Contract"]

    other = make_contract(make_engagement())
    response = api.post(f"{REQUESTS}{request.pk}/contract/", {"contract": other.pk}, format="json")
    assert response.status_code == 400
    assert "belongs to another engagement" in response.content.decode()

    contract = make_contract(engagement)
    linked = api.post(f"{REQUESTS}{request.pk}/contract/", {"contract": contract.pk}, format="json")
    assert linked.status_code == 200
    assert linked.json()["contract"] == contract.number
    assert linked.json()["blockers"] == []

    started = api.post(status_url, {"status": "in_delivery"}, format="json")
    assert started.status_code == 200
    assert started.json()["status"] == "in_delivery"


def test_bad_actions_are_400_not_500(consultant: User, engagement: Engagement) -> None:
    request = make_request(engagement)
    api = client_for(consultant)
    assert (
        api.post(f"{REQUESTS}{request.pk}/status/", {"status": "x"}, format="json").status_code
        == 400
    )
    response = api.post(f"{REQUESTS}{request.pk}/status/", {"status": "open"}, format="json")
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    response = api.post(
        f"{REQUESTS}{request.pk}/disclosure/",
        {"disclosed_to": "Rita", "disclosed_on": TODAY, "method": "call"},
        format="json",
    )
    assert response.status_code == 400
    assert "only work outside the Benefit" in response.json()["detail"]
    response = api.post(f"{REQUESTS}{request.pk}/contract/", {"contract": 123456}, format="json")
    assert response.status_code == 400


def test_the_filters_are_the_list_pages(
    auditor: User, consultant: User, engagement: Engagement
) -> None:
    in_scope = make_request(engagement)
    blocked = out_of_scope_request(engagement)
    declined = out_of_scope_request(engagement)
    client_for(consultant).post(
        f"{REQUESTS}{declined.pk}/status/", {"status": "declined"}, format="json"
    )
    api = client_for(auditor)

    def ids(**query: Any) -> set[int]:
        response = api.get(REQUESTS, query)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids(blocked="true") == {blocked.pk}
    assert ids(blocked="false") == {in_scope.pk, declined.pk}
    assert ids(status=RequestStatus.DECLINED) == {declined.pk}
    assert ids(classification="in_scope") == {in_scope.pk}
    assert ids(engagement=engagement.pk) == {in_scope.pk, blocked.pk, declined.pk}
    assert ids(customer=engagement.customer_id, search="hands-on") == {blocked.pk, declined.pk}


def test_suggest_proposes_without_recording(consultant: User) -> None:
    response = client_for(consultant).post(
        f"{REQUESTS}suggest/",
        {"description": "Custom bot development", "workload": "teams"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["classification"] == "beyond_guidance"
    assert response.json()["out_of_scope_item"] is not None
    assert not CustomerRequest.objects.exists()


@pytest.mark.parametrize("fixture", ["sales", "executive", "auditor"])
def test_readers_change_nothing(
    request: pytest.FixtureRequest, fixture: str, consultant: User, engagement: Engagement
) -> None:
    customer_request = out_of_scope_request(engagement)
    api = client_for(request.getfixturevalue(fixture))
    url = f"{REQUESTS}{customer_request.pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"description": "x"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    assert api.post(f"{url}status/", {"status": "declined"}, format="json").status_code == 403
    body = {"disclosed_to": "Rita", "disclosed_on": TODAY, "method": "call"}
    assert api.post(f"{url}disclosure/", body, format="json").status_code == 403
    customer_request.refresh_from_db()
    assert customer_request.status == RequestStatus.OPEN
    assert customer_request.description != "x"


def test_outsiders_see_nothing(outsider: User, engagement: Engagement) -> None:
    out_of_scope_request(engagement)
    api = client_for(outsider)
    assert api.get(REQUESTS).status_code == 403
    assert api.get(ASSESSMENTS).status_code == 403


def test_an_engagement_id_out_of_range_is_a_400(consultant: User) -> None:
    """Found by the API fuzz test: a Decimal beyond 64 bits reached SQLite (OverflowError, 500)."""
    response = client_for(consultant).get(
        "/api/scope-assessments/", {"engagement": "9223372036854775808"}
    )
    assert response.status_code == 400
    assert "engagement" in response.json()["errors"]
