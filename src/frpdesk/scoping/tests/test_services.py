"""Scoping services: the assessment outcome and its history, the classification rules, and the
two conditions (disclosure, signed contract) before work outside the Benefit is delivered."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frpdesk.accounts.models import User
from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, Workload
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement, EventKind
from frpdesk.engagements.services import close_engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.scoping import services
from frpdesk.scoping.models import (
    CustomerRequest,
    DisclosureMethod,
    Outcome,
    RequestClass,
    RequestStatus,
)
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


def events(engagement: Engagement, kind: EventKind) -> list[str]:
    return list(
        engagement.timeline.filter(kind=kind).order_by("at", "pk").values_list("message", flat=True)
    )


# --- assessment ------------------------------------------------------------------------------


@given(st.lists(st.booleans()))
def test_outcome_is_benefit_only_exactly_when_every_answer_is_yes(answers: list[bool]) -> None:
    expected = Outcome.BENEFIT_ONLY if all(answers) else Outcome.VAS_OPPORTUNITIES
    assert services.outcome_of(answers) == expected


@settings(
    max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.tuples(st.booleans(), st.booleans(), st.booleans()))
def test_every_answer_combination_gives_its_outcome_and_the_vas_of_each_no(
    engagement: Engagement, consultant: User, answers: tuple[bool, bool, bool]
) -> None:
    assessment = assess(engagement, answers, user=consultant)

    assert services.current_assessment(engagement) == assessment
    assert assessment.outcome == (
        Outcome.BENEFIT_ONLY if all(answers) else Outcome.VAS_OPPORTUNITIES
    )
    stored = list(assessment.answers.order_by("question__number"))
    assert [answer.answer for answer in stored] == list(answers)
    for answer in stored:
        expected = None if answer.answer else answer.question.suggested_vas
        assert answer.suggested_vas == expected
    catalog = ["onsite_resources", "hands_on_remediation", "project_management"]  # by number
    suggested = [answer.suggested_vas.code for answer in stored if answer.suggested_vas]
    assert suggested == [code for code, yes in zip(catalog, answers, strict=True) if not yes]
    event = engagement.timeline.filter(kind=EventKind.SCOPE_ASSESSED).latest("at", "pk")
    assert event.data["outcome"] == assessment.outcome
    assert event.data["no_to"] == [n for n, yes in enumerate(answers, 1) if not yes]


def test_a_no_names_its_vas_in_the_timeline(engagement: Engagement, consultant: User) -> None:
    assess(engagement, [True, True, False], user=consultant)
    assert events(engagement, EventKind.SCOPE_ASSESSED) == [
        "Scope assessed: VAS opportunities (Project management)"
    ]


def test_reassessing_adds_a_new_assessment_and_keeps_the_old_one(
    engagement: Engagement, consultant: User
) -> None:
    first = assess(engagement, [True, False, True], user=consultant)
    second = assess(engagement, [True, True, True], user=consultant)

    assert services.current_assessment(engagement) == second
    assert list(engagement.scope_assessments.all()) == [second, first]
    first.refresh_from_db()
    assert first.outcome == Outcome.VAS_OPPORTUNITIES
    assert [answer.answer for answer in first.answers.all()] == [True, False, True]
    assert second.outcome == Outcome.BENEFIT_ONLY


def test_every_question_must_be_answered_once(engagement: Engagement) -> None:
    first, second, _third = ScopeQuestion.objects.order_by("number")
    with pytest.raises(ValidationError, match="missing: question 3"):
        services.assess_scope(
            acting_user=None,
            engagement=engagement,
            answers=[
                services.AnswerInput(question=first, answer=True),
                services.AnswerInput(question=second, answer=True),
            ],
        )
    with pytest.raises(ValidationError, match="Question 1 is answered twice"):
        services.assess_scope(
            acting_user=None,
            engagement=engagement,
            answers=[services.AnswerInput(question=first, answer=answer) for answer in (1, 0)],
        )
    assert not engagement.scope_assessments.exists()


def test_a_closed_engagement_is_not_assessed(engagement: Engagement, consultant: User) -> None:
    close_engagement(acting_user=consultant, engagement=engagement)
    with pytest.raises(ValidationError, match="cannot change"):
        assess(engagement, [True, True, True])
    assert not engagement.scope_assessments.exists()


# --- classification rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "workload", "expected", "item"),
    [
        ("Walk our admins through Teams meeting policies remotely", "teams", "in_scope", None),
        ("Review our Intune compliance policies in a call", "intune", "in_scope", None),
        (
            "Can Microsoft's FastTrack migrate our mailboxes?",
            "exchange",
            "fasttrack_migration",
            None,
        ),
        ("Data migration performed by Microsoft for 800 users", None, "fasttrack_migration", None),
        (
            "Please do the hands-on device enrolment of 300 laptops",
            "intune",
            "beyond_guidance",
            "Hands-on device enrolment",
        ),
        (
            "Package our line-of-business applications for Intune",
            "intune",
            "beyond_guidance",
            "Packaging of line-of-business applications",
        ),
        (
            "Build a custom bot for the helpdesk",
            "teams",
            "beyond_guidance",
            "Custom app or bot development",
        ),
        ("Write a script to bulk-create the teams", None, "beyond_guidance", None),
        ("Send two people onsite for the rollout week", None, "beyond_guidance", None),
        ("Run project management for the pilot", None, "beyond_guidance", None),
        ("Install the sync client on the desktops", None, "beyond_guidance", None),
    ],
)
def test_suggestions(
    description: str, workload: str | None, expected: str, item: str | None
) -> None:
    suggestion = services.suggest_classification(
        description, Workload.objects.get(code=workload) if workload else None
    )
    assert suggestion.classification == expected, suggestion.reason
    found = suggestion.out_of_scope_item
    assert (found.description if found else None) == item
    assert suggestion.reason


def test_the_workload_name_alone_does_not_match_its_out_of_scope_list() -> None:
    teams = Workload.objects.get(code="teams")
    suggestion = services.suggest_classification("Teams guidance for the IT team", teams)
    assert suggestion.classification == RequestClass.IN_SCOPE


# --- recording requests ----------------------------------------------------------------------


def test_a_request_without_classification_takes_the_suggestion(
    engagement: Engagement, consultant: User
) -> None:
    request = make_request(
        engagement,
        "Please do the hands-on device enrolment for our laptops",
        workload="intune",
        user=consultant,
    )
    assert request.classification == RequestClass.BEYOND_GUIDANCE
    assert request.out_of_scope_item == OutOfScopeItem.objects.get(
        workload__code="intune", description="Hands-on device enrolment"
    )
    assert "Hands-on device enrolment" in request.classification_reason
    assert request.status == RequestStatus.OPEN
    assert request.recorded_by == consultant
    assert events(engagement, EventKind.REQUEST_RECORDED) == [
        "Customer request recorded (Beyond guidance (outside the Benefit)): "
        "Please do the hands-on device enrolment for our laptops"
    ]


def test_the_user_overrides_the_suggestion_and_the_reason_says_so(
    engagement: Engagement, program_admin: User
) -> None:
    request = make_request(
        engagement,
        "Walk us through Teams meeting policies",
        classification=RequestClass.BEYOND_GUIDANCE,
        user=program_admin,
    )
    assert request.classification == RequestClass.BEYOND_GUIDANCE
    assert request.classification_reason == (
        "Set by Avery Morgan; the rules suggested “In Benefit scope (remote guidance)”."
    )


def test_an_edit_that_keeps_the_description_keeps_the_reason(
    engagement: Engagement, consultant: User, program_admin: User
) -> None:
    request = make_request(
        engagement, "Walk us through policies", classification="beyond_guidance", user=program_admin
    )
    request.requested_by = "Someone else"
    services.save_request(acting_user=consultant, customer_request=request)
    request.refresh_from_db()
    assert request.classification_reason.startswith("Set by Avery Morgan")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"workload": "exchange"}, "workload", "not a workload of this engagement"),
        (
            {"item": ("exchange", 0)},
            "out_of_scope_item",
            "choose an item of the request's workload",
        ),
        (
            {"item": ("intune", 0), "classification": "in_scope"},
            "out_of_scope_item",
            "Only a request beyond guidance",
        ),
    ],
)
def test_inconsistent_requests_are_refused(
    engagement: Engagement, change: dict[str, Any], field: str, message: str
) -> None:
    request = CustomerRequest(
        engagement=engagement,
        description="Guidance",
        requested_on=TODAY,
        workload=Workload.objects.get(code=change.get("workload", "intune")),
        classification=change.get("classification", ""),
    )
    if "item" in change:
        code, index = change["item"]
        request.out_of_scope_item = OutOfScopeItem.objects.filter(workload__code=code)[index]
    with pytest.raises(ValidationError) as refusal:
        services.save_request(acting_user=None, customer_request=request)
    assert message in " ".join(refusal.value.message_dict[field])
    assert not CustomerRequest.objects.exists()


def test_an_item_chosen_by_hand_makes_the_request_beyond_guidance(engagement: Engagement) -> None:
    item = OutOfScopeItem.objects.get(workload__code="intune", description__startswith="Packaging")
    request = services.save_request(
        acting_user=None,
        customer_request=CustomerRequest(
            engagement=engagement,
            description="Apps for the field staff",
            requested_on=TODAY,
            out_of_scope_item=item,
        ),
    )
    assert request.workload.code == "intune"  # the item's workload
    assert request.classification == RequestClass.BEYOND_GUIDANCE
    assert (
        request.classification_reason
        == f"On the Microsoft Intune out-of-scope list: “{item.description}”."
    )


def test_requests_on_a_closed_engagement_are_refused(
    engagement: Engagement, consultant: User
) -> None:
    request = out_of_scope_request(engagement)
    close_engagement(acting_user=consultant, engagement=engagement)
    with pytest.raises(ValidationError, match="cannot change"):
        make_request(engagement)
    with pytest.raises(ValidationError, match="cannot change"):
        disclose(request, consultant)
    with pytest.raises(ValidationError, match="cannot change"):
        services.set_status(acting_user=consultant, customer_request=request, status="declined")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


# --- the conditions before delivery ----------------------------------------------------------


def missing(request: CustomerRequest) -> list[str]:
    request = CustomerRequest.objects.get(pk=request.pk)
    return [blocker.item for blocker in services.delivery_blockers(request)]


def test_in_scope_work_is_delivered_without_disclosure_or_contract(
    engagement: Engagement, consultant: User
) -> None:
    request = make_request(engagement)
    assert request.classification == RequestClass.IN_SCOPE
    assert missing(request) == []
    services.set_status(acting_user=consultant, customer_request=request, status="in_delivery")
    services.set_status(acting_user=consultant, customer_request=request, status="delivered")
    request.refresh_from_db()
    assert request.status == RequestStatus.DELIVERED
    assert events(engagement, EventKind.REQUEST_STATUS) == [
        f"“{request}”: open → in delivery",
        f"“{request}”: in delivery → delivered",
    ]


@pytest.mark.parametrize("classification", ["beyond_guidance", "fasttrack_migration"])
@pytest.mark.parametrize("target", ["in_delivery", "delivered"])
def test_out_of_scope_work_needs_a_disclosure_and_a_signed_contract(
    engagement: Engagement, consultant: User, classification: str, target: str
) -> None:
    request = make_request(engagement, "Anything", classification=classification)

    def refused_for(expected: list[str]) -> None:
        with pytest.raises(services.DeliveryBlocked) as refusal:
            services.set_status(acting_user=consultant, customer_request=request, status=target)
        assert [line.split(":")[0].lower() for line in refusal.value.missing] == expected
        assert "cannot be delivered yet" in refusal.value.messages[0]
        assert CustomerRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN

    assert missing(request) == ["disclosure", "contract"]
    refused_for(["disclosure", "contract"])
    disclose(request, consultant)
    assert missing(request) == ["contract"]
    refused_for(["contract"])
    contract = make_contract(engagement)
    services.link_contract(acting_user=consultant, customer_request=request, contract=contract)
    assert events(engagement, EventKind.REQUEST_CONTRACT) == [
        f"“{request}” covered by services contract {contract.number}"
    ]
    assert missing(request) == []
    services.set_status(acting_user=consultant, customer_request=request, status=target)
    assert CustomerRequest.objects.get(pk=request.pk).status == target


def test_a_contract_alone_is_not_enough(engagement: Engagement, consultant: User) -> None:
    request = out_of_scope_request(engagement)
    services.link_contract(
        acting_user=consultant, customer_request=request, contract=make_contract(engagement)
    )
    assert missing(request) == ["disclosure"]


def test_a_contract_of_another_engagement_is_refused(
    engagement: Engagement, consultant: User
) -> None:
    request = out_of_scope_request(engagement)
    other = make_contract(make_engagement(owner=consultant))
    with pytest.raises(ValidationError, match="belongs to another engagement"):
        services.link_contract(acting_user=consultant, customer_request=request, contract=other)
    assert CustomerRequest.objects.get(pk=request.pk).contract is None


@pytest.mark.parametrize(
    "state",
    [
        QuoteState.DRAFT,
        QuoteState.SENT,
        QuoteState.ACCEPTED,
        QuoteState.CANCELLED,
        QuoteState.COMPLETED,
    ],
)
def test_a_contract_that_is_not_signed_is_refused(
    engagement: Engagement, consultant: User, state: str
) -> None:
    request = out_of_scope_request(engagement)
    with pytest.raises(ValidationError, match="is not signed"):
        services.link_contract(
            acting_user=consultant,
            customer_request=request,
            contract=make_contract(engagement, state=state),
        )
    assert CustomerRequest.objects.get(pk=request.pk).contract is None


def test_an_active_contract_covers_and_a_cancelled_one_no_longer_does(
    engagement: Engagement, consultant: User
) -> None:
    request = out_of_scope_request(engagement)
    disclose(request, consultant)
    contract = make_contract(engagement, state=QuoteState.ACTIVE)
    services.link_contract(acting_user=consultant, customer_request=request, contract=contract)
    assert missing(request) == []
    contract.quote.state = QuoteState.CANCELLED
    contract.quote.save()
    assert missing(request) == ["contract"]
    blocked = CustomerRequest.objects.filter(services.blocked_condition())
    assert list(blocked) == [request]


def test_in_scope_requests_take_no_contract_nor_disclosure(
    engagement: Engagement, consultant: User
) -> None:
    request = make_request(engagement)
    with pytest.raises(ValidationError, match="never charged"):
        services.link_contract(
            acting_user=consultant, customer_request=request, contract=make_contract(engagement)
        )
    with pytest.raises(ValidationError, match="only work outside the Benefit"):
        disclose(request, consultant)


def test_reclassifying_a_request_in_delivery_out_of_scope_is_refused(
    engagement: Engagement, consultant: User
) -> None:
    request = make_request(engagement)
    services.set_status(acting_user=consultant, customer_request=request, status="in_delivery")
    request.classification = RequestClass.BEYOND_GUIDANCE
    with pytest.raises(services.DeliveryBlocked):
        services.save_request(acting_user=consultant, customer_request=request)
    assert CustomerRequest.objects.get(pk=request.pk).classification == RequestClass.IN_SCOPE


def test_blocked_condition_agrees_with_the_blockers(
    engagement: Engagement, consultant: User
) -> None:
    in_scope = make_request(engagement)
    bare = out_of_scope_request(engagement)
    disclosed = out_of_scope_request(engagement)
    disclose(disclosed, consultant)
    ready = out_of_scope_request(engagement)
    disclose(ready, consultant)
    services.link_contract(
        acting_user=consultant, customer_request=ready, contract=make_contract(engagement)
    )
    declined = out_of_scope_request(engagement)
    services.set_status(acting_user=consultant, customer_request=declined, status="declined")

    blocked = set(CustomerRequest.objects.filter(services.blocked_condition()))
    assert blocked == {bare, disclosed}
    for request in (in_scope, ready):
        assert missing(request) == []
    not_blocked = set(CustomerRequest.objects.exclude(services.blocked_condition()))
    assert not_blocked == {in_scope, ready, declined}


# --- statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["delivered"], "in_delivery"),
        (["declined"], "delivered"),
        (["in_delivery"], "declined"),
        (["in_delivery"], "open"),
    ],
)
def test_moves_not_allowed_are_refused(
    engagement: Engagement, consultant: User, path: list[str], refused: str
) -> None:
    request = make_request(engagement)
    for status in path:
        services.set_status(acting_user=consultant, customer_request=request, status=status)
    with pytest.raises(ValidationError, match="cannot become"):
        services.set_status(acting_user=consultant, customer_request=request, status=refused)
    assert CustomerRequest.objects.get(pk=request.pk).status == path[-1]


def test_a_declined_request_is_reopened(engagement: Engagement, consultant: User) -> None:
    request = out_of_scope_request(engagement)
    services.set_status(
        acting_user=consultant, customer_request=request, status="declined", note="too costly"
    )
    with pytest.raises(ValidationError, match="Reopen a declined request"):
        disclose(request, consultant)
    services.set_status(acting_user=consultant, customer_request=request, status="open")
    assert events(engagement, EventKind.REQUEST_STATUS)[0].endswith("open → declined (too costly)")
    disclose(request, consultant)


def test_unknown_status_is_refused(engagement: Engagement, consultant: User) -> None:
    with pytest.raises(ValidationError, match="Choose one of"):
        services.set_status(
            acting_user=consultant, customer_request=make_request(engagement), status="done"
        )


# --- disclosure ------------------------------------------------------------------------------


def test_the_disclosure_records_who_told_whom_when_and_how(
    engagement: Engagement, consultant: User, program_admin: User
) -> None:
    contact = CustomerContactFactory(customer=engagement.customer, name="Rita Gruber")
    request = out_of_scope_request(engagement)
    disclosure = services.record_disclosure(
        acting_user=consultant,
        customer_request=request,
        disclosed_by=program_admin,
        disclosed_to_contact=contact,
        disclosed_on=TODAY,
        method=DisclosureMethod.EMAIL,
        note="Sent the VAS terms",
    )
    assert disclosure.disclosed_to == "Rita Gruber"  # the contact's name by default
    assert disclosure.recorded_by == consultant
    assert events(engagement, EventKind.REQUEST_DISCLOSED) == [
        f"Avery Morgan told Rita Gruber (by email, {TODAY.isoformat()}) that “{request}” goes "
        "beyond the FastTrack Benefit"
    ]
    with pytest.raises(ValidationError, match="already recorded"):
        disclose(request, consultant)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"disclosed_on": TODAY + datetime.timedelta(days=1)}, "disclosed_on"),
        ({"disclosed_on": TODAY - datetime.timedelta(days=30)}, "disclosed_on"),
        ({"disclosed_to": "  "}, "disclosed_to"),
        ({"method": "pigeon"}, "method"),
        ({"other_customer_contact": True}, "disclosed_to_contact"),
    ],
)
def test_bad_disclosures_are_refused(
    engagement: Engagement, consultant: User, changes: dict[str, Any], field: str
) -> None:
    request = out_of_scope_request(engagement)
    arguments: dict[str, Any] = {
        "disclosed_to": "Rita Gruber",
        "disclosed_on": TODAY,
        "method": DisclosureMethod.CALL,
    }
    if changes.pop("other_customer_contact", False):
        changes["disclosed_to_contact"] = CustomerContactFactory(customer=CustomerFactory())
    arguments.update(changes)
    with pytest.raises(ValidationError) as refusal:
        services.record_disclosure(
            acting_user=consultant, customer_request=request, disclosed_by=consultant, **arguments
        )
    assert field in refusal.value.message_dict
    assert services.disclosure_of(CustomerRequest.objects.get(pk=request.pk)) is None


# --- delete ----------------------------------------------------------------------------------


def test_only_an_untouched_request_is_deleted(engagement: Engagement, consultant: User) -> None:
    mistake = make_request(engagement)
    services.delete_request(acting_user=consultant, customer_request=mistake)
    assert not CustomerRequest.objects.filter(pk=mistake.pk).exists()
    disclosed = out_of_scope_request(engagement)
    disclose(disclosed, consultant)
    with pytest.raises(ValidationError, match="decline it instead"):
        services.delete_request(acting_user=consultant, customer_request=disclosed)
    assert CustomerRequest.objects.filter(pk=disclosed.pk).exists()
