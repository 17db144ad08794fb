"""State changes of engagements: every business event lands on the engagement's timeline.

Each function takes keyword-only arguments and the ``acting_user``, runs in one transaction and
refuses with a ``ValidationError`` that says what to do instead. Permission checks belong to the
callers (views and API go through ``frpdesk.core.access``).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.models import PartnerAssociation
from frpdesk.adoption.services import set_partner_association
from frpdesk.catalog.models import DeliveryPhase, DeliveryStatus, MilestoneTemplate, Workload
from frpdesk.catalog.services import threshold_int
from frpdesk.customers.models import Customer
from frpdesk.directory.filters import DirectoryPartnerFilter
from frpdesk.directory.models import DirectoryPartner
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementPhase,
    EngagementWorkload,
    EventKind,
    Origin,
    Routing,
    StatusNote,
    TimelineEvent,
    WorkloadSource,
)
from frpdesk.partner import services as partner_services
from frpdesk.referrals.models import Referral

STATUS_NOTE_MAX_AGE = "status_note_max_age_days"
FASTTRACK_SITE = "https://fasttrack.microsoft.com"
ADMIN_CENTER = "https://admin.microsoft.com"


def record_event(
    engagement: Engagement,
    kind: EventKind,
    message: str,
    actor: User | None,
    **data: Any,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        engagement=engagement, kind=kind, message=message[:500], actor=actor, data=data
    )


def user_label(user: User | None) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


# --- endorsement and routing -----------------------------------------------------------------


def endorsed_workload_ids(on: datetime.date | None = None) -> set[int]:
    """The workloads the partner holds an endorsement for on ``on`` (today by default)."""
    profile = partner_services.current_profile()
    if profile is None:
        return set()
    return {item.workload_id for item in partner_services.active_endorsements(profile, on)}


def needs_routing(engagement_workload: EngagementWorkload, endorsed: set[int]) -> bool:
    """Not endorsed and no routing decision yet: the workload may not progress."""
    return engagement_workload.workload_id not in endorsed and not engagement_workload.routing


def check_can_progress(engagement_workload: EngagementWorkload) -> None:
    if needs_routing(engagement_workload, endorsed_workload_ids()):
        raise ValidationError(
            f"{engagement_workload.workload.name} cannot progress yet: we are not endorsed for "
            "it. Record a routing decision first (deliver it ourselves, hand it off to another "
            "FRP or advise a FastTrack Request for Assistance).",
            code="routing_required",
        )


def check_open(engagement: Engagement) -> None:
    if engagement.closed_on is not None:
        raise ValidationError(
            f"{engagement} was closed on {engagement.closed_on.isoformat()}; it cannot change.",
            code="closed",
        )


def handoff_candidates(engagement_workload: EngagementWorkload) -> QuerySet[DirectoryPartner]:
    """Directory partners endorsed for the workload and serving the customer's country."""
    customer = engagement_workload.engagement.customer
    data = {"workload": engagement_workload.workload.code}
    if customer.country:
        data["country"] = customer.country.code
    filterset = DirectoryPartnerFilter(data=data, queryset=DirectoryPartner.objects.all())
    if not filterset.is_valid():
        return DirectoryPartner.objects.none()
    return filterset.qs.distinct().order_by("name")


