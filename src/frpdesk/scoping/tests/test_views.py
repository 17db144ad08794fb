"""Scoping pages: the engagement's scope tab for each role, the forms with their refusals, the
status buttons that say what is missing, and the customer request list."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, Workload
from frpdesk.customers.tests.factories import CustomerContactFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.services import close_engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.scoping import services
from frpdesk.scoping.links import quote_create_url
from frpdesk.scoping.models import CustomerRequest, Outcome, RequestClass, RequestStatus
from frpdesk.scoping.tests.factories import (
    assess,
    disclose,
    make_contract,
    make_request,
    out_of_scope_request,
)
from frpdesk.vas.models import QuoteState

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("scoping:request-list")


def panel(engagement: Engagement) -> str:
    return reverse("scoping:engagement-panel", args=[engagement.pk])


def scope_tab(engagement: Engagement, request: CustomerRequest | None = None) -> str:
    url = reverse("engagements:detail", args=[engagement.pk]) + "?tab=scope"
    return f"{url}#request-{request.pk}" if request else url


def answers(*values: str, comment: str = "") -> dict[str, str]:
    data = {}
    for question, value in zip(ScopeQuestion.objects.order_by("number"), values, strict=False):
        data[f"answer_{question.pk}"] = value
        data[f"comment_{question.pk}"] = comment
    return data


def flash(response: Any) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- the scope tab ---------------------------------------------------------------------------


def test_the_panel_shows_the_assessment_its_vas_and_the_history(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    assess(engagement, [True, True, True], user=consultant)
    assess(engagement, [False, True, False], user=consultant)
    client.force_login(consultant)

    html = client.get(panel(engagement)).content.decode()

    assert 'data-testid="outcome"' in html
    assert "VAS opportunities" in html
    assert html.count('data-testid="suggested-vas"') == 2
    assert "Onsite project management or technical resources" in html
    assert "Project management" in html
    assert "1 earlier assessment" in html
    assert "Re-assess" in html
    assert 'data-testid="create-quote"' not in html  # consultants do not sell


def test_who_may_sell_gets_the_link_to_quote_the_suggested_vas(
    client: Client, sales: User, engagement: Engagement
) -> None:
    assess(engagement, [True, False, True])
    client.force_login(sales)
    html = client.get(panel(engagement)).content.decode()
    quote_url = quote_create_url(engagement.pk)
    assert (quote_url in html) if quote_url else ('data-testid="create-quote"' not in html)


def test_the_panel_shows_what_is_missing_on_each_request(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    make_request(engagement)
    blocked = out_of_scope_request(engagement)
    client.force_login(consultant)

    response = client.get(panel(engagement))
    cards = response.context["cards"]

    by_pk = {card["item"].pk: card for card in cards}
    assert [b.item for b in by_pk[blocked.pk]["blockers"]] == ["disclosure", "contract"]
    html = response.content.decode()
    assert "What is missing before delivery" in html
    assert html.count('data-testid="missing-item"') == 2
    assert 'data-testid="status-in_delivery" disabled' in html
    assert "Benefit work: remote guidance" in html


@pytest.mark.parametrize("fixture", ["sales", "executive", "auditor"])
def test_readers_see_the_scope_without_any_action(
    client: Client, request: pytest.FixtureRequest, fixture: str, engagement: Engagement
) -> None:
    assess(engagement, [True, False, True])
    out_of_scope_request(engagement)
    client.force_login(request.getfixturevalue(fixture))

    html = client.get(panel(engagement)).content.decode()

    assert "Hands-on" in html or "hands-on" in html
    for testid in (
        "assess",
        "add-request",
        "edit-request",
        "record-disclosure",
        "link-contract",
        "request-actions",
    ):
        assert f'data-testid="{testid}"' not in html, testid


def test_managers_see_the_actions(
    client: Client, program_admin: User, engagement: Engagement
) -> None:
    out_of_scope_request(engagement)
    client.force_login(program_admin)
    html = client.get(panel(engagement)).content.decode()
    for testid in ("assess", "add-request", "edit-request", "record-disclosure", "link-contract"):
        assert f'data-testid="{testid}"' in html, testid


def test_a_closed_engagement_shows_no_actions(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    out_of_scope_request(engagement)
    close_engagement(acting_user=consultant, engagement=engagement)
    client.force_login(consultant)
    html = client.get(panel(engagement)).content.decode()
    assert 'data-testid="add-request"' not in html
    assert 'data-testid="record-disclosure"' not in html
    assert "The engagement is closed" in html


def test_outsiders_are_refused(client: Client, outsider: User, engagement: Engagement) -> None:
    request = out_of_scope_request(engagement)
    client.force_login(outsider)
    for url in (
        panel(engagement),
        LIST,
        reverse("scoping:request-detail", args=[request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "hands-on" not in response.content.decode()


# --- assessing -------------------------------------------------------------------------------


def test_assessing_adds_an_assessment_and_returns_to_the_scope_tab(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    url = reverse("scoping:assess", args=[engagement.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="question"') == 3
    assert "Assess scope" in page

    response = client.post(url, answers("yes", "no", "yes", comment="Said the CIO"))

    assert response.status_code == 302
    assert response["Location"] == scope_tab(engagement)
    assessment = services.current_assessment(engagement)
    assert assessment is not None
    assert assessment.outcome == Outcome.VAS_OPPORTUNITIES
    assert {answer.comment for answer in assessment.answers.all()} == {"Said the CIO"}


def test_an_unanswered_question_is_shown_and_nothing_is_saved(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    response = client.post(reverse("scoping:assess", args=[engagement.pk]), answers("yes", "no"))
    assert response.status_code == 200
    assert "Answer yes or no." in response.content.decode()
    assert not engagement.scope_assessments.exists()


def test_reassessing_starts_from_the_current_answers(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    assess(engagement, [True, False, True])
    client.force_login(consultant)
    form = client.get(reverse("scoping:assess", args=[engagement.pk])).context["form"]
    assert [answer.initial for _question, answer, _comment in form.rows()] == [
        "yes",
        "no",
        "yes",
    ]


def test_assessing_a_closed_engagement_is_refused_on_the_form(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    close_engagement(acting_user=consultant, engagement=engagement)
    client.force_login(consultant)
    response = client.post(
        reverse("scoping:assess", args=[engagement.pk]), answers("yes", "yes", "yes")
    )
    assert response.status_code == 200
    assert "it cannot change" in response.content.decode()


# --- requests --------------------------------------------------------------------------------


def request_data(**changes: Any) -> dict[str, Any]:
    data = {
        "description": "Please do the hands-on device enrolment of our laptops",
        "workload": Workload.objects.get(code="intune").pk,
        "requested_by": "Rita Gruber",
        "requested_on": TODAY.isoformat(),
        "classification": "",
        "out_of_scope_item": "",
    }
    data.update(changes)
    return data


def test_recording_a_request_takes_the_suggestion(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    response = client.post(reverse("scoping:request-create", args=[engagement.pk]), request_data())
    request = CustomerRequest.objects.get()
    assert response["Location"] == scope_tab(engagement, request)
    assert request.classification == RequestClass.BEYOND_GUIDANCE
    assert request.out_of_scope_item is not None
    assert request.out_of_scope_item.description == "Hands-on device enrolment"


def test_the_suggestion_follows_the_form(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    client.force_login(consultant)
    url = reverse("scoping:suggest", args=[engagement.pk])
    intune = Workload.objects.get(code="intune").pk
    html = client.get(url, {"description": "Hands-on device enrolment", "workload": intune})
    assert "Beyond guidance" in html.content.decode()
    assert "Hands-on device enrolment" in html.content.decode()
    html = client.get(url, {"description": "Remote review of policies", "workload": "junk"})
    assert "In Benefit scope" in html.content.decode()
    assert "Describe the request" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": ""}, "This field is required."),
        ({"requested_on": "not a date"}, "Enter a valid date."),
        ({"workload": "exchange"}, "Select a valid choice."),  # not on the engagement
        (
            {"classification": "in_scope", "out_of_scope_item": "intune-item"},
            "Only a request beyond guidance",
        ),
    ],
)
def test_request_form_errors_are_shown(
    client: Client,
    consultant: User,
    engagement: Engagement,
    changes: dict[str, Any],
    message: str,
) -> None:
    if "workload" in changes:
        changes["workload"] = Workload.objects.get(code=changes["workload"]).pk
    if changes.get("out_of_scope_item") == "intune-item":
        changes["out_of_scope_item"] = OutOfScopeItem.objects.filter(workload__code="intune")[0].pk
    client.force_login(consultant)
    response = client.post(
        reverse("scoping:request-create", args=[engagement.pk]), request_data(**changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_editing_a_request_and_deleting_a_mistake(
    client: Client, consultant: User, program_admin: User, engagement: Engagement
) -> None:
    request = make_request(engagement)
    client.force_login(program_admin)
    edit = reverse("scoping:request-edit", args=[request.pk])
    assert 'data-testid="delete-request"' in client.get(edit).content.decode()
    response = client.post(
        edit, request_data(description="Guidance on enrolment, remotely", classification="in_scope")
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.description == "Guidance on enrolment, remotely"

    response = client.post(reverse("scoping:request-delete", args=[request.pk]))
    assert response["Location"] == scope_tab(engagement)
    assert not CustomerRequest.objects.exists()


def test_deleting_a_disclosed_request_is_refused_with_the_reason(
    client: Client, consultant: User, program_admin: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    disclose(request, consultant)
    client.force_login(program_admin)
    response = client.post(reverse("scoping:request-delete", args=[request.pk]), follow=True)
    assert "decline it instead" in flash(response)
    assert CustomerRequest.objects.filter(pk=request.pk).exists()


def test_readers_may_not_delete(client: Client, sales: User, engagement: Engagement) -> None:
    request = make_request(engagement)
    client.force_login(sales)
    response = client.post(reverse("scoping:request-delete", args=[request.pk]))
    assert response.status_code == 403
    assert CustomerRequest.objects.filter(pk=request.pk).exists()


# --- disclosure, contract, status ------------------------------------------------------------


def test_recording_the_disclosure(client: Client, consultant: User, engagement: Engagement) -> None:
    contact = CustomerContactFactory(customer=engagement.customer, name="Rita Gruber")
    request = out_of_scope_request(engagement)
    client.force_login(consultant)
    url = reverse("scoping:request-disclose", args=[request.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["disclosed_to_contact"].queryset) == [contact]

    response = client.post(
        url,
        {
            "disclosed_by": consultant.pk,
            "disclosed_to_contact": contact.pk,
            "disclosed_to": "",
            "disclosed_on": TODAY.isoformat(),
            "method": "meeting",
            "note": "",
        },
    )
    assert response["Location"] == scope_tab(engagement, request)
    request.refresh_from_db()
    assert request.disclosure.disclosed_to == "Rita Gruber"


def test_a_disclosure_in_the_future_is_refused_on_the_form(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    client.force_login(consultant)
    response = client.post(
        reverse("scoping:request-disclose", args=[request.pk]),
        {
            "disclosed_by": consultant.pk,
            "disclosed_to": "Rita",
            "disclosed_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "method": "call",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert services.disclosure_of(request) is None


def test_the_contract_page_offers_only_the_signed_contracts_of_the_engagement(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    signed = make_contract(engagement)
    active = make_contract(engagement, state=QuoteState.ACTIVE)
    make_contract(engagement, state=QuoteState.SENT)
    make_contract(make_engagement())
    client.force_login(consultant)
    url = reverse("scoping:request-contract", args=[request.pk])

    form = client.get(url).context["form"]
    assert set(form.fields["contract"].queryset) == {signed, active}

    response = client.post(url, {"contract": signed.pk})
    assert response["Location"] == scope_tab(engagement, request)
    request.refresh_from_db()
    assert request.contract == signed


def test_the_contract_page_without_contracts_says_what_to_do(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    client.force_login(consultant)
    html = client.get(reverse("scoping:request-contract", args=[request.pk])).content.decode()
    assert 'data-testid="no-contracts"' in html


def test_starting_delivery_says_exactly_what_is_missing(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    client.force_login(consultant)
    url = reverse("scoping:request-status", args=[request.pk])

    response = client.post(url, {"status": "in_delivery"}, follow=True)
    message = flash(response)
    assert "cannot be delivered yet" in message
    assert "Disclosure: record that the customer was told" in message
    assert "Contract: link a signed services contract" in message

    disclose(request, consultant)
    message = flash(client.post(url, {"status": "in_delivery"}, follow=True))
    assert "Disclosure:" not in message
    assert "Contract: link" in message
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN

    services.link_contract(
        acting_user=consultant, customer_request=request, contract=make_contract(engagement)
    )
    response = client.post(url, {"status": "in_delivery"})
    assert response["Location"] == scope_tab(engagement, request)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_DELIVERY


def test_a_bad_status_is_a_message_not_an_error(
    client: Client, consultant: User, engagement: Engagement
) -> None:
    request = make_request(engagement)
    client.force_login(consultant)
    response = client.post(
        reverse("scoping:request-status", args=[request.pk]), {"status": "finished"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose the status" in flash(response)


@pytest.mark.parametrize("fixture", ["sales", "executive", "auditor"])
def test_readers_cannot_change_requests(
    client: Client, request: pytest.FixtureRequest, fixture: str, engagement: Engagement
) -> None:
    customer_request = make_request(engagement)
    client.force_login(request.getfixturevalue(fixture))
    for name in ("request-edit", "request-disclose", "request-contract"):
        assert client.get(reverse(f"scoping:{name}", args=[customer_request.pk])).status_code == 403
    for name in ("assess", "request-create", "suggest"):
        assert client.get(reverse(f"scoping:{name}", args=[engagement.pk])).status_code == 403
    response = client.post(
        reverse("scoping:request-status", args=[customer_request.pk]), {"status": "declined"}
    )
    assert response.status_code == 403
    assert CustomerRequest.objects.get().status == RequestStatus.OPEN


# --- list and detail -------------------------------------------------------------------------


def test_the_list_filters_blocked_requests_and_exports_them(
    client: Client, auditor: User, consultant: User, engagement: Engagement
) -> None:
    make_request(engagement, "Remote guidance on policies")
    blocked = out_of_scope_request(engagement)
    client.force_login(auditor)

    def rows(**query: str) -> list[str]:
        table = client.get(LIST, query).context["table"]
        return [row.record.description for row in table.paginated_rows]

    assert sorted(rows()) == sorted(["Remote guidance on policies", blocked.description])
    assert rows(blocked="true") == [blocked.description]
    assert rows(blocked="false") == ["Remote guidance on policies"]
    assert rows(classification="in_scope") == ["Remote guidance on policies"]
    assert rows(engagement=str(engagement.pk), status="open", workload="") != []
    assert rows(customer=str(make_engagement().customer_id)) == []

    export = client.get(LIST, {"blocked": "true", "export": "csv"})
    text = export.content.decode("utf-8-sig")
    assert "Missing before delivery" in text
    assert "Disclosure, Contract" in text
    assert "Remote guidance" not in text


def test_the_request_page_shows_the_card(
    client: Client, executive: User, consultant: User, engagement: Engagement
) -> None:
    request = out_of_scope_request(engagement)
    disclose(request, consultant)
    client.force_login(executive)
    html = client.get(reverse("scoping:request-detail", args=[request.pk])).content.decode()
    assert "Rita Gruber" in html
    assert html.count('data-testid="missing-item"') == 1
    assert scope_tab(engagement) in html
