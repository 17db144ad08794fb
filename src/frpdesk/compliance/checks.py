"""The evaluation of each rule of ``compliance.rules.RULES``: which records it checks, which fail.

Every check takes the day it judges (``today``), reads the whole portfolio with a handful of
set-based queries (never one per record) and returns how many records it checked and the failing
ones, each with what is wrong (figures and dates), where it is fixed and who should fix it: the
engagement's owner, else the customer's owner, else nobody (the program administrators).

Decisions the rules leave open:

- **Delivered workloads** are the claimed or referred workloads of open engagements, except those
  handed to another FRP or sent to a FastTrack Request for Assistance (``workload_status``,
  ``delivery_activity``).
- **Delivery activity** on a workload is a checklist item of it done in the 30 days ending today,
  or a timeline event of its engagement in those days that names the workload (status changed,
  checklist item done, routing decided, association date set, the workload added or the
  engagement opened with it). Engagement-wide events (status notes, team or phase changes) are
  not delivery on a workload: a fresh status note must not hide a workload nobody works on. A
  workload added in the last 30 days passes thanks to its own event.
- **Status notes** follow ``engagements.services.stale_condition``: an engagement younger than
  the maximum age (14 days) passes.
- **Referral clocks**: a pending referral past its due date fails until it is answered; a missed
  or late answer (answered after the due date, or never answered before the referral was
  reassigned) is part of the record for ``HISTORY_DAYS`` (90) days after it happened, then it is
  history and the finding resolves. Accepting or declining counts as the first response.
- **Out-of-scope work** counts while its engagement is open or closed less than ``HISTORY_DAYS``
  ago; a contract whose quote is signed, active or completed is a signed contract for it.
- **AU% falling** is judged on the tenant × workloads of claims that hold them in Partner Center
  (submitted, under review, action required, approved, dispute): the three newest usage points
  with an AU% strictly decreasing. Fewer than three points pass.
- **NSAT** is computed over the 90 days ending today, per customer with responses and overall
  (the partner profile); no response, nothing checked.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from frpdesk.adoption.models import UsagePoint
from frpdesk.catalog.services import holidays
from frpdesk.claims.models import HOLDING_STATES, Claim, ClaimState, ClaimWorkload
from frpdesk.claims.services import CLOCKED_STATES, overdue_condition, reference, time_left
from frpdesk.customers.models import Customer, CustomerContact
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementWorkload,
    Routing,
    TimelineEvent,
)
from frpdesk.engagements.services import (
    endorsed_workload_ids,
    stale_condition,
    status_note_max_age,
)
from frpdesk.partner.models import PartnerProfile, ProgramContact
from frpdesk.partner.services import PROFILE_PK
from frpdesk.referrals.models import Acceptance, Referral
from frpdesk.satisfaction.services import nsat_by_customer, overall_nsat, responses_between
from frpdesk.scoping.models import CustomerRequest, Disclosure, RequestClass
from frpdesk.scoping.services import DELIVERY_STATUSES
from frpdesk.vas.models import COVERING_STATES, QuoteState

ACTIVITY_DAYS = 30
HISTORY_DAYS = 90
NSAT_DAYS = 90
NSAT_TARGET = Decimal(80)
# A contract of one of these states was signed: it covers work in delivery or delivered.
CONTRACTED_STATES = (*COVERING_STATES, QuoteState.COMPLETED)
NOT_DELIVERED_BY_US = (Routing.HAND_OFF, Routing.RFA)


@dataclass(frozen=True)
class Failure:
    """One record failing a rule: what, why, where it is fixed and who should fix it."""

    object_type: str  # "app_label.model"
    object_id: int
    label: str
    message: str
    fix_url: str
    customer_id: int | None = None
    engagement_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class Evaluation:
    checked: int
    failures: list[Failure]


Check = Callable[[datetime.date], Evaluation]
CHECKS: dict[str, Check] = {}


def check(code: str) -> Callable[[Check], Check]:
    """Registers the evaluation of the rule ``code``."""

    def register(function: Check) -> Check:
        CHECKS[code] = function
        return function

    return register


def evaluate(code: str, today: datetime.date) -> Evaluation:
    return CHECKS[code](today)


# --- helpers ---------------------------------------------------------------------------------

_PK = 987654321


def url_of(name: str, suffix: str = "") -> Callable[[int], str]:
    """The URL of a page by record id, reversed once (reversing per record costs more)."""
    pattern = reverse(name, args=[_PK])
    return lambda pk: pattern.replace(str(_PK), str(pk)) + suffix


def _owner(*candidates: int | None) -> int | None:
    return next((candidate for candidate in candidates if candidate), None)


def _day(day: datetime.date) -> str:
    return day.isoformat()


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _profile_label(profile: PartnerProfile | None) -> str:
    return str(profile) if profile is not None else "Partner profile"


# --- the partner -----------------------------------------------------------------------------


@check("spoc_set")
def spoc_set(today: datetime.date) -> Evaluation:
    profile = PartnerProfile.objects.filter(pk=PROFILE_PK).first()
    fix = reverse("partner:contacts-edit") if profile else reverse("partner:profile-edit")
    spocs = ProgramContact.objects.filter(profile_id=PROFILE_PK, is_spoc=True).count()
    if profile is not None and spocs == 1:
        return Evaluation(1, [])
    if profile is None:
        message = "No partner profile yet: create it and name the single point of contact (SPOC)."
    elif spocs == 0:
        message = "No program contact is marked as the single point of contact (SPOC)."
    else:
        message = f"{spocs} program contacts are marked as the SPOC; keep exactly one."
    return Evaluation(
        1,
        [Failure("partner.partnerprofile", PROFILE_PK, _profile_label(profile), message, fix)],
    )


# --- delivery --------------------------------------------------------------------------------


def delivered_workloads() -> QuerySet[EngagementWorkload]:
    """Claimed or referred workloads of open engagements that we deliver ourselves."""
    return EngagementWorkload.objects.filter(engagement__closed_on__isnull=True).exclude(
        routing__in=NOT_DELIVERED_BY_US
    )


WORKLOAD_FIELDS = (
    "pk",
    "engagement_id",
    "engagement__name",
    "engagement__customer_id",
    "engagement__owner_id",
    "engagement__customer__owner_id",
    "workload_id",
    "workload__code",
    "workload__name",
)


def _workload_failure(row: dict, message: str, fix_url: str) -> Failure:
    return Failure(
        "engagements.engagementworkload",
        row["pk"],
        f"{row['engagement__name']}: {row['workload__name']}",
        message,
        fix_url,
        customer_id=row["engagement__customer_id"],
        engagement_id=row["engagement_id"],
        owner_id=_owner(row["engagement__owner_id"], row["engagement__customer__owner_id"]),
    )


@check("workload_status")
def workload_status(today: datetime.date) -> Evaluation:
    rows = list(
        delivered_workloads().values(
            *WORKLOAD_FIELDS,
            "status_id",
            "status__level1",
            "status__level2",
            "status_l3",
            "routing",
        )
    )
    endorsed = endorsed_workload_ids(today)
    status_page = url_of("engagements:workload-status")
    route_page = url_of("engagements:workload-route")
    failures = []
    for row in rows:
        has_status, has_l3 = row["status_id"] is not None, bool(row["status_l3"].strip())
        if has_status and has_l3:
            continue
        if not has_status and not has_l3:
            message = f"{row['workload__name']} has no L1/L2 status and no L3 detail."
        elif not has_status:
            message = f"{row['workload__name']} has an L3 detail but no L1/L2 status."
        else:
            status = " – ".join(filter(None, (row["status__level1"], row["status__level2"])))
            message = f"{row['workload__name']} is “{status}” but has no L3 detail."
        unrouted = not row["routing"] and row["workload_id"] not in endorsed
        if unrouted:
            message += " We are not endorsed for it: decide its routing first."
        page = route_page if unrouted else status_page
        failures.append(_workload_failure(row, message, page(row["pk"])))
    return Evaluation(len(rows), failures)


@check("delivery_activity")
def delivery_activity(today: datetime.date) -> Evaluation:
    since = today - datetime.timedelta(days=ACTIVITY_DAYS - 1)
    workloads = delivered_workloads()
    rows = list(workloads.values(*WORKLOAD_FIELDS))
    active: set[int] = set(
        ChecklistItem.objects.filter(
            engagement_workload__in=workloads.values("pk"), done_on__gte=since, done_on__lte=today
        ).values_list("engagement_workload_id", flat=True)
    )
    by_code = {(row["engagement_id"], row["workload__code"]): row["pk"] for row in rows}
    events = TimelineEvent.objects.filter(
        engagement__closed_on__isnull=True,
        at__gte=_start_of(since),
        at__lt=_start_of(today + datetime.timedelta(days=1)),
    ).filter(Q(data__has_key="workload") | Q(data__has_key="workloads"))
    for engagement_id, data in events.values_list("engagement_id", "data"):
        named = data.get("workloads") or []
        codes = (
            [*named, data.get("workload")] if isinstance(named, list) else [data.get("workload")]
        )
        for code in codes:
            pk = by_code.get((engagement_id, code))
            if pk is not None:
                active.add(pk)
    idle = [row for row in rows if row["pk"] not in active]
    last_done = dict(
        ChecklistItem.objects.filter(
            engagement_workload__in=workloads.values("pk"), done_on__lte=today
        )
        .values("engagement_workload_id")
        .annotate(last=Max("done_on"))
        .values_list("engagement_workload_id", "last")
    )
    page = url_of("engagements:detail")
    failures = []
    for row in idle:
        last = last_done.get(row["pk"])
        done = f"last checklist item done on {_day(last)}" if last else "no checklist item done yet"
        failures.append(
            _workload_failure(
                row,
                f"No delivery activity on {row['workload__name']} in the last {ACTIVITY_DAYS} "
                f"days (since {_day(since)}): {done}, and no event about it on the timeline.",
                page(row["engagement_id"]),
            )
        )
    return Evaluation(len(rows), failures)


@check("status_note_fresh")
def status_note_fresh(today: datetime.date) -> Evaluation:
    max_age = status_note_max_age()
    checked = Engagement.objects.filter(closed_on__isnull=True).count()
    stale = (
        Engagement.objects.filter(stale_condition(today))
        .annotate(
            last_note_at=Max(
                "status_notes__created_at",
                filter=Q(status_notes__created_at__lt=_start_of(today + datetime.timedelta(1))),
            )
        )
        .values(
            "pk",
            "name",
            "customer_id",
            "owner_id",
            "customer__owner_id",
            "started_on",
            "last_note_at",
        )
    )
    page = url_of("engagements:detail", "?tab=notes")
    failures = []
    for row in stale:
        last = row["last_note_at"]
        if last is not None:
            written = timezone.localdate(last)
            message = (
                f"The latest status note was written on {_day(written)}, "
                f"{_days((today - written).days)} ago; one is due at least every "
                f"{_days(max_age)}."
            )
        else:
            message = (
                f"No status note since the engagement started on {_day(row['started_on'])}, "
                f"{_days((today - row['started_on']).days)} ago; one is due at least every "
                f"{_days(max_age)}."
            )
        failures.append(
            Failure(
                "engagements.engagement",
                row["pk"],
                row["name"],
                message,
                page(row["pk"]),
                customer_id=row["customer_id"],
                engagement_id=row["pk"],
                owner_id=_owner(row["owner_id"], row["customer__owner_id"]),
            )
        )
    return Evaluation(checked, failures)


@check("survey_contact")
def survey_contact(today: datetime.date) -> Evaluation:
    engaged = Customer.objects.filter(
        Exists(Engagement.objects.filter(customer=OuterRef("pk"), closed_on__isnull=True))
    )
    checked = engaged.count()
    missing = engaged.exclude(
        Exists(CustomerContact.objects.filter(customer=OuterRef("pk"), survey_eligible=True))
    ).annotate(contact_count=Count("contacts"))
    page = url_of("customers:detail", "?tab=contacts")
    failures = [
        Failure(
            "customers.customer",
            row["pk"],
            row["name"],
            (
                f"None of its {row['contact_count']} contacts may receive Microsoft's satisfaction "
                "survey: mark one as survey-eligible."
                if row["contact_count"]
                else "It has no contact at all: add one who may receive Microsoft's satisfaction "
                "survey."
            ),
            page(row["pk"]),
            customer_id=row["pk"],
            owner_id=row["owner_id"],
        )
        for row in missing.values("pk", "name", "owner_id", "contact_count")
    ]
    return Evaluation(checked, failures)


# --- referrals -------------------------------------------------------------------------------

REFERRAL_FIELDS = (
    "pk",
    "referral_id",
    "tenant_name",
    "assigned_on",
    "first_response_due",
    "acceptance_due",
    "first_responded_on",
    "acceptance",
    "decided_on",
    "customer_id",
    "customer__owner_id",
    "engagement__id",
    "engagement__owner_id",
)


def _referrals(today: datetime.date) -> list[dict]:
    """Pending referrals and those whose clocks ran or were answered in the history window."""
    horizon = today - datetime.timedelta(days=HISTORY_DAYS)
    return list(
        Referral.objects.filter(
            Q(acceptance=Acceptance.PENDING)
            | Q(first_response_due__gte=horizon)
            | Q(acceptance_due__gte=horizon)
            | Q(first_responded_on__gte=horizon)
            | Q(decided_on__gte=horizon)
        ).values(*REFERRAL_FIELDS)
    )


def _referral_failure(row: dict, message: str, page: Callable[[int], str]) -> Failure:
    return Failure(
        "referrals.referral",
        row["pk"],
        f"Referral {row['referral_id']} ({row['tenant_name']})",
        message,
        page(row["pk"]),
        customer_id=row["customer_id"],
        engagement_id=row["engagement__id"],
        owner_id=_owner(row["engagement__owner_id"], row["customer__owner_id"]),
    )


def _answered(row: dict) -> datetime.date | None:
    """The first response: recorded, else the acceptance or decline (an answer too)."""
    if row["first_responded_on"] is not None:
        return row["first_responded_on"]
    if row["acceptance"] in (Acceptance.ACCEPTED, Acceptance.DECLINED):
        return row["decided_on"]
    return None


def _in_window(row: dict, horizon: datetime.date, *days: datetime.date | None) -> bool:
    return row["acceptance"] == Acceptance.PENDING or any(
        day is not None and day >= horizon for day in days
    )


@check("referral_response")
def referral_response(today: datetime.date) -> Evaluation:
    horizon = today - datetime.timedelta(days=HISTORY_DAYS)
    page = url_of("referrals:detail")
    checked, failures = 0, []
    for row in _referrals(today):
        due, answered = row["first_response_due"], _answered(row)
        if not _in_window(row, horizon, due, answered):
            continue
        checked += 1
        message = ""
        if answered is None and row["acceptance"] == Acceptance.PENDING and due < today:
            message = (
                f"First response was due on {_day(due)} (assigned on {_day(row['assigned_on'])}); "
                f"none recorded, {_days((today - due).days)} late."
            )
        elif answered is None and row["acceptance"] == Acceptance.REASSIGNED and due >= horizon:
            message = f"No first response by {_day(due)}; Microsoft reassigned the referral" + (
                f" on {_day(row['decided_on'])}." if row["decided_on"] else "."
            )
        elif answered is not None and answered > due and answered >= horizon:
            message = (
                f"First response on {_day(answered)}, {_days((answered - due).days)} after it "
                f"was due ({_day(due)})."
            )
        if message:
            failures.append(_referral_failure(row, message, page))
    return Evaluation(checked, failures)


@check("referral_acceptance")
def referral_acceptance(today: datetime.date) -> Evaluation:
    horizon = today - datetime.timedelta(days=HISTORY_DAYS)
    page = url_of("referrals:detail")
    checked, failures = 0, []
    for row in _referrals(today):
        due, decided = row["acceptance_due"], row["decided_on"]
        if not _in_window(row, horizon, due, decided):
            continue
        checked += 1
        acceptance = row["acceptance"]
        message = ""
        if acceptance == Acceptance.PENDING and due < today:
            message = (
                f"Neither accepted nor declined by {_day(due)} (assigned on "
                f"{_day(row['assigned_on'])}), {_days((today - due).days)} ago: Microsoft "
                "reassigns it."
            )
        elif acceptance == Acceptance.REASSIGNED and due >= horizon:
            message = f"Not accepted by {_day(due)}: reassigned (lost)" + (
                f" on {_day(decided)}." if decided else "."
            )
        elif (
            acceptance in (Acceptance.ACCEPTED, Acceptance.DECLINED)
            and decided is not None
            and decided > due
            and decided >= horizon
        ):
            verb = "Accepted" if acceptance == Acceptance.ACCEPTED else "Declined"
            message = (
                f"{verb} on {_day(decided)}, {_days((decided - due).days)} after the due date "
                f"({_day(due)})."
            )
        if message:
            failures.append(_referral_failure(row, message, page))
    return Evaluation(checked, failures)


# --- scope -----------------------------------------------------------------------------------


@check("out_of_scope_covered")
def out_of_scope_covered(today: datetime.date) -> Evaluation:
    horizon = today - datetime.timedelta(days=HISTORY_DAYS)
    rows = (
        CustomerRequest.objects.exclude(classification=RequestClass.IN_SCOPE)
        .filter(status__in=DELIVERY_STATUSES)
        .filter(Q(engagement__closed_on__isnull=True) | Q(engagement__closed_on__gte=horizon))
        .annotate(disclosed=Exists(Disclosure.objects.filter(request=OuterRef("pk"))))
        .values(
            "pk",
            "description",
            "status",
            "disclosed",
            "contract_id",
            "contract__number",
            "contract__quote__state",
            "contract__quote__engagement_id",
            "engagement_id",
            "engagement__name",
            "engagement__customer_id",
            "engagement__owner_id",
            "engagement__customer__owner_id",
        )
    )
    page = url_of("scoping:request-detail")
    checked, failures = 0, []
    for row in rows:
        checked += 1
        missing = []
        if not row["disclosed"]:
            missing.append("no disclosure to the customer recorded")
        if row["contract_id"] is None:
            missing.append("no signed services contract linked")
        elif row["contract__quote__engagement_id"] != row["engagement_id"]:
            missing.append(f"contract {row['contract__number']} belongs to another engagement")
        elif row["contract__quote__state"] not in CONTRACTED_STATES:
            state = QuoteState(row["contract__quote__state"]).label.lower()
            missing.append(
                f"contract {row['contract__number']} is not signed (its quote is {state})"
            )
        if not missing:
            continue
        status = "delivered" if row["status"] == "delivered" else "in delivery"
        description = " ".join(row["description"].split())
        failures.append(
            Failure(
                "scoping.customerrequest",
                row["pk"],
                f"{row['engagement__name']}: {description[:120]}",
                f"Work outside the Benefit is {status} with " + " and ".join(missing) + ".",
                page(row["pk"]),
                customer_id=row["engagement__customer_id"],
                engagement_id=row["engagement_id"],
                owner_id=_owner(row["engagement__owner_id"], row["engagement__customer__owner_id"]),
            )
        )
    return Evaluation(checked, failures)


# --- claims and adoption ---------------------------------------------------------------------


@check("claim_deadline")
def claim_deadline(today: datetime.date) -> Evaluation:
    checked = Claim.objects.filter(state__in=CLOCKED_STATES).count()
    overdue = (
        Claim.objects.filter(overdue_condition(today))
        .select_related("customer", "engagement")
        .only(
            "pk",
            "name",
            "state",
            "deadline",
            "customer__id",
            "customer__owner_id",
            "engagement__id",
            "engagement__owner_id",
        )
    )
    days_off = holidays()
    page = url_of("claims:detail")
    failures = []
    for claim in overdue:
        engagement = claim.engagement
        clock = time_left(claim, today, days_off)
        failures.append(
            Failure(
                "claims.claim",
                claim.pk,
                f"{reference(claim)} {claim.name}",
                f"{ClaimState(claim.state).label}: {clock}.",
                page(claim.pk),
                customer_id=claim.customer_id,
                engagement_id=claim.engagement_id,
                owner_id=_owner(
                    engagement.owner_id if engagement else None, claim.customer.owner_id
                ),
            )
        )
    return Evaluation(checked, failures)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}%"


@check("au_not_falling")
def au_not_falling(today: datetime.date) -> Evaluation:
    holding = ClaimWorkload.objects.filter(claim__state__in=HOLDING_STATES)
    claimed = list(
        holding.values(
            "pk",
            "claim_id",
            "claim__name",
            "claim__customer_id",
            "claim__customer__name",
            "claim__customer__owner_id",
            "claim__engagement_id",
            "claim__engagement__owner_id",
            "workload_id",
            "workload__name",
        )
    )
    newest = (
        UsagePoint.objects.filter(au_pct__isnull=False, refresh_date__lte=today)
        .filter(
            Exists(
                holding.filter(
                    claim__customer_id=OuterRef("customer_id"), workload_id=OuterRef("workload_id")
                )
            )
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("customer_id"), F("workload_id")],
                order_by=F("refresh_date").desc(),
            )
        )
        .filter(rank__lte=3)
        .values_list("customer_id", "workload_id", "refresh_date", "au_pct")
    )
    series: dict[tuple[int, int], list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for customer_id, workload_id, refresh_date, au in newest:
        if au is not None:
            series[(customer_id, workload_id)].append((refresh_date, au))
    page = url_of("customers:detail", "?tab=adoption")
    failures = []
    for row in claimed:
        points = sorted(series.get((row["claim__customer_id"], row["workload_id"]), []))
        if len(points) < 3:
            continue
        (first_day, first), (second_day, second), (third_day, third) = points[-3:]
        if not first > second > third:
            continue
        failures.append(
            Failure(
                "claims.claimworkload",
                row["pk"],
                f"{row['claim__customer__name']}: {row['workload__name']}",
                f"AU% of {row['workload__name']} fell in two consecutive reports: "
                f"{_pct(first)} ({_day(first_day)}) → {_pct(second)} ({_day(second_day)}) → "
                f"{_pct(third)} ({_day(third_day)}).",
                page(row["claim__customer_id"]),
                customer_id=row["claim__customer_id"],
                engagement_id=row["claim__engagement_id"],
                owner_id=_owner(
                    row["claim__engagement__owner_id"], row["claim__customer__owner_id"]
                ),
            )
        )
    return Evaluation(len(claimed), failures)


# --- satisfaction ----------------------------------------------------------------------------


def _satisfaction_page() -> str:
    try:
        return reverse("satisfaction:nsat")
    except NoReverseMatch:
        return reverse("partner:profile")


def _nsat_message(value: Decimal, responses: int, very: int, unhappy: int, since: str) -> str:
    return (
        f"NSAT {value} over the 90 days since {since} from {responses} "
        f"response{'s' if responses != 1 else ''} ({very} very satisfied, {unhappy} "
        f"dissatisfied); at least {NSAT_TARGET} is expected."
    )


@check("nsat")
def nsat(today: datetime.date) -> Evaluation:
    since = today - datetime.timedelta(days=NSAT_DAYS - 1)
    responses = responses_between(since, today)
    per_customer = nsat_by_customer(responses)
    overall = overall_nsat(responses)
    failures = []
    low = {
        customer_id: figure
        for customer_id, figure in per_customer.items()
        if figure.value is not None and figure.value < NSAT_TARGET
    }
    if low:
        customers = Customer.objects.filter(pk__in=responses.values("customer_id")).values(
            "pk", "name", "owner_id"
        )
        page = url_of("customers:detail", "?tab=satisfaction")
        for row in customers:
            figure = low.get(row["pk"])
            if figure is None or figure.value is None:
                continue
            failures.append(
                Failure(
                    "customers.customer",
                    row["pk"],
                    row["name"],
                    _nsat_message(
                        figure.value,
                        figure.responses,
                        figure.very_satisfied,
                        figure.dissatisfied,
                        _day(since),
                    ),
                    page(row["pk"]),
                    customer_id=row["pk"],
                    owner_id=row["owner_id"],
                )
            )
    checked = len(per_customer)
    if overall.value is not None:
        checked += 1
        if overall.value < NSAT_TARGET:
            profile = PartnerProfile.objects.filter(pk=PROFILE_PK).first()
            failures.append(
                Failure(
                    "partner.partnerprofile",
                    PROFILE_PK,
                    f"{_profile_label(profile)} (overall)",
                    _nsat_message(
                        overall.value,
                        overall.responses,
                        overall.very_satisfied,
                        overall.dissatisfied,
                        _day(since),
                    ),
                    _satisfaction_page(),
                )
            )
    return Evaluation(checked, failures)