@transaction.atomic
def route_workload(
    *,
    acting_user: User,
    engagement_workload: EngagementWorkload,
    routing: str,
    justification: str = "",
    handoff_partner: DirectoryPartner | None = None,
) -> EngagementWorkload:
    """Record what happens to a workload we are not endorsed for (and generate its texts)."""
    engagement = engagement_workload.engagement
    check_open(engagement)
    workload = engagement_workload.workload
    justification = justification.strip()
    if workload.pk in endorsed_workload_ids():
        raise ValidationError(
            f"We are endorsed for {workload.name}; it needs no routing decision.",
            code="endorsed",
        )
    if routing not in Routing.values:
        raise ValidationError({"routing": "Choose one of the three routing decisions."})
    engagement_workload.routing = routing
    engagement_workload.routing_justification = justification
    engagement_workload.handoff_partner = None
    engagement_workload.routing_note = ""
    if routing == Routing.DELIVER:
        if not justification:
            raise ValidationError(
                {
                    "justification": "Say why we deliver a workload we are not endorsed for "
                    "(for example: endorsement exam booked, certified staff on the project)."
                }
            )
        kind, message = (
            EventKind.ROUTING_DECIDED,
            f"{workload.name}: we deliver it ourselves — {justification}",
        )
    elif routing == Routing.HAND_OFF:
        if handoff_partner is None:
            raise ValidationError({"handoff_partner": "Choose the FRP to hand the workload to."})
        if not handoff_candidates(engagement_workload).filter(pk=handoff_partner.pk).exists():
            raise ValidationError(
                {
                    "handoff_partner": f"{handoff_partner} is not endorsed for {workload.name} "
                    "or does not serve the customer's country; choose a partner from the list."
                }
            )
        engagement_workload.handoff_partner = handoff_partner
        engagement_workload.routing_note = handoff_note(engagement_workload)
        kind, message = (
            EventKind.HANDED_OFF,
            f"{workload.name} handed off to {handoff_partner} ({handoff_partner.partner_id})",
        )
    else:
        engagement_workload.routing_note = rfa_advice(engagement_workload)
        kind, message = (
            EventKind.ROUTING_DECIDED,
            f"{workload.name}: customer advised to file a FastTrack Request for Assistance",
        )
    engagement_workload.routed_by = acting_user
    engagement_workload.routed_at = timezone.now()
    engagement_workload.save()
    record_event(
        engagement,
        kind,
        message,
        acting_user,
        workload=workload.code,
        routing=routing,
        handoff_partner=handoff_partner.partner_id if handoff_partner else None,
    )
    return engagement_workload


def _contact_lines(customer: Customer) -> list[str]:
    lines = []
    for contact in customer.contacts.all():
        details = ", ".join(
            part for part in (contact.title, contact.get_role_display(), contact.email) if part
        )
        lines.append(f"- {contact.name} ({details})")
    return lines or ["- No customer contact is recorded yet."]


def _eligible_seats(customer: Customer, workload: Workload) -> str:
    eligibility = getattr(customer, "eligibility", None)
    if eligibility is None:
        return "unknown (no licence snapshot yet)"
    entry = (eligibility.workloads or {}).get(workload.code) or {}
    seats, pau = entry.get("eligible_seats"), entry.get("pau")
    parts = []
    if seats is not None:
        parts.append(f"{seats} eligible seats")
    if pau is not None:
        parts.append(f"{pau} paid licences")
    return ", ".join(parts) or "unknown"


def _customer_lines(engagement_workload: EngagementWorkload) -> list[str]:
    customer = engagement_workload.engagement.customer
    workload = engagement_workload.workload
    return [
        f"Customer: {customer.name}",
        f"Tenant ID: {customer.tenant_id}",
        f"Primary domain: {customer.primary_domain or 'not recorded'}",
        f"Country: {customer.country.name if customer.country else 'not recorded'}",
        f"Workload: {workload.name} ({workload.code})",
        f"Licences: {_eligible_seats(customer, workload)}",
    ]


def handoff_note(engagement_workload: EngagementWorkload) -> str:
    """What the receiving FRP needs: who, which tenant and workload, what was done, and why."""
    engagement = engagement_workload.engagement
    workload = engagement_workload.workload
    partner = engagement_workload.handoff_partner
    profile = partner_services.current_profile()
    done = [
        f"- {item.name} (done {item.done_on.isoformat()})"
        for item in engagement_workload.checklist.exclude(done_on=None)
        if item.done_on
    ]
    latest = engagement.status_notes.first()
    lines = [f"Hand-off of {workload.name} for {engagement.customer.name}", ""]
    if partner is not None:
        lines.append(
            f"To: {partner.name} (PartnerID {partner.partner_id}), {partner.contact_name} "
            f"<{partner.contact_email}>"
            + (f", {partner.contact_phone}" if partner.contact_phone else "")
        )
    if profile is not None:
        lines.append(f"From: {profile}")
    lines += ["", *_customer_lines(engagement_workload), "", "Customer contacts:"]
    lines += _contact_lines(engagement.customer)
    lines += [
        "",
        "Done so far:",
        f"- Engagement opened on {engagement.started_on.isoformat()}; now in phase "
        f"{engagement.phase.name}.",
        f"- Workload status: {engagement_workload.status or 'not set'}"
        + (f" / {engagement_workload.status_l3}" if engagement_workload.status_l3 else ""),
    ]
    lines += done or ["- No checklist item of this workload is done yet."]
    if latest is not None:
        lines.append(f"- Latest status ({latest.created_at:%Y-%m-%d}): {latest.onboarding_scope}")
    lines += [
        "",
        "Why:",
        f"- We are not endorsed for {workload.name}; a partner endorsed for it serves the "
        "customer better.",
    ]
    if engagement_workload.routing_justification:
        lines.append(f"- {engagement_workload.routing_justification}")
    return "\n".join(lines) + "\n"


