import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from frpdesk.accounts.models import User
from frpdesk.adoption.models import PartnerAssociation
from frpdesk.catalog.models import Holiday, Workload
from frpdesk.claims import services
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim, TransitionSource
from frpdesk.claims.tests.conftest import Sign, signed_sow_bytes
from frpdesk.claims.tests.factories import PATHS, make_claim
from frpdesk.core.businessdays import add_business_days, business_days_between
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.licensing.models import Eligibility

MONDAY = datetime.date(2026, 3, 2)


def draft_from(engagement: Engagement, user: User) -> Claim:
    initial = services.initial_for(engagement, user)
    workloads = initial.pop("workloads")
    return services.save_claim(acting_user=user, claim=Claim(**initial), workloads=workloads)


# --- clocks ----------------------------------------------------------------------------------


def test_deadlines_skip_weekends_and_holidays(db: None) -> None:
    friday = datetime.date(2026, 3, 6)
    assert services.deadline_for(ClaimState.SUBMITTED, friday, set()) == datetime.date(2026, 3, 13)
    holiday = datetime.date(2026, 3, 9)
    assert services.deadline_for(ClaimState.SUBMITTED, friday, {holiday}) == datetime.date(
        2026, 3, 16
    )
    assert services.deadline_for(ClaimState.UNDER_REVIEW, MONDAY, set()) == datetime.date(
        2026, 3, 20
    )
    assert services.deadline_for(ClaimState.REJECTED, MONDAY, set()) == datetime.date(2026, 4, 1)
    assert services.deadline_for(ClaimState.APPROVED, MONDAY, set()) is None


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31)),
    state=st.sampled_from(services.CLOCKED_STATES),
    holidays=st.sets(
        st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2031, 2, 1)),
        max_size=10,
    ),
)
def test_clocked_deadline_is_that_many_business_days_later(
    start: datetime.date, state: str, holidays: set[datetime.date]
) -> None:
    deadline = services.deadline_for(state, start, holidays)
    assert deadline is not None
    expected = 5 if state == ClaimState.SUBMITTED else 14
    assert business_days_between(start, deadline, holidays) == expected
    assert deadline.weekday() < 5
    assert deadline not in holidays


def test_holiday_added_moves_open_deadlines(db: None) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED, on=MONDAY)
    assert claim.deadline == datetime.date(2026, 3, 9)
    Holiday.objects.create(date=datetime.date(2026, 3, 4), name="Test holiday")
    claim.refresh_from_db()
    assert claim.deadline == datetime.date(2026, 3, 10)


def test_overdue_from_the_day_after_the_deadline(db: None) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED, on=MONDAY)
    assert claim.deadline is not None
    assert not services.is_overdue(claim, claim.deadline)
    assert services.is_overdue(claim, claim.deadline + datetime.timedelta(days=1))
    overdue = Claim.objects.filter(services.overdue_condition(claim.deadline))
    assert not overdue.exists()
    assert "due today" in services.time_left(claim, claim.deadline, set())
    assert "overdue by 1 business day" in services.time_left(
        claim, claim.deadline + datetime.timedelta(days=1), set()
    )


def test_job_rejects_unanswered_action_and_flags_late_reviews_once(db: None) -> None:
    waiting = make_claim(state=ClaimState.ACTION_REQUIRED, on=MONDAY)
    late = make_claim(state=ClaimState.SUBMITTED, on=MONDAY)
    fresh = make_claim(state=ClaimState.UNDER_REVIEW, on=MONDAY)
    assert waiting.deadline == add_business_days(MONDAY, 14)
    today = waiting.deadline  # the deadline day itself: nothing happens to the answer clock
    run = services.check_claim_clocks(today=today)
    assert run.rejected == []
    assert [claim.pk for claim in run.flagged] == [late.pk]

    run = services.check_claim_clocks(today=today + datetime.timedelta(days=1))
    assert [claim.pk for claim in run.rejected] == [waiting.pk]
    assert {claim.pk for claim in run.flagged} == {fresh.pk}  # late was flagged already
    waiting.refresh_from_db()
    assert waiting.state == ClaimState.REJECTED
    assert waiting.rejected_on == today + datetime.timedelta(days=1)
    last = waiting.transitions.last()
    assert last is not None
    assert last.source == TransitionSource.TIMER
    assert waiting.overdue_flagged_at is None
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None


# --- the state machine -----------------------------------------------------------------------

