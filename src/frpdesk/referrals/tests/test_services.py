"""Referral services: the clocks with holidays, decisions only on pending referrals, the paused
flag, and the hourly job that marks lost referrals and reminds the referral contact once a day."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frpdesk.catalog.models import Holiday, Threshold, Workload
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.referrals import services
from frpdesk.referrals.models import Acceptance, Referral, ReferralNote
from frpdesk.referrals.tasks import check_referral_clocks
from frpdesk.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 3, 5)
FRIDAY = datetime.date(2026, 3, 6)
MONDAY = datetime.date(2026, 3, 9)
TUESDAY = datetime.date(2026, 3, 10)


# --- clocks ----------------------------------------------------------------------------------


def test_clocks_skip_the_weekend_and_acceptance_is_seven_calendar_days() -> None:
    referral = ReferralFactory(assigned_on=THURSDAY)
    assert referral.first_response_due == MONDAY
    assert referral.acceptance_due == datetime.date(2026, 3, 12)


def test_a_holiday_moves_the_first_response_and_the_stored_clock_follows_the_list() -> None:
    referral = ReferralFactory(assigned_on=FRIDAY)
    assert referral.first_response_due == TUESDAY

    holiday = Holiday.objects.create(date=MONDAY, name="Bank holiday")
    referral.refresh_from_db()
    assert referral.first_response_due == datetime.date(2026, 3, 11)
    assert referral.acceptance_due == datetime.date(2026, 3, 13)  # calendar days: unchanged

    holiday.delete()
    referral.refresh_from_db()
    assert referral.first_response_due == TUESDAY


def test_changing_the_assignment_date_recomputes_the_clocks() -> None:
    referral = ReferralFactory(assigned_on=THURSDAY)
    referral.assigned_on = FRIDAY
    services.save_referral(acting_user=None, referral=referral)
    referral.refresh_from_db()
    assert (referral.first_response_due, referral.acceptance_due) == (
        TUESDAY,
        datetime.date(2026, 3, 13),
    )


def test_the_thresholds_of_the_catalog_set_the_clocks() -> None:
    Threshold.objects.filter(code="referral_acceptance_days").update(value=10)
    Threshold.objects.filter(code="referral_first_response_business_days").update(value=3)
    referral = ReferralFactory(assigned_on=THURSDAY)
    assert referral.first_response_due == TUESDAY
    assert referral.acceptance_due == datetime.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("today", "responded", "overdue"),
    [
        (MONDAY, False, False),  # the due day itself is not overdue
        (TUESDAY, False, True),  # no first response after its due date
        (TUESDAY, True, False),  # answered: only acceptance counts
        (datetime.date(2026, 3, 12), True, False),
        (datetime.date(2026, 3, 13), True, True),  # past acceptance due
    ],
)
def test_overdue_is_the_same_in_python_and_in_the_database(
    today: datetime.date, responded: bool, overdue: bool
) -> None:
    referral = ReferralFactory(assigned_on=THURSDAY)
    if responded:
        services.record_first_response(acting_user=None, referral=referral, on=FRIDAY)
        referral.refresh_from_db()
    assert services.is_overdue(referral, today) is overdue
    assert Referral.objects.filter(services.overdue_condition(today)).exists() is overdue


def test_decided_referrals_are_never_overdue() -> None:
    referral = ReferralFactory(assigned_on=THURSDAY)
    services.decline_referral(acting_user=None, referral=referral, reason="Out of region")
    referral.refresh_from_db()
    assert not services.is_overdue(referral, datetime.date(2026, 4, 1))


def test_urgency_puts_overdue_first_and_decided_last() -> None:
    today = datetime.date(2026, 3, 10)
    decided = ReferralFactory(referral_id="DECIDED", assigned_on=datetime.date(2026, 3, 2))
    services.decline_referral(acting_user=None, referral=decided, reason="Not our region")
    later = ReferralFactory(referral_id="LATER", assigned_on=datetime.date(2026, 3, 9))
    overdue = ReferralFactory(referral_id="OVERDUE", assigned_on=datetime.date(2026, 3, 4))
    answered = ReferralFactory(referral_id="ANSWERED", assigned_on=datetime.date(2026, 3, 4))
    services.record_first_response(
        acting_user=None, referral=answered, on=datetime.date(2026, 3, 5)
    )
    ordered = services.by_urgency(Referral.objects.all(), today)
    assert [referral.referral_id for referral in ordered] == [
        "OVERDUE",  # first response was due 2026-03-06
        "ANSWERED",  # acceptance due 2026-03-11
        "LATER",  # first response due 2026-03-11, acceptance 2026-03-16
        "DECIDED",
    ]
    assert [referral.is_overdue for referral in ordered] == [True, False, False, False]
    assert later.first_response_due == datetime.date(2026, 3, 11)
    assert overdue.pk


# --- register --------------------------------------------------------------------------------


def test_a_referral_links_the_customer_of_its_tenant() -> None:
    customer = CustomerFactory()
    referral = ReferralFactory(tenant_id=customer.tenant_id)
    assert referral.customer == customer
    assert ReferralFactory().customer is None


def test_referrals_received_while_paused_are_flagged(partner_profile: Any) -> None:
    referral_profile = partner_profile.referral_profile
    referral_profile.referrals_paused_until = FRIDAY
    referral_profile.save()
    assert ReferralFactory(assigned_on=THURSDAY).received_while_paused
    assert ReferralFactory(assigned_on=FRIDAY).received_while_paused
    assert not ReferralFactory(assigned_on=MONDAY).received_while_paused


def test_without_a_pause_nothing_is_flagged(partner_profile: Any) -> None:
    assert not ReferralFactory(assigned_on=THURSDAY).received_while_paused


# --- first response --------------------------------------------------------------------------


def test_first_response_is_recorded_once_and_not_before_the_assignment() -> None:
    referral = ReferralFactory(assigned_on=THURSDAY)
    with pytest.raises(ValidationError, match="cannot be before the assignment"):
        services.record_first_response(
            acting_user=None, referral=referral, on=datetime.date(2026, 3, 1)
        )
    services.record_first_response(acting_user=None, referral=referral, on=FRIDAY)
    referral.refresh_from_db()
    assert referral.first_responded_on == FRIDAY
    with pytest.raises(ValidationError, match="already recorded on 2026-03-06"):
        services.record_first_response(acting_user=None, referral=referral, on=MONDAY)


# --- accept and decline ----------------------------------------------------------------------


def test_accepting_creates_the_customer_and_opens_the_engagement(consultant: Any) -> None:
    tenant = uuid.uuid4()
    referral = ReferralFactory(
        tenant_name="Northwind Traders",
        tenant_id=tenant,
        tenant_domain="northwind.example",
        workloads=["exchange", "teams"],
    )
    engagement = services.accept_referral(acting_user=consultant, referral=referral)

    customer = Customer.objects.get(tenant_id=tenant)
    assert (customer.name, customer.primary_domain) == ("Northwind Traders", "northwind.example")
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.ACCEPTED
    assert referral.decided_on == timezone.localdate()
    assert referral.first_responded_on == timezone.localdate()
    assert referral.customer == customer
    assert engagement.referral == referral
    assert engagement.customer == customer
    assert engagement.owner == consultant
    assert sorted(engagement.workloads.values_list("workload__code", flat=True)) == [
        "exchange",
        "teams",
    ]
    assert engagement.timeline.filter(kind="referral_accepted").exists()


def test_accepting_links_the_existing_customer_of_the_tenant(consultant: Any) -> None:
    referral = ReferralFactory()
    customer = CustomerFactory(tenant_id=referral.tenant_id, name="Known Customer")
    engagement = services.accept_referral(acting_user=consultant, referral=referral)
    assert engagement.customer == customer
    assert Customer.objects.count() == 1


def test_accepting_with_chosen_workloads_and_owner(consultant: Any, program_admin: Any) -> None:
    referral = ReferralFactory(workloads=["exchange"])
    engagement = services.accept_referral(
        acting_user=program_admin,
        referral=referral,
        owner=consultant,
        workloads=list(Workload.objects.filter(code__in=["intune", "teams"])),
    )
    assert engagement.owner == consultant
    assert sorted(engagement.workloads.values_list("workload__code", flat=True)) == [
        "intune",
        "teams",
    ]


def test_accepting_twice_is_refused_and_says_why(consultant: Any) -> None:
    referral = ReferralFactory(referral_id="FT-ONCE")
    services.accept_referral(acting_user=consultant, referral=referral)
    with pytest.raises(ValidationError) as refused:
        services.accept_referral(acting_user=consultant, referral=referral)
    assert refused.value.messages == [
        f"Referral FT-ONCE cannot be accepted: it was already accepted on "
        f"{timezone.localdate().isoformat()}. Only pending referrals can be."
    ]
    assert Engagement.objects.count() == 1


def test_accepting_without_a_tenant_id_or_workloads_is_refused(consultant: Any) -> None:
    with pytest.raises(ValidationError, match="has no tenant ID"):
        services.accept_referral(acting_user=consultant, referral=ReferralFactory(tenant_id=None))
    with pytest.raises(ValidationError, match="Choose at least one workload"):
        services.accept_referral(acting_user=consultant, referral=ReferralFactory(workloads=[]))
    assert not Engagement.objects.exists()
    assert not Customer.objects.exists()
    assert set(Referral.objects.values_list("acceptance", flat=True)) == {Acceptance.PENDING}


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(reason: str) -> None:
    referral = ReferralFactory()
    with pytest.raises(ValidationError) as refused:
        services.decline_referral(acting_user=None, referral=referral, reason=reason)
    assert refused.value.message_dict == {
        "decline_reason": ["Give a reason to decline the referral; Partner Center requires one."]
    }
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.PENDING


def test_declining_keeps_the_reason_and_cannot_be_undone_by_accepting(consultant: Any) -> None:
    referral = ReferralFactory()
    services.decline_referral(acting_user=consultant, referral=referral, reason=" Out of region ")
    referral.refresh_from_db()
    assert (referral.acceptance, referral.decline_reason) == (Acceptance.DECLINED, "Out of region")
    with pytest.raises(ValidationError, match="it was already declined"):
        services.accept_referral(acting_user=consultant, referral=referral)


def test_notes_are_appended_and_read_newest_first(consultant: Any) -> None:
    referral = ReferralFactory()
    with pytest.raises(ValidationError, match="Write the note first"):
        services.add_note(acting_user=consultant, referral=referral, text="  ")
    services.add_note(acting_user=consultant, referral=referral, text="Called the IT lead")
    services.add_note(acting_user=consultant, referral=referral, text="Sent the kickoff deck")
    assert [note.text for note in referral.notes.all()] == [
        "Sent the kickoff deck",
        "Called the IT lead",
    ]
    assert ReferralNote.objects.filter(author=consultant).count() == 2


# --- the scheduled job -----------------------------------------------------------------------


def test_the_job_reassigns_lost_referrals_and_reminds_once_a_day(
    referral_contact: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    lost = ReferralFactory(referral_id="LOST", assigned_on=today - datetime.timedelta(days=8))
    due = ReferralFactory(referral_id="DUE", assigned_on=today - datetime.timedelta(days=5))
    fresh = ReferralFactory(referral_id="FRESH", assigned_on=today)

    with django_capture_on_commit_callbacks(execute=True):
        check_referral_clocks.call()

    lost.refresh_from_db()
    assert lost.acceptance == Acceptance.REASSIGNED
    assert lost.decided_on == lost.acceptance_due + datetime.timedelta(days=1)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["referrals@partner.example"]
    assert mail.subject == "1 FastTrack referral needs an answer"
    assert "DUE (" in mail.body
    assert "(OVERDUE)" in mail.body
    assert "LOST" not in mail.body
    assert "FRESH" not in mail.body
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.reminder_sent_on, fresh.reminder_sent_on) == (today, None)

    with django_capture_on_commit_callbacks(execute=True):
        check_referral_clocks.call()
    assert len(mailoutbox) == 1  # once per referral per day


def test_reminders_cover_first_response_due_today_and_acceptance_within_two_days(
    referral_contact: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    today = datetime.date(2026, 3, 9)  # Monday
    first_response_today = ReferralFactory(referral_id="FR-TODAY", assigned_on=THURSDAY)
    answered_soon_lost = ReferralFactory(
        referral_id="ACCEPT-SOON", assigned_on=datetime.date(2026, 3, 4)
    )
    services.record_first_response(
        acting_user=None, referral=answered_soon_lost, on=datetime.date(2026, 3, 4)
    )
    answered_later = ReferralFactory(referral_id="LATER", assigned_on=datetime.date(2026, 3, 6))
    services.record_first_response(
        acting_user=None, referral=answered_later, on=datetime.date(2026, 3, 6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(today=today) == 2
    body = mailoutbox[0].body
    assert "FR-TODAY" in body
    assert "ACCEPT-SOON" in body
    assert "LATER" not in body
    assert first_response_today.pk
    assert mailoutbox[0].subject == "2 FastTrack referrals need an answer"


def test_no_referral_contact_no_reminder_and_nothing_marked(
    partner_profile: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    referral = ReferralFactory(assigned_on=timezone.localdate() - datetime.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 0
    referral.refresh_from_db()
    assert referral.reminder_sent_on is None
    assert mailoutbox == []


def test_the_job_is_scheduled_hourly() -> None:
    from frpdesk.core.jobs import SCHEDULE

    job = SCHEDULE[check_referral_clocks.name]
    assert job.interval == datetime.timedelta(hours=1)