def rfa_advice(engagement_workload: EngagementWorkload) -> str:
    """The advice to file a FastTrack Request for Assistance: the steps and what it needs."""
    engagement = engagement_workload.engagement
    customer = engagement.customer
    workload = engagement_workload.workload
    latest = engagement.status_notes.first()
    timeline = (
        f"next step planned for {latest.next_action_on.isoformat()} ({latest.next_action})"
        if latest
        else "the dates the customer wants the workload deployed by"
    )
    lines = [
        f"Request for Assistance advice: {workload.name} for {customer.name}",
        "",
        f"We are not endorsed for {workload.name}, so we advise {customer.name} to ask "
        "Microsoft FastTrack for assistance directly.",
        "",
        "Steps:",
        f"1. A global administrator of the customer's tenant signs in to the FastTrack site "
        f"({FASTTRACK_SITE}) with their work account — or to the Microsoft 365 admin center "
        f"({ADMIN_CENTER}) and opens the FastTrack / Request for Assistance page.",
        f"2. They file a Request for Assistance (RFA) for {workload.name}.",
        "3. They fill in the information below and submit; FastTrack answers the request and "
        "assigns resources or a partner.",
        "",
        "Information the request needs:",
        *_customer_lines(engagement_workload),
        "Contact details:",
        *_contact_lines(customer),
        f"Timeline: {timeline}",
    ]
    if engagement_workload.routing_justification:
        lines += ["", f"Note: {engagement_workload.routing_justification}"]
    return "\n".join(lines) + "\n"


# --- opening and the workloads ---------------------------------------------------------------


def first_phase() -> DeliveryPhase:
    phase = DeliveryPhase.objects.order_by("sort_order", "pk").first()
    if phase is None:
        raise ValidationError(
            "The catalog has no delivery phases; load the program catalog first.",
            code="no_phases",
        )
    return phase


def _add_workload(engagement: Engagement, workload: Workload, source: str) -> EngagementWorkload:
    if engagement.workloads.filter(workload=workload).exists():
        raise ValidationError(
            {"workload": f"{workload.name} is already part of {engagement}."}, code="duplicate"
        )
    engagement_workload = EngagementWorkload.objects.create(
        engagement=engagement, workload=workload, source=source
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            engagement_workload=engagement_workload,
            template=template,
            name=template.name,
            phase=template.phase,
            owner=engagement.owner,
            due_on=engagement.started_on + datetime.timedelta(days=template.due_after_days),
            sort_order=template.sort_order,
        )
        for template in MilestoneTemplate.objects.select_related("phase")
    )
    return engagement_workload