LEGAL = [(source, target) for source, targets in services.TRANSITIONS.items() for target in targets]
ILLEGAL = [
    (source, target)
    for source in ClaimState.values
    for target in ClaimState.values
    if target not in services.TRANSITIONS[source] and source != ClaimState.DRAFT
]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_transitions_are_refused_with_the_reason(
    db: None, source: str, target: str
) -> None:
    claim = make_claim(state=source, on=MONDAY)
    with pytest.raises(ValidationError) as error:
        services.transition_claim(
            acting_user=None, claim=claim, state=target, reason="x", today=MONDAY
        )
    assert "cannot go from" in str(error.value)
    claim.refresh_from_db()
    assert claim.state == source


@pytest.mark.parametrize(
    ("source", "target"), [pair for pair in LEGAL if pair[0] != ClaimState.DRAFT]
)
def test_legal_transitions_are_recorded(db: None, source: str, target: str) -> None:
    claim = make_claim(state=source, on=MONDAY)
    count = claim.transitions.count()
    services.transition_claim(
        acting_user=None, claim=claim, state=target, reason="Because", on=MONDAY, today=MONDAY
    )
    claim.refresh_from_db()
    assert claim.state == target
    assert claim.transitions.count() == count + 1


def test_draft_moves_only_by_submit(db: None) -> None:
    claim = make_claim()
    with pytest.raises(ValidationError, match="Submit"):
        services.transition_claim(acting_user=None, claim=claim, state=ClaimState.SUBMITTED)


@pytest.mark.parametrize("state", [ClaimState.REJECTED, ClaimState.ACTION_REQUIRED])
def test_rejection_and_requested_action_need_a_reason(db: None, state: str) -> None:
    claim = make_claim(state=ClaimState.UNDER_REVIEW)
    with pytest.raises(ValidationError) as error:
        services.transition_claim(acting_user=None, claim=claim, state=state)
    assert "reason" in error.value.message_dict


def test_dates_cannot_be_future_or_before_the_state(db: None) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED, on=MONDAY)
    with pytest.raises(ValidationError, match="future"):
        services.transition_claim(
            acting_user=None,
            claim=claim,
            state=ClaimState.UNDER_REVIEW,
            on=MONDAY + datetime.timedelta(days=2),
            today=MONDAY,
        )
    with pytest.raises(ValidationError, match="before"):
        services.transition_claim(
            acting_user=None,
            claim=claim,
            state=ClaimState.UNDER_REVIEW,
            on=MONDAY - datetime.timedelta(days=1),
            today=MONDAY,
        )


def test_dispute_within_30_days_only_and_once(db: None) -> None:
    claim = make_claim(state=ClaimState.REJECTED, on=MONDAY)
    late = MONDAY + datetime.timedelta(days=31)
    with pytest.raises(ValidationError, match="no longer be disputed"):
        services.transition_claim(
            acting_user=None, claim=claim, state=ClaimState.DISPUTE, on=late, today=late
        )
    last_day = MONDAY + datetime.timedelta(days=30)
    services.transition_claim(
        acting_user=None, claim=claim, state=ClaimState.DISPUTE, on=last_day, today=last_day
    )
    services.transition_claim(
        acting_user=None,
        claim=claim,
        state=ClaimState.REJECTED_FINAL,
        reason="Upheld",
        on=last_day,
        today=last_day,
    )
    with pytest.raises(ValidationError, match="cannot go from"):
        services.transition_claim(
            acting_user=None, claim=claim, state=ClaimState.DISPUTE, on=last_day, today=last_day
        )


def test_approval_sets_the_association_dates(db: None, consultant: User) -> None:
    claim = make_claim(workloads=("teams", "exchange"), state=ClaimState.UNDER_REVIEW, on=MONDAY)
    approved_on = MONDAY + datetime.timedelta(days=3)
    services.transition_claim(
        acting_user=consultant,
        claim=claim,
        state=ClaimState.APPROVED,
        on=approved_on,
        today=approved_on,
    )
    associations = PartnerAssociation.objects.filter(customer=claim.customer)
    assert {(a.workload.code, a.associated_on) for a in associations} == {
        ("teams", approved_on),
        ("exchange", approved_on),
    }


def test_every_factory_state_is_reachable(db: None) -> None:
    for state in PATHS:
        assert make_claim(state=state).state == state


# --- the register ----------------------------------------------------------------------------


def test_initial_from_the_engagement(engagement: Engagement, sign: Sign, consultant: User) -> None:
    signed = sign()
    initial = services.initial_for(engagement, consultant)
    assert initial["customer"] == engagement.customer
    assert initial["tenant_id"] == engagement.customer.tenant_id
    assert {w.code for w in initial["workloads"]} == {"teams", "exchange"}
    assert initial["poe_signed_sow"] == signed
    assert initial["customer_contact_email"] == "dana.fox@fabrikam.example"
    assert initial["location_partner_id"] == "4871299"


