"""Each rule's evaluation: the records it checks, the ones that fail (with what is wrong, where it
is fixed and who fixes it), and the ones that pass."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frpdesk.accounts.models import User
from frpdesk.adoption.tests.factories import usage_history
from frpdesk.catalog.models import DeliveryStatus, Workload
from frpdesk.claims.models import ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.compliance.checks import CHECKS
from frpdesk.compliance.rules import RULES
from frpdesk.compliance.tests.conftest import Evaluate, failing, moment
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement, EventKind, StatusNote, TimelineEvent
from frpdesk.engagements.services import (
    add_status_note,
    close_engagement,
    complete_checklist_item,
    record_event,
    route_workload,
    update_workload_status,
)
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.models import ProgramContact
from frpdesk.partner.tests.factories import EndorsementFactory
from frpdesk.referrals.models import Acceptance, Referral
from frpdesk.referrals.tests.factories import ReferralFactory
from frpdesk.satisfaction.models import Rating, SurveyResponse
from frpdesk.scoping.models import CustomerRequest, RequestStatus
from frpdesk.scoping.tests.factories import disclose, make_contract, out_of_scope_request
from frpdesk.vas.models import QuoteState

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_every_rule_has_an_evaluation() -> None:
    assert set(CHECKS) == set(RULES)


def _status() -> DeliveryStatus:
    return DeliveryStatus.objects.get(level1="In Progress", level2="Migration")


def _endorse(profile: Any, *codes: str) -> None:
    for code in codes:
        EndorsementFactory(profile=profile, workload=Workload.objects.get(code=code))


# --- SPOC ------------------------------------------------------------------------------------


def test_spoc_set(evaluate: Evaluate, partner_profile: Any) -> None:
    assert (evaluate("spoc_set").checked, evaluate("spoc_set").failures) == (1, [])
    ProgramContact.objects.update(is_spoc=False)
    (failure,) = evaluate("spoc_set").failures
    assert (failure.object_type, failure.object_id) == ("partner.partnerprofile", 1)
    assert "single point of contact" in failure.message
    assert failure.fix_url == reverse("partner:contacts-edit")
    assert failure.owner_id is None  # the program administrators


def test_spoc_without_a_profile(evaluate: Evaluate) -> None:
    (failure,) = evaluate("spoc_set").failures
    assert failure.fix_url == reverse("partner:profile-edit")
    assert "No partner profile" in failure.message


# --- workload status and delivery activity ---------------------------------------------------


def test_workload_status(
    evaluate: Evaluate, engagement: Engagement, consultant: User, partner_profile: Any
) -> None:
    _endorse(partner_profile, "teams")
    teams = engagement.workloads.get(workload__code="teams")
    exchange = engagement.workloads.get(workload__code="exchange")
    evaluation = evaluate("workload_status")
    assert evaluation.checked == 2
    found = failing(evaluation)
    teams_failure = found[("engagements.engagementworkload", teams.pk)]
    assert teams_failure.message == "Microsoft Teams has no L1/L2 status and no L3 detail."
    assert teams_failure.fix_url == reverse("engagements:workload-status", args=[teams.pk])
    assert (teams_failure.customer_id, teams_failure.engagement_id, teams_failure.owner_id) == (
        engagement.customer_id,
        engagement.pk,
        consultant.pk,
    )
    assert teams_failure.label == f"{engagement.name}: Microsoft Teams"
    exchange_failure = found[("engagements.engagementworkload", exchange.pk)]
    assert "decide its routing first" in exchange_failure.message
    assert exchange_failure.fix_url == reverse("engagements:workload-route", args=[exchange.pk])

    update_workload_status(acting_user=consultant, engagement_workload=teams, status=_status())
    assert "“In Progress – Migration” but has no L3 detail" in (
        failing(evaluate("workload_status"))[("engagements.engagementworkload", teams.pk)].message
    )
    update_workload_status(
        acting_user=consultant,
        engagement_workload=teams,
        status=_status(),
        status_l3="Mailboxes moving in waves",
    )
    # Exchange goes to a FastTrack Request for Assistance: not ours to deliver, not checked.
    route_workload(acting_user=consultant, engagement_workload=exchange, routing="rfa")
    assert (evaluate("workload_status").checked, evaluate("workload_status").failures) == (1, [])
    close_engagement(acting_user=consultant, engagement=engagement)
    assert evaluate("workload_status").checked == 0


def test_delivery_activity(
    evaluate: Evaluate,
    engagement: Engagement,
    consultant: User,
    partner_profile: Any,
    today: datetime.date,
) -> None:
    _endorse(partner_profile, "teams", "exchange")
    long_ago = today - 45 * DAY
    Engagement.objects.filter(pk=engagement.pk).update(started_on=long_ago)
    TimelineEvent.objects.filter(engagement=engagement).update(at=moment(long_ago))
    teams = engagement.workloads.get(workload__code="teams")
    exchange = engagement.workloads.get(workload__code="exchange")
    kickoff = teams.checklist.order_by("pk").first()
    assert kickoff is not None
    complete_checklist_item(acting_user=consultant, item=kickoff, done_on=today - 40 * DAY)
    TimelineEvent.objects.filter(kind=EventKind.CHECKLIST_DONE).update(at=moment(today - 40 * DAY))

    evaluation = evaluate("delivery_activity")
    assert evaluation.checked == 2
    found = failing(evaluation)
    assert set(found) == {
        ("engagements.engagementworkload", teams.pk),
        ("engagements.engagementworkload", exchange.pk),
    }
    message = found[("engagements.engagementworkload", teams.pk)].message
    assert f"since {(today - 29 * DAY).isoformat()}" in message
    assert f"last checklist item done on {(today - 40 * DAY).isoformat()}" in message
    assert "no checklist item done yet" in (
        found[("engagements.engagementworkload", exchange.pk)].message
    )
    assert found[("engagements.engagementworkload", teams.pk)].fix_url == reverse(
        "engagements:detail", args=[engagement.pk]
    )

    # A status note is no delivery on a workload; a checklist item done this month is.
    add_status_note(
        acting_user=consultant,
        engagement=engagement,
        onboarding_scope="Teams and Exchange",
        next_action="Workshop",
        next_action_on=today,
        next_action_owner=consultant,
    )
    item = teams.checklist.filter(done_on__isnull=True).first()
    assert item is not None
    complete_checklist_item(acting_user=consultant, item=item, done_on=today - 2 * DAY)
    TimelineEvent.objects.filter(kind=EventKind.CHECKLIST_DONE).update(at=moment(today - 40 * DAY))
    assert set(failing(evaluate("delivery_activity"))) == {
        ("engagements.engagementworkload", exchange.pk)
    }
    # An event naming the workload counts too.
    record_event(
        engagement, EventKind.STATUS_CHANGED, "Exchange: status", consultant, workload="exchange"
    )
    assert evaluate("delivery_activity").failures == []


def test_a_new_engagement_has_activity(evaluate: Evaluate, engagement: Engagement) -> None:
    assert evaluate("delivery_activity").failures == []  # the "opened" event names them


# --- status notes ----------------------------------------------------------------------------


def test_status_note_fresh(
    evaluate: Evaluate, engagement: Engagement, consultant: User, today: datetime.date
) -> None:
    young = make_engagement(owner=consultant, started_on=today - 5 * DAY)
    Engagement.objects.filter(pk=engagement.pk).update(started_on=today - 20 * DAY)
    evaluation = evaluate("status_note_fresh")
    assert evaluation.checked == 2  # the young one passes
    (failure,) = evaluation.failures
    assert (failure.object_type, failure.object_id) == ("engagements.engagement", engagement.pk)
    assert failure.message.startswith(
        f"No status note since the engagement started on {(today - 20 * DAY).isoformat()}, "
        "20 days ago"
    )
    assert failure.fix_url == reverse("engagements:detail", args=[engagement.pk]) + "?tab=notes"
    assert failure.owner_id == consultant.pk

    note = add_status_note(
        acting_user=consultant,
        engagement=engagement,
        onboarding_scope="Teams",
        next_action="Call",
        next_action_on=today,
        next_action_owner=consultant,
    )
    StatusNote.objects.filter(pk=note.pk).update(created_at=moment(today - 15 * DAY))
    (failure,) = evaluate("status_note_fresh").failures
    assert (
        f"The latest status note was written on {(today - 15 * DAY).isoformat()}, 15 days ago"
        in failure.message
    )
    StatusNote.objects.filter(pk=note.pk).update(created_at=moment(today - 3 * DAY))
    assert evaluate("status_note_fresh").failures == []
    assert young.pk not in {f.object_id for f in evaluate("status_note_fresh").failures}


# --- survey contact --------------------------------------------------------------------------


def test_survey_contact(evaluate: Evaluate, consultant: User) -> None:
    customer = CustomerFactory(name="Northwind", owner=consultant)
    contact = CustomerContactFactory(customer=customer, survey_eligible=False)
    make_engagement(owner=None, customer=customer)
    without_engagement = CustomerFactory()
    CustomerContactFactory(customer=without_engagement)
    evaluation = evaluate("survey_contact")
    assert evaluation.checked == 1
    (failure,) = evaluation.failures
    assert (failure.object_type, failure.object_id) == ("customers.customer", customer.pk)
    assert "None of its 1 contacts" in failure.message
    assert failure.fix_url == reverse("customers:detail", args=[customer.pk]) + "?tab=contacts"
    assert failure.owner_id == consultant.pk
    contact.survey_eligible = True
    contact.save()
    assert evaluate("survey_contact").failures == []


# --- referrals -------------------------------------------------------------------------------


def _referral(today: datetime.date, days_ago: int, **fields: Any) -> Referral:
    referral = ReferralFactory(assigned_on=today - days_ago * DAY)
    if fields:
        Referral.objects.filter(pk=referral.pk).update(**fields)
        referral.refresh_from_db()
    return referral


def test_pending_referral_past_both_clocks(evaluate: Evaluate, today: datetime.date) -> None:
    late = _referral(today, 10)
    _referral(today, 0)  # due in the future
    for code in ("referral_response", "referral_acceptance"):
        evaluation = evaluate(code)
        assert evaluation.checked == 2
        (failure,) = evaluation.failures
        assert (failure.object_type, failure.object_id) == ("referrals.referral", late.pk)
        assert failure.fix_url == reverse("referrals:detail", args=[late.pk])
        assert failure.label == f"Referral {late.referral_id} ({late.tenant_name})"
    (response,) = evaluate("referral_response").failures
    assert f"First response was due on {late.first_response_due.isoformat()}" in response.message
    assert "late" in response.message
    (acceptance,) = evaluate("referral_acceptance").failures
    assert f"Neither accepted nor declined by {late.acceptance_due.isoformat()}" in (
        acceptance.message
    )


def test_answered_in_time_passes_and_late_answers_are_history_after_90_days(
    evaluate: Evaluate, today: datetime.date
) -> None:
    on_time = _referral(today, 20)
    Referral.objects.filter(pk=on_time.pk).update(
        first_responded_on=on_time.assigned_on,
        acceptance=Acceptance.ACCEPTED,
        decided_on=on_time.assigned_on + DAY,
    )
    late = _referral(today, 30)
    Referral.objects.filter(pk=late.pk).update(
        first_responded_on=late.first_response_due + 2 * DAY,
        acceptance=Acceptance.DECLINED,
        decided_on=late.acceptance_due + 3 * DAY,
        decline_reason="Outside our area",
    )
    old = _referral(today, 200)
    Referral.objects.filter(pk=old.pk).update(
        first_responded_on=old.first_response_due + 2 * DAY,
        acceptance=Acceptance.ACCEPTED,
        decided_on=old.acceptance_due + 3 * DAY,
    )
    response = evaluate("referral_response")
    assert response.checked == 2  # the old one is history
    (failure,) = response.failures
    assert failure.object_id == late.pk
    assert failure.message.startswith(
        f"First response on {(late.first_response_due + 2 * DAY).isoformat()}, 2 days after it "
        "was due"
    )
    (failure,) = evaluate("referral_acceptance").failures
    assert failure.object_id == late.pk
    assert failure.message.startswith(
        f"Declined on {(late.acceptance_due + 3 * DAY).isoformat()}, 3 days after the due date"
    )


def test_lost_referral(evaluate: Evaluate, today: datetime.date) -> None:
    lost = _referral(today, 12)
    Referral.objects.filter(pk=lost.pk).update(
        acceptance=Acceptance.REASSIGNED, decided_on=lost.acceptance_due + DAY
    )
    assert [f.object_id for f in evaluate("referral_response").failures] == [lost.pk]
    (failure,) = evaluate("referral_acceptance").failures
    assert "reassigned (lost)" in failure.message


def test_referral_owner_is_its_engagement_owner(
    evaluate: Evaluate, engagement: Engagement, consultant: User, today: datetime.date
) -> None:
    late = _referral(today, 10)
    Engagement.objects.filter(pk=engagement.pk).update(referral=late)
    (failure,) = evaluate("referral_response").failures
    assert (failure.engagement_id, failure.owner_id) == (engagement.pk, consultant.pk)


# --- out-of-scope work -----------------------------------------------------------------------


def test_out_of_scope_work_in_delivery(
    evaluate: Evaluate, engagement: Engagement, consultant: User
) -> None:
    request = out_of_scope_request(engagement, consultant)
    assert evaluate("out_of_scope_covered").checked == 0  # not in delivery yet
    CustomerRequest.objects.filter(pk=request.pk).update(status=RequestStatus.IN_DELIVERY)
    (failure,) = evaluate("out_of_scope_covered").failures
    assert (failure.object_type, failure.object_id) == ("scoping.customerrequest", request.pk)
    assert failure.message == (
        "Work outside the Benefit is in delivery with no disclosure to the customer recorded "
        "and no signed services contract linked."
    )
    assert failure.fix_url == reverse("scoping:request-detail", args=[request.pk])
    assert failure.owner_id == consultant.pk

    disclose(request, consultant)
    draft = make_contract(engagement, state=QuoteState.DRAFT)
    CustomerRequest.objects.filter(pk=request.pk).update(
        contract=draft, status=RequestStatus.DELIVERED
    )
    (failure,) = evaluate("out_of_scope_covered").failures
    assert failure.message == (
        f"Work outside the Benefit is delivered with contract {draft.number} is not signed (its "
        "quote is draft)."
    )
    signed = make_contract(engagement, state=QuoteState.COMPLETED)
    CustomerRequest.objects.filter(pk=request.pk).update(contract=signed)
    evaluation = evaluate("out_of_scope_covered")
    assert (evaluation.checked, evaluation.failures) == (1, [])


# --- claims and adoption ---------------------------------------------------------------------


def test_claim_deadline(evaluate: Evaluate, today: datetime.date) -> None:
    late = make_claim(state=ClaimState.SUBMITTED, on=today - 30 * DAY)
    make_claim(state=ClaimState.UNDER_REVIEW)
    make_claim(state=ClaimState.APPROVED, on=today - 60 * DAY)
    evaluation = evaluate("claim_deadline")
    assert evaluation.checked == 2  # approved claims have no clock
    (failure,) = evaluation.failures
    assert (failure.object_type, failure.object_id) == ("claims.claim", late.pk)
    assert failure.label == f"CLM-{late.pk} {late.name}"
    assert failure.message.startswith("Submitted: review starts by ")
    assert "overdue by" in failure.message
    assert failure.fix_url == reverse("claims:detail", args=[late.pk])


def test_au_falling_twice_on_a_claimed_workload(
    evaluate: Evaluate, consultant: User, today: datetime.date
) -> None:
    falling = CustomerFactory(name="Falling Co", owner=consultant)
    rising = CustomerFactory()
    unclaimed = CustomerFactory()
    claim = make_claim(customer=falling, workloads=("teams", "exchange"), state=ClaimState.APPROVED)
    make_claim(customer=rising, workloads=("teams",), state=ClaimState.SUBMITTED)
    make_claim(customer=unclaimed, workloads=("teams",), state=ClaimState.DRAFT)
    days = [today - weeks * 7 * DAY for weeks in (8, 6, 4, 2)]
    usage_history(falling, "teams", zip(days, (40, 50, 45, 42), [100] * 4, strict=True))
    usage_history(falling, "exchange", zip(days[:2], (50, 40), [100] * 2, strict=True))
    usage_history(rising, "teams", zip(days, (50, 45, 40, 41), [100] * 4, strict=True))
    usage_history(unclaimed, "teams", zip(days, (50, 45, 40, 30), [100] * 4, strict=True))
    evaluation = evaluate("au_not_falling")
    assert evaluation.checked == 3  # the claimed tenant × workloads (not the draft's)
    (failure,) = evaluation.failures
    teams = claim.workloads.get(workload__code="teams")
    assert (failure.object_type, failure.object_id) == ("claims.claimworkload", teams.pk)
    assert failure.message == (
        "AU% of Microsoft Teams fell in two consecutive reports: "
        f"50.0% ({days[1].isoformat()}) → 45.0% ({days[2].isoformat()}) → 42.0% "
        f"({days[3].isoformat()})."
    )
    assert failure.fix_url == reverse("customers:detail", args=[falling.pk]) + "?tab=adoption"
    assert (failure.customer_id, failure.owner_id) == (falling.pk, consultant.pk)


# --- satisfaction ----------------------------------------------------------------------------


def _responses(customer: Any, today: datetime.date, *ratings: str, days_ago: int = 5) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(customer=customer, responded_on=today - days_ago * DAY, rating=rating)
        for rating in ratings
    )


def test_nsat_per_customer_and_overall(
    evaluate: Evaluate, today: datetime.date, partner_profile: Any
) -> None:
    happy, unhappy = CustomerFactory(name="Happy"), CustomerFactory(name="Unhappy")
    vs, vd = Rating.VERY_SATISFIED, Rating.VERY_DISSATISFIED
    _responses(happy, today, vs, vs, vs)
    _responses(unhappy, today, vs, vd, vd)
    _responses(unhappy, today, vd, vd, vd, vd, days_ago=100)  # before the quarter
    evaluation = evaluate("nsat")
    assert evaluation.checked == 3  # two customers and the overall figure
    (failure,) = evaluation.failures
    assert (failure.object_type, failure.object_id) == ("customers.customer", unhappy.pk)
    assert failure.message.startswith(
        f"NSAT 66.7 over the 90 days since {(today - 89 * DAY).isoformat()} from 3 responses "
        "(1 very satisfied, 2 dissatisfied)"
    )
    _responses(happy, today, vd, vd, vd, vd, vd)
    found = failing(evaluate("nsat"))
    overall = found[("partner.partnerprofile", 1)]
    assert overall.label == "Contoso Consulting (overall)"
    assert Decimal(overall.message.split()[1]) < 80
    assert overall.fix_url == reverse("satisfaction:nsat")


def test_nothing_checked_without_data(evaluate: Evaluate) -> None:
    for code in RULES:
        if code != "spoc_set":
            assert evaluate(code).checked == 0, code


# --- set-based -------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_portfolio(
    consultant: User, partner_profile: Any, today: datetime.date
) -> None:
    def queries() -> dict[str, int]:
        counts = {}
        for code, evaluation in CHECKS.items():
            with CaptureQueriesContext(connection) as captured:
                evaluation(today)
            counts[code] = len(captured.captured_queries)
        return counts

    def grow(count: int) -> None:
        for _ in range(count):
            customer = CustomerFactory(owner=consultant)
            CustomerContactFactory(customer=customer)
            engagement = make_engagement(
                owner=consultant, customer=customer, workloads=("teams", "exchange")
            )
            Engagement.objects.filter(pk=engagement.pk).update(started_on=today - 40 * DAY)
            make_claim(
                engagement=engagement,
                workloads=("teams",),
                state=ClaimState.SUBMITTED,
                on=today - 30 * DAY,
            )
            _referral(today, 12)
            _responses(customer, today, Rating.VERY_DISSATISFIED)
            days = [today - weeks * 7 * DAY for weeks in (6, 4, 2)]
            usage_history(customer, "teams", zip(days, (50, 45, 40), [100] * 3, strict=True))

    grow(1)
    small = queries()
    grow(5)
    assert queries() == small