@transaction.atomic
def open_engagement(
    *,
    acting_user: User | None,
    customer: Customer,
    origin: str,
    workloads: Sequence[Workload],
    owner: User | None,
    referral: Referral | None = None,
    source: str = WorkloadSource.REFERRED,
    started_on: datetime.date | None = None,
) -> Engagement:
    """A new engagement in the first phase, with a checklist per workload from the catalog."""
    if origin not in Origin.values:
        raise ValidationError({"origin": f"Unknown origin “{origin}”."})
    if source not in WorkloadSource.values:
        raise ValidationError({"workloads": f"Unknown workload source “{source}”."})
    if not workloads:
        raise ValidationError({"workloads": "Choose at least one workload."})
    if referral is not None and Engagement.objects.filter(referral=referral).exists():
        raise ValidationError(
            f"{referral} already has an engagement.", code="referral_has_engagement"
        )
    phase = first_phase()
    started = started_on or timezone.localdate()
    engagement = Engagement(
        customer=customer,
        name=f"{customer.name} FastTrack onboarding",
        origin=origin,
        referral=referral,
        owner=owner,
        phase=phase,
        started_on=started,
    )
    engagement.full_clean()
    engagement.save()
    if owner is not None:
        engagement.team.add(owner)
    EngagementPhase.objects.create(engagement=engagement, phase=phase, started_on=started)
    unique = list(dict.fromkeys(workloads))
    for workload in unique:
        _add_workload(engagement, workload, source)
    record_event(
        engagement,
        EventKind.OPENED,
        f"Engagement opened ({engagement.get_origin_display()}) for "
        f"{', '.join(workload.name for workload in unique)}; owner {user_label(owner)}",
        acting_user,
        workloads=[workload.code for workload in unique],
    )
    if referral is not None:
        record_event(
            engagement,
            EventKind.REFERRAL_ACCEPTED,
            f"Referral {referral.referral_id} accepted",
            acting_user,
            referral_id=referral.referral_id,
        )
    return engagement


@transaction.atomic
def add_workload(
    *, acting_user: User, engagement: Engagement, workload: Workload, source: str
) -> EngagementWorkload:
    check_open(engagement)
    engagement_workload = _add_workload(engagement, workload, source)
    record_event(
        engagement,
        EventKind.WORKLOAD_ADDED,
        f"{workload.name} added ({engagement_workload.get_source_display().lower()})",
        acting_user,
        workload=workload.code,
    )
    return engagement_workload


@transaction.atomic
def update_workload_status(
    *,
    acting_user: User,
    engagement_workload: EngagementWorkload,
    status: DeliveryStatus | None,
    status_l3: str = "",
    intent_note: str = "",
) -> EngagementWorkload:
    """Set the L1/L2 status, the L3 text and the intent note (refused until routed)."""
    check_open(engagement_workload.engagement)
    unchanged = (
        engagement_workload.status == status
        and engagement_workload.status_l3 == status_l3.strip()
        and engagement_workload.intent_note == intent_note.strip()
    )
    if unchanged:
        return engagement_workload
    check_can_progress(engagement_workload)
    before = str(engagement_workload.status or "not set")
    before_l3 = engagement_workload.status_l3
    engagement_workload.status = status
    engagement_workload.status_l3 = status_l3.strip()
    engagement_workload.intent_note = intent_note.strip()
    engagement_workload.full_clean()
    engagement_workload.save()
    after = str(status or "not set")
    if (before, before_l3) != (after, engagement_workload.status_l3):
        l3 = f" / {engagement_workload.status_l3}" if engagement_workload.status_l3 else ""
        record_event(
            engagement_workload.engagement,
            EventKind.STATUS_CHANGED,
            f"{engagement_workload.workload.name}: status {before} → {after}{l3}",
            acting_user,
            workload=engagement_workload.workload.code,
            before=before,
            after=after,
            l3=engagement_workload.status_l3,
        )
    return engagement_workload


def association_of(engagement_workload: EngagementWorkload) -> PartnerAssociation | None:
    return PartnerAssociation.objects.filter(
        customer_id=engagement_workload.engagement.customer_id,
        workload_id=engagement_workload.workload_id,
    ).first()


@transaction.atomic
def set_association_date(
    *,
    acting_user: User,
    engagement_workload: EngagementWorkload,
    associated_on: datetime.date,
    note: str = "",
) -> PartnerAssociation:
    """The partner association date lives in adoption; the engagement records the event."""
    engagement = engagement_workload.engagement
    association = set_partner_association(
        acting_user=acting_user,
        customer=engagement.customer,
        workload=engagement_workload.workload,
        associated_on=associated_on,
        note=note,
    )
    record_event(
        engagement,
        EventKind.ASSOCIATION_SET,
        f"{engagement_workload.workload.name}: partner association date set to "
        f"{associated_on.isoformat()}",
        acting_user,
        workload=engagement_workload.workload.code,
        associated_on=associated_on.isoformat(),
    )
    return association


# --- checklist -------------------------------------------------------------------------------


