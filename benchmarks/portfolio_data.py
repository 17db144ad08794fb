"""A realistic partner portfolio, bulk-inserted fast: for the compliance, dashboard and load
benchmarks.

    import _benchlib as bench
    from portfolio_data import generate_portfolio

    with bench.throwaway_database(url):
        portfolio = generate_portfolio(customers=5000, engagements=10000, months=12)

``generate_portfolio`` needs a migrated database (the reference catalog loaded) and Django set up;
it writes everything with ``bulk_create`` in one transaction and returns what it made, with the
time it took. The data, seeded (``seed``) and relative to ``today``:

- the partner profile with its SPOC and endorsements for 9 of the 13 workloads, and ``owners``
  delivery consultants;
- customers with one licence snapshot each (95 %; ``_benchlib.generate_tenants``), eligibility
  computed (``eligibility=True``), a sponsor (survey-eligible for 96 %) and an IT lead;
- engagements (60 % open, started in the last 6 months; the others closed), each with 1–4
  workloads (L1/L2 status on 88 %, L3 on 80 %, a routing decision where not endorsed), the
  catalog's 8-item checklist per workload (85 % of the items due by today done), status notes
  every ~12 days (the newest older than 14 days on ~15 % of open engagements), timeline events
  (opened, status changed, checklist done, note added) at their dates;
- referrals behind the referral engagements (some answered late), plus pending, declined and
  lost ones;
- CPOR claims of ~45 % of engagements in every state with their clocks, claim workloads and the
  partner associations of approved ones;
- quotes (with lines) on ~20 % of engagements, contracts for the signed ones, out-of-scope
  customer requests (some in delivery without disclosure or contract);
- a usage point per month for ~4 workloads per customer over ``months`` months (the claimed ones
  among them), AU% on a random walk (some falling);
- ~3 survey responses per customer over ``months`` months.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import _benchlib as bench

REPORTED = ("exchange", "teams", "sharepoint", "onedrive", "m365_apps", "viva_engage", "copilot")
ENDORSED = (
    "exchange",
    "sharepoint",
    "onedrive",
    "teams",
    "m365_apps",
    "entra_id",
    "intune",
    "copilot",
    "purview",
)
L3 = (
    "Pilot group onboarded; wider rollout planned",
    "Waiting on the customer's change board",
    "Assessment findings shared with the IT lead",
    "Adoption champions programme started",
    "Licences assigned; policies in report-only mode",
)


@dataclass
class Portfolio:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    owners: list[Any] = field(default_factory=list)
    today: datetime.date | None = None

    def summary(self) -> str:
        return ", ".join(f"{count:,} {name}" for name, count in self.counts.items())


@contextlib.contextmanager
def _dates_as_given(*fields: Any) -> Iterator[None]:
    """Let bulk_create keep the dates given to ``auto_now_add`` fields (back-dated history)."""
    saved = [(item, item.auto_now_add) for item in fields]
    for item in fields:
        item.auto_now_add = False
    try:
        yield
    finally:
        for item, value in saved:
            item.auto_now_add = value


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    from django.utils import timezone

    moment = datetime.datetime.combine(day, datetime.time(8 + rng.randrange(10), rng.randrange(60)))
    return timezone.make_aware(moment)


def _month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        end = first - datetime.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return sorted(ends)


def generate_portfolio(
    customers: int = 5000,
    engagements: int = 10000,
    months: int = 12,
    *,
    seed: int = 1,
    today: datetime.date | None = None,
    owners: int = 12,
    eligibility: bool = True,
) -> Portfolio:
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from frpdesk.accounts import roles
    from frpdesk.accounts.models import User
    from frpdesk.adoption.models import PartnerAssociation, UsagePoint, UsageSource
    from frpdesk.catalog.models import DeliveryPhase, DeliveryStatus, MilestoneTemplate, Workload
    from frpdesk.claims.models import Claim, ClaimState, ClaimWorkload
    from frpdesk.claims.services import deadline_for
    from frpdesk.core.businessdays import add_business_days
    from frpdesk.customers.models import ContactRole, Customer, CustomerContact
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
    from frpdesk.licensing.services import recompute_eligibility
    from frpdesk.partner.models import Endorsement, PartnerProfile, ProgramContact
    from frpdesk.partner.services import PROFILE_PK
    from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
    from frpdesk.satisfaction.models import Rating, SurveyResponse
    from frpdesk.scoping.models import CustomerRequest, Disclosure, RequestClass, RequestStatus
    from frpdesk.vas.models import Quote, QuoteLine, QuoteState, ServicesContract

    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    portfolio = Portfolio(today=today)
    counts = portfolio.counts
    days = datetime.timedelta

    with transaction.atomic():
        # --- the partner and its people --------------------------------------------------------
        profile, _ = PartnerProfile.objects.get_or_create(
            pk=PROFILE_PK,
            defaults={
                "organisation_name": "Contoso Consulting",
                "partner_id": "4871234",
                "location_partner_id": "4871299",
            },
        )
        ProgramContact.objects.get_or_create(
            profile=profile,
            email="spoc@contoso-consulting.example",
            defaults={"name": "Avery Morgan", "is_spoc": True},
        )
        workloads = {workload.code: workload for workload in Workload.objects.all()}
        Endorsement.objects.bulk_create(
            Endorsement(
                profile=profile, workload=workloads[code], valid_from=datetime.date(2024, 1, 1)
            )
            for code in ENDORSED
            if code in workloads
        )
        endorsed = {workloads[code].pk for code in ENDORSED if code in workloads}
        people = User.objects.bulk_create(
            User(
                username=f"bench-consultant-{number:02d}",
                first_name="Consultant",
                last_name=f"{number:02d}",
                email=f"consultant{number:02d}@contoso-consulting.example",
            )
            for number in range(owners)
        )
        consultant_group = Group.objects.get(name=roles.DELIVERY_CONSULTANT)
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=person.pk, group_id=consultant_group.pk)
            for person in people
        )
        portfolio.owners = people

        # --- customers, licences, contacts -----------------------------------------------------
        tenants = bench.generate_tenants(
            customers, seed=seed, owners=people, licensed_fraction=0.95
        )
        customer_rows = list(
            Customer.objects.filter(pk__in=tenants.customer_ids)
            .order_by("pk")
            .values_list("pk", "name", "tenant_id", "owner_id", "primary_domain")
        )
        counts["customers"] = len(customer_rows)
        counts["licence lines"] = tenants.lines
        contacts = []
        for pk, name, _tenant, _owner, domain in customer_rows:
            contacts.append(
                CustomerContact(
                    customer_id=pk,
                    name=f"{name.split()[0]} Sponsor",
                    email=f"sponsor@{domain}",
                    role=ContactRole.SPONSOR,
                    survey_eligible=rng.random() < 0.96,
                )
            )
            contacts.append(
                CustomerContact(
                    customer_id=pk,
                    name=f"{name.split()[0]} IT Lead",
                    email=f"it.lead@{domain}",
                    role=ContactRole.IT_LEAD,
                )
            )
        CustomerContact.objects.bulk_create(contacts, batch_size=5000)
        counts["contacts"] = len(contacts)

        # --- engagements -----------------------------------------------------------------------
        phases = list(DeliveryPhase.objects.order_by("sort_order"))
        templates = list(MilestoneTemplate.objects.select_related("phase").order_by("sort_order"))
        statuses = list(DeliveryStatus.objects.values_list("pk", flat=True))
        codes = list(workloads)
        plan = []  # (customer row, open, started_on, closed_on, origin)
        for index in range(engagements):
            row = (
                customer_rows[index % len(customer_rows)]
                if index < len(customer_rows)
                else (rng.choice(customer_rows))
            )
            is_open = rng.random() < 0.6
            if is_open:
                started_on = today - days(rng.randint(1, 180))
                closed_on = None
            else:
                started_on = today - days(rng.randint(120, 30 * max(months, 6) + 200))
                closed_on = min(today - days(1), started_on + days(rng.randint(30, 150)))
            origin = rng.choices(
                (Origin.REFERRAL, Origin.OWN_LEAD, Origin.EXISTING_CLAIM), (3, 5, 2)
            )[0]
            plan.append((row, is_open, started_on, closed_on, origin))

        # Referrals behind the referral engagements: accepted, some answered late.
        referrals = []
        for number, (row, _open, started_on, _closed, origin) in enumerate(plan):
            if origin != Origin.REFERRAL:
                referrals.append(None)
                continue
            assigned = started_on - days(rng.randint(0, 3))
            first_due = add_business_days(assigned, 2)
            accept_due = assigned + days(7)
            responded = add_business_days(
                assigned, rng.choices((0, 1, 2, 3, 4), (3, 5, 4, 1, 1))[0]
            )
            decided = min(
                max(responded, started_on), assigned + days(rng.choice((1, 2, 4, 6, 7, 9)))
            )
            referrals.append(
                Referral(
                    referral_id=f"FT-BENCH-{number:06d}",
                    kind=ReferralKind.BENEFIT,
                    tenant_name=row[1],
                    tenant_id=row[2],
                    tenant_domain=row[4],
                    assigned_on=assigned,
                    first_response_due=first_due,
                    acceptance_due=accept_due,
                    first_responded_on=responded,
                    acceptance=Acceptance.ACCEPTED,
                    decided_on=max(decided, responded),
                    customer_id=row[0],
                )
            )
        extra = []
        for number in range(max(50, engagements // 30)):
            row = rng.choice(customer_rows)
            assigned = today - days(rng.randint(0, 120))
            kind = rng.choices(("pending", "declined", "lost"), (4, 3, 2))[0]
            first_due = add_business_days(assigned, 2)
            referral = Referral(
                referral_id=f"FT-BENCH-X{number:05d}",
                kind=rng.choice((ReferralKind.BENEFIT, ReferralKind.STANDARD)),
                tenant_name=row[1],
                tenant_id=None,
                tenant_domain=row[4],
                assigned_on=assigned,
                first_response_due=first_due,
                acceptance_due=assigned + days(7),
            )
            if kind == "pending":
                referral.assigned_on = today - days(rng.randint(0, 9))
                referral.first_response_due = add_business_days(referral.assigned_on, 2)
                referral.acceptance_due = referral.assigned_on + days(7)
                if rng.random() < 0.5:
                    referral.first_responded_on = min(today, referral.assigned_on + days(1))
            elif kind == "declined":
                referral.first_responded_on = add_business_days(assigned, rng.choice((1, 2, 3)))
                referral.acceptance = Acceptance.DECLINED
                referral.decided_on = referral.first_responded_on
                referral.decline_reason = "Outside our service area"
            else:
                referral.acceptance = Acceptance.REASSIGNED
                referral.decided_on = assigned + days(8)
            extra.append(referral)
        Referral.objects.bulk_create(
            [r for r in referrals if r is not None] + extra, batch_size=2000
        )
        counts["referrals"] = sum(1 for r in referrals if r is not None) + len(extra)

        engagement_objects = []
        for number, (row, _open, started_on, closed_on, origin) in enumerate(plan):
            age = (min(today, closed_on or today) - started_on).days
            phase = phases[min(len(phases) - 1, age // 30)]
            engagement_objects.append(
                Engagement(
                    customer_id=row[0],
                    name=f"{row[1]} FastTrack onboarding",
                    origin=origin,
                    referral=referrals[number],
                    owner_id=row[3] or rng.choice(people).pk,
                    phase=phase,
                    started_on=started_on,
                    closed_on=closed_on,
                )
            )
        Engagement.objects.bulk_create(engagement_objects, batch_size=2000)
        counts["engagements"] = len(engagement_objects)
        counts["open engagements"] = sum(1 for e in engagement_objects if e.closed_on is None)
        EngagementPhase.objects.bulk_create(
            (
                EngagementPhase(
                    engagement_id=engagement.pk,
                    phase_id=engagement.phase_id,
                    started_on=engagement.started_on,
                    ended_on=engagement.closed_on,
                )
                for engagement in engagement_objects
            ),
            batch_size=5000,
        )

        # --- workloads, checklists, notes, timeline --------------------------------------------
        engagement_workloads = []
        for engagement in engagement_objects:
            chosen = rng.sample(codes, rng.choice((1, 2, 2, 3, 3, 4)))
            for code in chosen:
                workload = workloads[code]
                routing = ""
                if workload.pk not in endorsed:
                    routing = rng.choices(
                        (Routing.DELIVER, Routing.HAND_OFF, Routing.RFA, ""), (6, 2, 2, 1)
                    )[0]
                has_status = rng.random() < 0.94
                engagement_workloads.append(
                    EngagementWorkload(
                        engagement_id=engagement.pk,
                        workload=workload,
                        source=(
                            WorkloadSource.REFERRED
                            if engagement.origin == Origin.REFERRAL
                            else WorkloadSource.CLAIMED
                        ),
                        status_id=rng.choice(statuses) if has_status else None,
                        status_l3=rng.choice(L3) if has_status and rng.random() < 0.95 else "",
                        routing=routing,
                    )
                )
        EngagementWorkload.objects.bulk_create(engagement_workloads, batch_size=5000)
        counts["engagement workloads"] = len(engagement_workloads)
        by_engagement: dict[int, list[Any]] = {}
        for item in engagement_workloads:
            by_engagement.setdefault(item.engagement_id, []).append(item)

        checklist = []
        events = []
        engagement_by_pk = {engagement.pk: engagement for engagement in engagement_objects}
        for engagement in engagement_objects:
            items = by_engagement[engagement.pk]
            end = engagement.closed_on or today
            events.append(
                TimelineEvent(
                    engagement_id=engagement.pk,
                    kind=EventKind.OPENED,
                    message="Engagement opened",
                    at=_at(engagement.started_on, rng),
                    data={"workloads": [item.workload.code for item in items]},
                )
            )
            for item in items:
                if engagement.closed_on is None and rng.random() < 0.8:
                    # Recent work on the workload (a call, a configuration review…).
                    recent = max(engagement.started_on, today - days(rng.randint(0, 25)))
                    events.append(
                        TimelineEvent(
                            engagement_id=engagement.pk,
                            kind=EventKind.STATUS_CHANGED,
                            message=f"{item.workload.name}: status reviewed",
                            at=_at(recent, rng),
                            data={"workload": item.workload.code},
                        )
                    )
                if item.status_id:
                    when = engagement.started_on + days(
                        rng.randint(0, max(0, (end - engagement.started_on).days))
                    )
                    events.append(
                        TimelineEvent(
                            engagement_id=engagement.pk,
                            kind=EventKind.STATUS_CHANGED,
                            message=f"{item.workload.name}: status changed",
                            at=_at(when, rng),
                            data={"workload": item.workload.code},
                        )
                    )
                for template in templates:
                    due = engagement.started_on + days(template.due_after_days)
                    done = None
                    if due <= end and rng.random() < 0.85:
                        done = min(end, max(engagement.started_on, due + days(rng.randint(-3, 6))))
                        events.append(
                            TimelineEvent(
                                engagement_id=engagement.pk,
                                kind=EventKind.CHECKLIST_DONE,
                                message=f"{item.workload.name}: “{template.name}” done",
                                at=_at(done, rng),
                                data={"workload": item.workload.code},
                            )
                        )
                    checklist.append(
                        ChecklistItem(
                            engagement_workload_id=item.pk,
                            template=template,
                            name=template.name,
                            phase_id=template.phase_id,
                            owner_id=engagement.owner_id,
                            due_on=due,
                            done_on=done,
                            sort_order=template.sort_order,
                        )
                    )
        ChecklistItem.objects.bulk_create(checklist, batch_size=5000)
        counts["checklist items"] = len(checklist)

        notes = []
        for engagement in engagement_objects:
            end = engagement.closed_on or today
            # The newest note: fresh on most open engagements, overdue on ~15 %.
            gap = rng.randint(15, 40) if rng.random() < 0.15 else rng.randint(0, 12)
            day = end - days(gap)
            while day >= engagement.started_on:
                notes.append(
                    StatusNote(
                        engagement_id=engagement.pk,
                        onboarding_scope="Remote guidance for the IT team",
                        next_action="Review the pilot results with the sponsor",
                        next_action_on=day + days(10),
                        next_action_owner_id=engagement.owner_id,
                        author_id=engagement.owner_id,
                        created_at=_at(day, rng),
                    )
                )
                events.append(
                    TimelineEvent(
                        engagement_id=engagement.pk,
                        kind=EventKind.NOTE_ADDED,
                        message="Status note added",
                        at=notes[-1].created_at,
                        data={},
                    )
                )
                day -= days(rng.randint(9, 15))
        with _dates_as_given(
            StatusNote._meta.get_field("created_at"), TimelineEvent._meta.get_field("at")
        ):
            StatusNote.objects.bulk_create(notes, batch_size=5000)
            TimelineEvent.objects.bulk_create(events, batch_size=5000)
        counts["status notes"] = len(notes)
        counts["timeline events"] = len(events)

        # --- claims ----------------------------------------------------------------------------
        states = (
            (ClaimState.DRAFT, 8),
            (ClaimState.SUBMITTED, 8),
            (ClaimState.UNDER_REVIEW, 12),
            (ClaimState.ACTION_REQUIRED, 4),
            (ClaimState.APPROVED, 55),
            (ClaimState.REJECTED, 5),
            (ClaimState.DISPUTE, 3),
            (ClaimState.REJECTED_FINAL, 5),
        )
        tenant_of = {row[0]: row[2] for row in customer_rows}
        claims = []
        claim_codes = []
        for engagement in engagement_objects:
            if rng.random() >= 0.45:
                continue
            delivered = [
                item
                for item in by_engagement[engagement.pk]
                if item.routing not in (Routing.HAND_OFF, Routing.RFA)
            ]
            if not delivered:
                continue
            state = rng.choices([s for s, _ in states], [w for _, w in states])[0]
            since = engagement.started_on + days(rng.randint(5, 40))
            since = min(since, today - days(rng.randint(0, 20)))
            if state in (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.ACTION_REQUIRED):
                # Most clocks still run; a few ran out (Microsoft or we are late).
                since = today - days(
                    rng.randint(0, 12) if rng.random() < 0.85 else rng.randint(20, 40)
                )
                since = max(since, engagement.started_on)
            claims.append(
                Claim(
                    customer_id=engagement.customer_id,
                    engagement_id=engagement.pk,
                    name=f"{engagement.name}: claim",
                    location_partner_id="4871299",
                    tenant_id=tenant_of[engagement.customer_id],
                    customer_contact_name="Sponsor",
                    customer_contact_email="sponsor@customer.example",
                    state=state,
                    state_since=since,
                    deadline=deadline_for(state, since, set()),
                    submitted_on=since if state != ClaimState.DRAFT else None,
                    approved_on=since if state == ClaimState.APPROVED else None,
                    rejected_on=since
                    if state in (ClaimState.REJECTED, ClaimState.REJECTED_FINAL)
                    else None,
                )
            )
            claim_codes.append(delivered)
        Claim.objects.bulk_create(claims, batch_size=2000)
        claim_workloads = []
        associations = {}
        claimed_pairs: dict[int, set[str]] = {}
        for claim, delivered in zip(claims, claim_codes, strict=True):
            for item in delivered:
                claim_workloads.append(
                    ClaimWorkload(claim_id=claim.pk, workload_id=item.workload_id)
                )
                claimed_pairs.setdefault(claim.customer_id, set()).add(item.workload.code)
                if claim.state == ClaimState.APPROVED:
                    associations.setdefault(
                        (claim.customer_id, item.workload_id),
                        PartnerAssociation(
                            customer_id=claim.customer_id,
                            workload_id=item.workload_id,
                            associated_on=claim.state_since,
                        ),
                    )
        ClaimWorkload.objects.bulk_create(claim_workloads, batch_size=5000)
        PartnerAssociation.objects.bulk_create(associations.values(), batch_size=5000)
        counts["claims"] = len(claims)
        counts["claim workloads"] = len(claim_workloads)

        # --- quotes, contracts, out-of-scope requests ------------------------------------------
        # Out-of-scope requests on ~15 % of open engagements; work in delivery runs under a
        # signed contract, mostly.
        request_status = {}
        for engagement in engagement_objects:
            if engagement.closed_on is None and rng.random() < 0.15:
                request_status[engagement.pk] = rng.choices(
                    (
                        RequestStatus.OPEN,
                        RequestStatus.IN_DELIVERY,
                        RequestStatus.DELIVERED,
                        RequestStatus.DECLINED,
                    ),
                    (4, 3, 2, 1),
                )[0]
        delivering = {RequestStatus.IN_DELIVERY, RequestStatus.DELIVERED}
        quote_states = (
            QuoteState.DRAFT,
            QuoteState.SENT,
            QuoteState.ACCEPTED,
            QuoteState.SIGNED,
            QuoteState.ACTIVE,
            QuoteState.COMPLETED,
            QuoteState.CANCELLED,
        )
        quotes = []
        for number, engagement in enumerate(engagement_objects):
            contracted = request_status.get(engagement.pk) in delivering and rng.random() < 0.9
            if not contracted and rng.random() >= 0.2:
                continue
            state = (
                QuoteState.SIGNED
                if contracted
                else rng.choices(quote_states, (2, 2, 1, 3, 2, 2, 1))[0]
            )
            quotes.append(
                Quote(
                    engagement_id=engagement.pk,
                    number=f"Q-B{number:06d}",
                    title="Project management and hands-on remediation",
                    state=state,
                    disclosure="Not covered by any Microsoft agreement.",
                )
            )
        Quote.objects.bulk_create(quotes, batch_size=2000)
        QuoteLine.objects.bulk_create(
            (
                QuoteLine(
                    quote_id=quote.pk,
                    description=description,
                    quantity=Decimal(rng.randint(1, 15)),
                    unit_price=Decimal(price),
                    sort_order=position,
                )
                for quote in quotes
                for position, (description, price) in enumerate(
                    (("Project manager", "1100.00"), ("Remediation engineer", "1250.00"))[
                        : rng.choice((1, 2))
                    ]
                )
            ),
            batch_size=5000,
        )
        contracts = {}
        contract_objects = []
        for quote in quotes:
            if quote.state in (QuoteState.SIGNED, QuoteState.ACTIVE, QuoteState.COMPLETED):
                contract = ServicesContract(
                    quote_id=quote.pk,
                    number=quote.number.replace("Q-", "C-"),
                    customer_signatory="Sponsor",
                    signed_on=today - days(rng.randint(1, 200)),
                    starts_on=today - days(rng.randint(0, 200)),
                    disclosure="Not covered by any Microsoft agreement.",
                )
                contract_objects.append(contract)
                contracts[quote.engagement_id] = contract
        ServicesContract.objects.bulk_create(contract_objects, batch_size=2000)
        counts["quotes"] = len(quotes)
        counts["contracts"] = len(contract_objects)
        requests = []
        for engagement_id, status in request_status.items():
            engagement = engagement_by_pk[engagement_id]
            contract = contracts.get(engagement_id)
            requests.append(
                CustomerRequest(
                    engagement_id=engagement_id,
                    description="Hands-on device enrolment of the laptops",
                    requested_on=engagement.started_on,
                    classification=RequestClass.BEYOND_GUIDANCE,
                    status=status,
                    contract=contract if status in delivering or rng.random() < 0.5 else None,
                )
            )
        CustomerRequest.objects.bulk_create(requests, batch_size=2000)
        disclosures = [
            Disclosure(
                request_id=request.pk,
                disclosed_by_id=engagement_by_pk[request.engagement_id].owner_id or people[0].pk,
                disclosed_to="Sponsor",
                disclosed_on=request.requested_on,
                method="meeting",
            )
            for request in requests
            if request.status not in delivering or rng.random() < 0.95
        ]
        Disclosure.objects.bulk_create(disclosures, batch_size=5000)
        counts["customer requests"] = len(requests)

        # --- usage -----------------------------------------------------------------------------
        ends = _month_ends(today, months)
        points = []
        for pk, *_rest in customer_rows:
            wanted = [code for code in sorted(claimed_pairs.get(pk, ())) if code in REPORTED][:4]
            for code in ("exchange", "teams", "sharepoint", "onedrive"):
                if len(wanted) >= 4:
                    break
                if code not in wanted:
                    wanted.append(code)
            pau = int(10 ** rng.uniform(2.2, 3.7))
            for code in wanted:
                share = rng.uniform(0.05, 0.6)
                drift = rng.uniform(-0.01, 0.03)
                for end in ends:
                    share = min(1.05, max(0.0, share + drift + rng.gauss(0, 0.02)))
                    mau = int(pau * share)
                    points.append(
                        UsagePoint(
                            customer_id=pk,
                            workload=workloads[code],
                            refresh_date=end,
                            source=UsageSource.REPORT,
                            mau=mau,
                            licensed=pau,
                            pau=pau,
                            pau_as_of=end,
                            au_pct=(Decimal(mau) * 100 / Decimal(pau)).quantize(
                                Decimal("0.01"), ROUND_HALF_UP
                            ),
                        )
                    )
        UsagePoint.objects.bulk_create(points, batch_size=5000)
        counts["usage points"] = len(points)

        # --- satisfaction ----------------------------------------------------------------------
        ratings = (
            Rating.VERY_SATISFIED,
            Rating.SOMEWHAT_SATISFIED,
            Rating.SOMEWHAT_DISSATISFIED,
            Rating.VERY_DISSATISFIED,
        )
        responses = []
        span = max(1, months * 30)
        for pk, *_rest in customer_rows:
            happy = rng.random() < 0.85
            weights = (60, 30, 7, 3) if happy else (20, 30, 30, 20)
            for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6))):
                responses.append(
                    SurveyResponse(
                        customer_id=pk,
                        responded_on=today - days(rng.randrange(span)),
                        rating=rng.choices(ratings, weights)[0],
                    )
                )
        SurveyResponse.objects.bulk_create(responses, batch_size=5000)
        counts["survey responses"] = len(responses)

    if eligibility:
        recompute_eligibility()
    portfolio.seconds = time.perf_counter() - started
    return portfolio