def test_only_the_reference_changes_after_submission(db: None) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED)
    claim.partner_center_reference = "PC-1"
    services.save_claim(acting_user=None, claim=claim)
    claim.name = "Renamed"
    with pytest.raises(ValidationError, match="Only drafts"):
        services.save_claim(acting_user=None, claim=claim)
    with pytest.raises(ValidationError, match="Only drafts"):
        services.delete_claim(acting_user=None, claim=claim)


def test_signed_sow_of_another_engagement_is_refused(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    signed = sign()
    claim = make_claim(workloads=("teams",))
    claim.poe_signed_sow = signed
    with pytest.raises(ValidationError) as error:
        services.save_claim(acting_user=None, claim=claim)
    assert "poe_signed_sow" in error.value.message_dict


# --- rules at submission ---------------------------------------------------------------------


def test_submission_lists_every_failed_rule_then_passes_once_fixed(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    claim = draft_from(engagement, consultant)
    ExternalClaim.objects.create(
        customer=engagement.customer,
        workload=Workload.objects.get(code="exchange"),
        partner_name="Litware",
        seen_on=MONDAY,
    )
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit_claim(acting_user=consultant, claim=claim)
    rules = refused.value.failed_rules
    assert any("not endorsed for Exchange Online" in rule for rule in rules)
    assert any("claimed by Litware" in rule for rule in rules)
    assert any("No proof of execution" in rule for rule in rules)
    assert any("No services agreement" in rule for rule in rules)
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT
    assert claim.failed_rules == rules

    # Fix them: the signed SOW, a deliver-ourselves decision, the conflict resolved.
    claim.poe_signed_sow = sign()
    services.save_claim(acting_user=consultant, claim=claim)
    engagement.workloads.filter(workload__code="exchange").update(routing=Routing.DELIVER)
    ExternalClaim.objects.all().delete()
    services.submit_claim(acting_user=consultant, claim=claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED
    assert claim.failed_rules == []
    assert claim.submitted_on is not None
    assert engagement.timeline.filter(kind=EventKind.CLAIM_CHANGED).count() >= 2


def test_ineligible_tenant_and_double_claims_fail(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    sign()
    engagement.workloads.filter(workload__code="exchange").update(routing=Routing.DELIVER)
    first = draft_from(engagement, consultant)
    services.submit_claim(acting_user=consultant, claim=first)
    second = draft_from(engagement, consultant)
    eligibility = Eligibility.objects.get(customer=engagement.customer)
    eligibility.workloads["teams"]["eligible"] = False
    eligibility.save()
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit_claim(acting_user=consultant, claim=second)
    rules = refused.value.failed_rules
    assert any("not eligible for Microsoft Teams" in rule for rule in rules)
    assert sum("already in our claim CLM-" in rule for rule in rules) == 2


def test_unsigned_upload_fails_the_preflight_signed_upload_passes(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    from frpdesk.sow.services import render_sow

    sign()
    engagement.workloads.filter(workload__code="exchange").update(routing=Routing.DELIVER)
    claim = draft_from(engagement, consultant)
    services.attach_poe_file(
        acting_user=consultant,
        claim=claim,
        file_name="unsigned.docx",
        content=render_sow(engagement=engagement, file_format="docx"),
    )
    rules = services.submission_problems(claim)
    assert len(rules) == 1
    assert "unsigned.docx" in rules[0]
    assert "preflight" in rules[0]
    services.attach_poe_file(
        acting_user=consultant,
        claim=claim,
        file_name="signed.docx",
        content=signed_sow_bytes(engagement),
    )
    assert services.submission_problems(claim) == []
    name, content, digest = services.poe_document(claim) or ("", b"", "")
    assert name == "signed.docx"
    assert digest == claim.poe_sha256
    assert content


def test_export_has_what_partner_center_asks(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    signed = sign()
    claim = draft_from(engagement, consultant)
    data = services.export_data(claim)
    assert data["claim_id"] == f"CLM-{claim.pk}"
    assert data["tenant_id"] == str(engagement.customer.tenant_id)
    assert data["partner_role"] == "Use or consume"
    assert data["poe_sha256"] == signed.sha256
    assert data["poe_file_name"] == signed.file_name
    assert set(data["workloads"]) == {"Microsoft Teams", "Exchange Online"}
    csv_text = services.export_csv([claim])
    assert csv_text.splitlines()[0].startswith("Claim ID,Claim name,PartnerID (location)")
    assert signed.sha256 in csv_text