@transaction.atomic
def complete_checklist_item(
    *, acting_user: User, item: ChecklistItem, done_on: datetime.date | None = None
) -> ChecklistItem:
    engagement_workload = item.engagement_workload
    check_open(engagement_workload.engagement)
    check_can_progress(engagement_workload)
    if item.done_on is not None:
        raise ValidationError(
            f"“{item.name}” was already done on {item.done_on.isoformat()}.", code="already_done"
        )
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"done_on": "A checklist item cannot be done in the future."})
    item.done_on = day
    item.done_by = acting_user
    item.save(update_fields=["done_on", "done_by"])
    record_event(
        engagement_workload.engagement,
        EventKind.CHECKLIST_DONE,
        f"{engagement_workload.workload.name}: “{item.name}” done",
        acting_user,
        workload=engagement_workload.workload.code,
        item=item.pk,
    )
    return item


@transaction.atomic
def add_checklist_item(
    *,
    acting_user: User,
    engagement_workload: EngagementWorkload,
    name: str,
    phase: DeliveryPhase,
    owner: User | None,
    due_on: datetime.date | None,
) -> ChecklistItem:
    """An item of the workload's checklist beyond the catalog's templates."""
    check_open(engagement_workload.engagement)
    last = engagement_workload.checklist.filter(phase=phase).order_by("-sort_order").first()
    item = ChecklistItem(
        engagement_workload=engagement_workload,
        name=name.strip(),
        phase=phase,
        owner=owner,
        due_on=due_on,
        sort_order=(last.sort_order + 1) if last else 0,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def update_checklist_item(
    *,
    acting_user: User,
    item: ChecklistItem,
    owner: User | None,
    due_on: datetime.date | None,
) -> ChecklistItem:
    """Reassign a checklist item or move its due date (audited; not a timeline event)."""
    check_open(item.engagement_workload.engagement)
    item.owner = owner
    item.due_on = due_on
    item.save(update_fields=["owner", "due_on"])
    return item


# --- phases, team, closing -------------------------------------------------------------------


@transaction.atomic
def move_engagement(
    *, acting_user: User, engagement: Engagement, phase: DeliveryPhase
) -> Engagement:
    """Move to another phase: close the current phase row, open a new one, record the event."""
    check_open(engagement)
    if engagement.phase_id == phase.pk:
        return engagement
    today = timezone.localdate()
    previous = engagement.phase
    EngagementPhase.objects.filter(engagement=engagement, ended_on=None).update(ended_on=today)
    EngagementPhase.objects.create(engagement=engagement, phase=phase, started_on=today)
    engagement.phase = phase
    engagement.save(update_fields=["phase", "updated_at"])
    record_event(
        engagement,
        EventKind.PHASE_CHANGED,
        f"Phase changed from {previous.name} to {phase.name}",
        acting_user,
        before=previous.code,
        after=phase.code,
    )
    return engagement


@transaction.atomic
def set_team(
    *, acting_user: User, engagement: Engagement, owner: User | None, team: Iterable[User]
) -> Engagement:
    check_open(engagement)
    members = set(team)
    if owner is not None:
        members.add(owner)
    before_owner = engagement.owner
    before_team = set(engagement.team.all())
    if owner == before_owner and members == before_team:
        return engagement
    engagement.owner = owner
    engagement.save(update_fields=["owner", "updated_at"])
    engagement.team.set(members)
    names = ", ".join(sorted(user_label(user) for user in members)) or "nobody"
    record_event(
        engagement,
        EventKind.TEAM_CHANGED,
        f"Owner {user_label(owner)}; team {names}",
        acting_user,
        owner=owner.pk if owner else None,
        team=sorted(user.pk for user in members),
    )
    return engagement


@transaction.atomic
def close_engagement(
    *, acting_user: User, engagement: Engagement, closed_on: datetime.date | None = None
) -> Engagement:
    check_open(engagement)
    day = closed_on or timezone.localdate()
    if day < engagement.started_on:
        raise ValidationError({"closed_on": "An engagement cannot close before it started."})
    engagement.closed_on = day
    engagement.save(update_fields=["closed_on", "updated_at"])
    EngagementPhase.objects.filter(engagement=engagement, ended_on=None).update(ended_on=day)
    record_event(engagement, EventKind.CLOSED, "Engagement closed", acting_user)
    return engagement


# --- status notes and staleness --------------------------------------------------------------


@transaction.atomic
def add_status_note(
    *,
    acting_user: User,
    engagement: Engagement,
    onboarding_scope: str,
    next_action: str,
    next_action_on: datetime.date,
    next_action_owner: User | None,
    risks: str = "",
) -> StatusNote:
    check_open(engagement)
    note = StatusNote(
        engagement=engagement,
        onboarding_scope=onboarding_scope.strip(),
        risks=risks.strip(),
        next_action=next_action.strip(),
        next_action_on=next_action_on,
        next_action_owner=next_action_owner,
        author=acting_user,
    )
    note.full_clean()
    note.save()
    record_event(
        engagement,
        EventKind.NOTE_ADDED,
        f"Status note added; next action “{note.next_action}” on "
        f"{next_action_on.isoformat()} by {user_label(next_action_owner)}",
        acting_user,
        note=note.pk,
    )
    return note


def status_note_max_age() -> int:
    return threshold_int(STATUS_NOTE_MAX_AGE)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def stale_condition(today: datetime.date | None = None) -> Q:
    """Open, started ``max age`` or more days ago, and no note on any of the last ``max age`` days.

    With the default of 14: a note written 13 days ago keeps the engagement fresh, one written
    14 days ago does not; an engagement without notes turns stale 14 days after it started.
    """
    day = today or timezone.localdate()
    max_age = status_note_max_age()
    fresh_from = _start_of_day(day - datetime.timedelta(days=max_age - 1))
    recent_note = StatusNote.objects.filter(engagement=OuterRef("pk"), created_at__gte=fresh_from)
    return (
        Q(closed_on__isnull=True)
        & Q(started_on__lte=day - datetime.timedelta(days=max_age))
        & ~Q(Exists(recent_note))
    )


def with_staleness(
    queryset: QuerySet[Engagement], today: datetime.date | None = None
) -> QuerySet[Engagement]:
    """Annotates ``is_stale`` and ``last_note_at`` (the newest status note's time)."""
    newest = StatusNote.objects.filter(engagement=OuterRef("pk")).order_by("-created_at", "-pk")
    stale_ids = Engagement.objects.filter(stale_condition(today)).values("pk")
    return queryset.annotate(
        last_note_at=Subquery(newest.values("created_at")[:1]),
        is_stale=Case(
            When(pk__in=stale_ids, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def is_stale(engagement: Engagement, today: datetime.date | None = None) -> bool:
    return Engagement.objects.filter(stale_condition(today), pk=engagement.pk).exists()


# --- my work ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyWork:
    next_actions: list[StatusNote]
    checklist: list[ChecklistItem]
    stale: list[Engagement]
    today: datetime.date


def my_work(
    user: User,
    engagements: QuerySet[Engagement],
    today: datetime.date | None = None,
) -> MyWork:
    """A consultant's work across the (already scoped) engagements, soonest first.

    Next actions come from the newest status note of each open engagement where the user is the
    next action owner; checklist items are the user's open ones; stale engagements are theirs.
    """
    day = today or timezone.localdate()
    open_engagements = engagements.filter(closed_on__isnull=True)
    newest_note = StatusNote.objects.filter(engagement=OuterRef("engagement")).order_by(
        "-created_at", "-pk"
    )
    next_actions = (
        StatusNote.objects.filter(engagement__in=open_engagements, next_action_owner=user)
        .filter(pk=Subquery(newest_note.values("pk")[:1]))
        .select_related("engagement__customer")
        .order_by("next_action_on", "pk")
    )
    checklist = (
        ChecklistItem.objects.filter(
            owner=user,
            done_on__isnull=True,
            engagement_workload__engagement__in=open_engagements,
        )
        .select_related(
            "engagement_workload__engagement__customer", "engagement_workload__workload", "phase"
        )
        .order_by("due_on", "phase__sort_order", "sort_order", "pk")
    )
    # Items without a due date go last, after everything that has one.
    items = sorted(checklist, key=lambda item: (item.due_on is None, item.due_on or day))
    stale = list(
        with_staleness(open_engagements.filter(owner=user), day)
        .filter(stale_condition(day))
        .select_related("customer", "phase")
        .order_by("started_on")
    )
    return MyWork(next_actions=list(next_actions), checklist=items, stale=stale, today=day)
