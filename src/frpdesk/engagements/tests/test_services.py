"""The engagement services: opening, routing, staleness, phases, checklists and my work."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.models import PartnerAssociation
from frpdesk.catalog.models import DeliveryPhase, DeliveryStatus, MilestoneTemplate, Workload
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.engagements import services
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementPhase,
    EventKind,
    Origin,
    Routing,
    StatusNote,
    WorkloadSource,
)
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.tests.factories import EndorsementFactory
from frpdesk.referrals.models import Referral, ReferralKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def endorsed_for_teams(partner_profile: Any) -> None:
    EndorsementFactory(profile=partner_profile, workload=Workload.objects.get(code="teams"))


def kinds(engagement: Engagement) -> list[str]:
    return list(engagement.timeline.order_by("at", "pk").values_list("kind", flat=True))


# --- open_engagement -------------------------------------------------------------------------


def test_open_engagement_builds_phase_workloads_checklists_and_timeline(consultant: User) -> None:
    customer = CustomerFactory(name="Fabrikam")
    referral = Referral.objects.create(
        referral_id="REF-1",
        kind=ReferralKind.BENEFIT,
        tenant_name="Fabrikam",
        assigned_on=TODAY,
        first_response_due=TODAY,
        acceptance_due=TODAY,
    )
    workloads = list(Workload.objects.filter(code__in=["teams", "exchange"]))

    engagement = services.open_engagement(
        acting_user=consultant,
        customer=customer,
        origin=Origin.REFERRAL,
        workloads=workloads,
        owner=consultant,
        referral=referral,
    )

    first = DeliveryPhase.objects.order_by("sort_order").first()
    assert engagement.name == "Fabrikam FastTrack onboarding"
    assert engagement.started_on == TODAY
    assert engagement.phase == first
    assert list(engagement.team.all()) == [consultant]
    assert list(engagement.phases.values_list("phase", "started_on", "ended_on")) == [
        (first.pk, TODAY, None)
    ]
    assert {ew.workload.code: ew.source for ew in engagement.workloads.all()} == {
        "teams": WorkloadSource.REFERRED,
        "exchange": WorkloadSource.REFERRED,
    }
    templates = list(MilestoneTemplate.objects.all())
    teams = engagement.workloads.get(workload__code="teams")
    items = list(teams.checklist.all())
    assert [item.name for item in items] == [template.name for template in templates]
    kickoff = teams.checklist.get(template__code="kickoff")
    assert kickoff.due_on == TODAY + datetime.timedelta(days=kickoff.template.due_after_days)
    assert kickoff.phase.code == "initiate"
    assert {item.owner for item in items} == {consultant}
    assert kinds(engagement) == [EventKind.OPENED, EventKind.REFERRAL_ACCEPTED]
    assert "REF-1" in engagement.timeline.get(kind=EventKind.REFERRAL_ACCEPTED).message


def test_open_engagement_requires_a_workload(consultant: User) -> None:
    with pytest.raises(ValidationError, match="at least one workload"):
        services.open_engagement(
            acting_user=consultant,
            customer=CustomerFactory(),
            origin=Origin.OWN_LEAD,
            workloads=[],
            owner=consultant,
        )
    assert not Engagement.objects.exists()


# --- routing ---------------------------------------------------------------------------------


@pytest.fixture
def viva_engagement(consultant: User, endorsed_for_teams: None) -> Engagement:
    customer = CustomerFactory(name="Northwind", country="DE", primary_domain="northwind.example")
    CustomerContactFactory(customer=customer, name="Lee Park", email="lee@northwind.example")
    return make_engagement(owner=consultant, customer=customer, workloads=["teams", "viva_engage"])


def test_non_endorsed_workload_cannot_progress_until_routed(
    consultant: User, viva_engagement: Engagement
) -> None:
    viva = viva_engagement.workloads.get(workload__code="viva_engage")
    teams = viva_engagement.workloads.get(workload__code="teams")
    in_progress = DeliveryStatus.objects.get(level1="In Progress", level2="Migration")

    with pytest.raises(ValidationError, match="not endorsed"):
        services.update_workload_status(
            acting_user=consultant, engagement_workload=viva, status=in_progress
        )
    with pytest.raises(ValidationError, match="routing decision"):
        services.complete_checklist_item(acting_user=consultant, item=viva.checklist.first())
    viva.refresh_from_db()
    assert viva.status is None
    assert not viva.checklist.exclude(done_on=None).exists()

    # The endorsed workload progresses freely.
    services.update_workload_status(
        acting_user=consultant, engagement_workload=teams, status=in_progress, status_l3="Wave 1"
    )
    assert viva_engagement.timeline.filter(kind=EventKind.STATUS_CHANGED).count() == 1

    services.route_workload(
        acting_user=consultant,
        engagement_workload=viva,
        routing=Routing.DELIVER,
        justification="Two certified consultants on staff.",
    )
    services.update_workload_status(
        acting_user=consultant, engagement_workload=viva, status=in_progress
    )
    viva.refresh_from_db()
    assert viva.status == in_progress


def test_deliver_ourselves_needs_a_justification(
    consultant: User, viva_engagement: Engagement
) -> None:
    viva = viva_engagement.workloads.get(workload__code="viva_engage")
    with pytest.raises(ValidationError) as refused:
        services.route_workload(
            acting_user=consultant, engagement_workload=viva, routing=Routing.DELIVER
        )
    assert "justification" in refused.value.message_dict
    viva.refresh_from_db()
    assert viva.routing == ""

    services.route_workload(
        acting_user=consultant,
        engagement_workload=viva,
        routing=Routing.DELIVER,
        justification="Exam booked",
    )
    viva.refresh_from_db()
    assert (viva.routing, viva.routing_justification, viva.routed_by) == (
        Routing.DELIVER,
        "Exam booked",
        consultant,
    )
    event = viva_engagement.timeline.get(kind=EventKind.ROUTING_DECIDED)
    assert "Exam booked" in event.message


def test_endorsed_workloads_need_no_routing(consultant: User, viva_engagement: Engagement) -> None:
    teams = viva_engagement.workloads.get(workload__code="teams")
    with pytest.raises(ValidationError, match="endorsed for Microsoft Teams"):
        services.route_workload(
            acting_user=consultant, engagement_workload=teams, routing=Routing.RFA
        )


def test_hand_off_candidates_are_endorsed_for_the_workload_and_serve_the_country(
    viva_engagement: Engagement,
) -> None:
    viva = viva_engagement.workloads.get(workload__code="viva_engage")
    fits = DirectoryPartnerFactory(
        name="Fits", countries=["DE", "AT"], endorsed_workloads=["viva_engage"]
    )
    DirectoryPartnerFactory(
        name="Wrong country", countries=["US"], endorsed_workloads=["viva_engage"]
    )
    DirectoryPartnerFactory(name="Wrong workload", countries=["DE"], endorsed_workloads=["teams"])

    assert list(services.handoff_candidates(viva)) == [fits]


def test_hand_off_records_the_partner_and_generates_the_note(
    consultant: User, viva_engagement: Engagement
) -> None:
    viva = viva_engagement.workloads.get(workload__code="viva_engage")
    partner = DirectoryPartnerFactory(
        name="Engage Experts",
        partner_id="5551234",
        contact_name="Sam Ruiz",
        countries=["DE"],
        endorsed_workloads=["viva_engage"],
    )
    outsider = DirectoryPartnerFactory(countries=["US"], endorsed_workloads=["viva_engage"])
    with pytest.raises(ValidationError) as refused:
        services.route_workload(
            acting_user=consultant,
            engagement_workload=viva,
            routing=Routing.HAND_OFF,
            handoff_partner=outsider,
        )
    assert "handoff_partner" in refused.value.message_dict

    services.route_workload(
        acting_user=consultant,
        engagement_workload=viva,
        routing=Routing.HAND_OFF,
        handoff_partner=partner,
        justification="Customer wants a local Viva specialist.",
    )

    viva.refresh_from_db()
    assert viva.handoff_partner == partner
    note = viva.routing_note
    customer = viva_engagement.customer
    for text in (
        "Hand-off of Viva Engage",
        "Engage Experts (PartnerID 5551234)",
        "Sam Ruiz",
        f"Tenant ID: {customer.tenant_id}",
        "Primary domain: northwind.example",
        "Lee Park",
        "Done so far:",
        "We are not endorsed for Viva Engage",
        "Customer wants a local Viva specialist.",
    ):
        assert text in note
    event = viva_engagement.timeline.get(kind=EventKind.HANDED_OFF)
    assert "Engage Experts" in event.message
    assert event.data["handoff_partner"] == "5551234"


def test_request_for_assistance_advice_lists_steps_and_information(
    consultant: User, viva_engagement: Engagement
) -> None:
    viva = viva_engagement.workloads.get(workload__code="viva_engage")
    services.route_workload(acting_user=consultant, engagement_workload=viva, routing=Routing.RFA)

    viva.refresh_from_db()
    advice = viva.routing_note
    for text in (
        "fasttrack.microsoft.com",
        "Microsoft 365 admin center",
        "Request for Assistance (RFA) for Viva Engage",
        f"Tenant ID: {viva_engagement.customer.tenant_id}",
        "Primary domain: northwind.example",
        "Workload: Viva Engage",
        "Licences:",
        "Lee Park",
        "Timeline:",
    ):
        assert text in advice
    assert viva_engagement.timeline.filter(kind=EventKind.ROUTING_DECIDED).exists()


# --- staleness -------------------------------------------------------------------------------


def write_note(engagement: Engagement, user: User, days_old: int) -> StatusNote:
    note = services.add_status_note(
        acting_user=user,
        engagement=engagement,
        onboarding_scope="Teams rollout",
        next_action="Kickoff",
        next_action_on=TODAY,
        next_action_owner=user,
    )
    StatusNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return note


@pytest.mark.parametrize(("days_old", "stale"), [(13, False), (14, True)])
def test_stale_at_fourteen_days_after_the_last_note(
    consultant: User, days_old: int, stale: bool
) -> None:
    engagement = make_engagement(owner=consultant, started_on=days_ago(60))
    write_note(engagement, consultant, days_old)
    assert services.is_stale(engagement) is stale
    assert Engagement.objects.filter(services.stale_condition()).exists() is stale


@pytest.mark.parametrize(("started", "stale"), [(13, False), (14, True)])
def test_without_notes_stale_fourteen_days_after_the_start(
    consultant: User, started: int, stale: bool
) -> None:
    engagement = make_engagement(owner=consultant, started_on=days_ago(started))
    assert services.is_stale(engagement) is stale


def test_a_new_note_makes_a_stale_engagement_fresh(consultant: User) -> None:
    engagement = make_engagement(owner=consultant, started_on=days_ago(30))
    assert services.is_stale(engagement)
    write_note(engagement, consultant, 0)
    annotated = services.with_staleness(Engagement.objects.all()).get(pk=engagement.pk)
    assert annotated.is_stale is False
    assert annotated.last_note_at is not None
    assert engagement.timeline.filter(kind=EventKind.NOTE_ADDED).exists()


def test_closed_engagements_are_never_stale(consultant: User) -> None:
    engagement = make_engagement(owner=consultant, started_on=days_ago(30))
    services.close_engagement(acting_user=consultant, engagement=engagement)
    assert not services.is_stale(engagement)


# --- phases, checklist, association, team ----------------------------------------------------


def test_move_records_the_phase_history_and_an_event(consultant: User) -> None:
    engagement = make_engagement(owner=consultant, started_on=days_ago(10))
    assess = DeliveryPhase.objects.get(code="assess")

    services.move_engagement(acting_user=consultant, engagement=engagement, phase=assess)

    engagement.refresh_from_db()
    assert engagement.phase == assess
    history = list(
        EngagementPhase.objects.filter(engagement=engagement).values_list(
            "phase__code", "started_on", "ended_on"
        )
    )
    assert history == [("initiate", days_ago(10), TODAY), ("assess", TODAY, None)]
    event = engagement.timeline.get(kind=EventKind.PHASE_CHANGED)
    assert event.message == "Phase changed from Initiate to Assess"
    assert event.actor == consultant

    # Moving to the same phase changes nothing.
    services.move_engagement(acting_user=consultant, engagement=engagement, phase=assess)
    assert engagement.timeline.filter(kind=EventKind.PHASE_CHANGED).count() == 1


def test_closed_engagements_do_not_move(consultant: User) -> None:
    engagement = make_engagement(owner=consultant)
    services.close_engagement(acting_user=consultant, engagement=engagement)
    with pytest.raises(ValidationError, match="closed"):
        services.move_engagement(
            acting_user=consultant,
            engagement=engagement,
            phase=DeliveryPhase.objects.get(code="enable"),
        )


def test_checklist_item_done_once(consultant: User, endorsed_for_teams: None) -> None:
    engagement = make_engagement(owner=consultant)
    item = ChecklistItem.objects.get(
        engagement_workload__engagement=engagement, template__code="kickoff"
    )

    services.complete_checklist_item(acting_user=consultant, item=item)

    item.refresh_from_db()
    assert (item.done_on, item.done_by) == (TODAY, consultant)
    assert "Kickoff" in engagement.timeline.get(kind=EventKind.CHECKLIST_DONE).message
    with pytest.raises(ValidationError, match="already done"):
        services.complete_checklist_item(acting_user=consultant, item=item)


def test_association_date_is_the_adoption_record(
    consultant: User, endorsed_for_teams: None
) -> None:
    engagement = make_engagement(owner=consultant)
    teams = engagement.workloads.get()

    services.set_association_date(
        acting_user=consultant, engagement_workload=teams, associated_on=days_ago(3), note="C-1"
    )

    association = PartnerAssociation.objects.get(customer=engagement.customer)
    assert (association.workload.code, association.associated_on) == ("teams", days_ago(3))
    assert services.association_of(teams) == association
    assert engagement.timeline.filter(kind=EventKind.ASSOCIATION_SET).exists()


def test_team_change_keeps_the_owner_in_the_team(consultant: User, program_admin: User) -> None:
    engagement = make_engagement(owner=consultant)
    services.set_team(
        acting_user=consultant, engagement=engagement, owner=program_admin, team=[consultant]
    )
    engagement.refresh_from_db()
    assert engagement.owner == program_admin
    assert set(engagement.team.all()) == {consultant, program_admin}
    assert engagement.timeline.filter(kind=EventKind.TEAM_CHANGED).count() == 1


# --- my work ---------------------------------------------------------------------------------


def test_my_work_lists_overdue_items_first_and_my_next_actions(
    consultant: User, program_admin: User
) -> None:
    mine = make_engagement(owner=consultant, started_on=days_ago(30))
    theirs = make_engagement(owner=program_admin, started_on=days_ago(2))
    write_note(mine, consultant, 20)  # older note: not the newest any more
    newest = services.add_status_note(
        acting_user=consultant,
        engagement=mine,
        onboarding_scope="Teams",
        next_action="Send the assessment",
        next_action_on=days_ago(1),
        next_action_owner=consultant,
    )
    services.add_status_note(
        acting_user=program_admin,
        engagement=theirs,
        onboarding_scope="Teams",
        next_action="Not mine",
        next_action_on=TODAY,
        next_action_owner=program_admin,
    )

    work = services.my_work(consultant, Engagement.objects.all())

    assert work.next_actions == [newest]
    dues = [item.due_on for item in work.checklist]
    assert dues == sorted(dues)
    assert work.checklist[0].due_on < TODAY  # kickoff was due 7 days after the start: overdue
    assert {item.engagement_workload.engagement for item in work.checklist} == {mine}
    assert work.stale == []  # the newest note is from today

    stale_one = make_engagement(owner=consultant, started_on=days_ago(20))
    assert services.my_work(consultant, Engagement.objects.all()).stale == [stale_one]
