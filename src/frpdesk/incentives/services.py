"""Incentive rules: the rate in force, what each approved claim workload earns or may earn, what
the statements paid, the unpaid and disputable flags, and disputes.

The adoption figures (opportunity units, milestones, forecasts) come from
``frpdesk.adoption.figures``; nothing here recomputes them. Every function that depends on the
day takes ``today`` (default: the local date) so that tests run on a controlled clock.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.figures import WorkloadFigures, first_reached_on, milestone_pcts
from frpdesk.adoption.figures import workload_figures as adoption_figures
from frpdesk.claims.models import Claim, ClaimState, ClaimWorkload
from frpdesk.incentives.models import (
    DisputeStatus,
    IncentiveRate,
    LineDispute,
    MatchStatus,
    StatementLine,
)
from frpdesk.vas.pricing import money

# Program values (DESIGN.md §2): a milestone still unpaid this many days after it was reached is
# flagged; a statement line can be disputed with Microsoft until this many days after its date.
UNPAID_AFTER_DAYS = 45
DISPUTABLE_DAYS = 90
DEFAULT_CURRENCY = "USD"
ZERO = Decimal("0.00")


# --- rate card -------------------------------------------------------------------------------


def rate_in_force(rates: Iterable[IncentiveRate], on: datetime.date) -> IncentiveRate | None:
    """The rate with the newest ``valid_from`` on or before ``on`` whose ``valid_to`` (if any)
    is not before ``on``. ``rates`` are those of one workload × milestone."""
    valid = [
        rate
        for rate in rates
        if rate.valid_from <= on and (rate.valid_to is None or rate.valid_to >= on)
    ]
    return max(valid, key=lambda rate: rate.valid_from, default=None)


def periods_overlap(
    first: tuple[datetime.date, datetime.date | None],
    second: tuple[datetime.date, datetime.date | None],
) -> bool:
    """Whether two validity periods (from, to; ``to`` None = open-ended) share a day."""
    (first_from, first_to), (second_from, second_to) = first, second
    return first_from <= (second_to or datetime.date.max) and second_from <= (
        first_to or datetime.date.max
    )


def period_text(rate: IncentiveRate) -> str:
    end = rate.valid_to.isoformat() if rate.valid_to else "open-ended"
    return f"{rate.valid_from.isoformat()} – {end}"


@transaction.atomic
def save_rate(*, acting_user: User | None, rate: IncentiveRate) -> IncentiveRate:
    """Create or change a rate; refused when its period overlaps another rate of the same
    workload × milestone, or its milestone or currency does not fit the program."""
    if rate.valid_from and rate.valid_to and rate.valid_to < rate.valid_from:
        raise ValidationError({"valid_to": "must be on or after Valid from (or left empty)."})
    pcts = milestone_pcts()
    if rate.milestone_pct is not None and rate.milestone_pct not in pcts:
        raise ValidationError(
            {
                "milestone_pct": f"{rate.milestone_pct} % is not a milestone of the program; use "
                f"{' or '.join(str(pct) for pct in pcts)}."
            }
        )
    rate.currency = (rate.currency or "").upper()
    other_currency = IncentiveRate.objects.exclude(pk=rate.pk).exclude(currency=rate.currency)
    if rate.currency and other_currency.exists():
        # One currency for the whole card: estimates add amounts across workloads.
        raise ValidationError(
            {
                "currency": "The rate card is in "
                f"{other_currency.values_list('currency', flat=True).first()}; use that "
                "currency for every rate."
            }
        )
    if rate.workload_id and rate.valid_from and rate.milestone_pct is not None:
        siblings = (
            IncentiveRate.objects.select_for_update()
            .filter(workload_id=rate.workload_id, milestone_pct=rate.milestone_pct)
            .exclude(pk=rate.pk)
            .select_related("workload")
        )
        for other in siblings:
            if periods_overlap(
                (rate.valid_from, rate.valid_to), (other.valid_from, other.valid_to)
            ):
                raise ValidationError(
                    {
                        "valid_from": f"The period overlaps the rate valid {period_text(other)} "
                        f"({other.amount_per_unit} {other.currency} per unit) for the same "
                        "workload and milestone. End that rate (Valid to) before this one "
                        "starts, or pick dates outside it."
                    }
                )
    rate.full_clean()
    rate.save()
    return rate


def rates_by_key() -> dict[tuple[int, int], list[IncentiveRate]]:
    """Every rate by (workload id, milestone %)."""
    rates: dict[tuple[int, int], list[IncentiveRate]] = defaultdict(list)
    for rate in IncentiveRate.objects.all():
        rates[(rate.workload_id, rate.milestone_pct)].append(rate)
    return rates


def card_currency() -> str:
    return IncentiveRate.objects.values_list("currency", flat=True).first() or DEFAULT_CURRENCY


# --- estimates -------------------------------------------------------------------------------


def approved_claim_workloads() -> QuerySet[ClaimWorkload]:
    """The claim workloads that can earn incentives: approved claims not opted out."""
    return ClaimWorkload.objects.filter(
        claim__state=ClaimState.APPROVED, claim__incentive_opt_out=False
    ).select_related("claim__customer", "workload")


@dataclass(frozen=True)
class MilestoneEstimate:
    pct: int
    earned_on: datetime.date | None  # first reached on or after the partner association
    forecast_on: datetime.date | None
    rate: IncentiveRate | None  # in force on the earned date, else on the forecast date or today
    amount: Decimal | None  # opportunity units × rate; None without units or rate
    paid: Decimal
    paid_lines: int
    unpaid_flag: bool

    @property
    def earned(self) -> bool:
        return self.earned_on is not None

    @property
    def unpaid_since(self) -> datetime.date | None:
        """The day after which a missing payment is flagged."""
        if self.earned_on is None:
            return None
        return self.earned_on + datetime.timedelta(days=UNPAID_AFTER_DAYS)


@dataclass(frozen=True)
class Estimate:
    """What one approved claim workload earned, may still earn, and was paid."""

    claim_workload: ClaimWorkload
    figures: WorkloadFigures | None  # None: no usage data for the workload yet
    milestones: tuple[MilestoneEstimate, ...]
    currency: str

    @property
    def pk(self) -> int:
        return int(self.claim_workload.pk)

    @property
    def claim(self) -> Claim:
        return self.claim_workload.claim

    @property
    def units(self) -> int | None:
        return self.figures.opportunity_units if self.figures else None

    @property
    def earned(self) -> Decimal:
        return sum((m.amount or ZERO for m in self.milestones if m.earned), ZERO)

    @property
    def potential(self) -> Decimal:
        return sum((m.amount or ZERO for m in self.milestones if not m.earned), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((m.paid for m in self.milestones), ZERO)

    @property
    def unpaid_flag(self) -> bool:
        return any(m.unpaid_flag for m in self.milestones)

    @property
    def forecast_on(self) -> datetime.date | None:
        """When the trend reaches the next milestone not yet earned."""
        return min(
            (m.forecast_on for m in self.milestones if not m.earned and m.forecast_on),
            default=None,
        )


@dataclass(frozen=True)
class Totals:
    earned: Decimal
    potential: Decimal
    paid: Decimal
    unpaid: int  # claim workloads flagged

    @classmethod
    def of(cls, rows: Sequence[Estimate]) -> "Totals":
        return cls(
            earned=sum((row.earned for row in rows), ZERO),
            potential=sum((row.potential for row in rows), ZERO),
            paid=sum((row.paid for row in rows), ZERO),
            unpaid=sum(1 for row in rows if row.unpaid_flag),
        )


def estimates(
    claim_workloads: Iterable[ClaimWorkload], *, today: datetime.date | None = None
) -> list[Estimate]:
    """The estimate of each claim workload (give approved ones: ``approved_claim_workloads``).

    A milestone counts as earned from the first refresh date, on or after the partner association
    (the claim's approval), its AU% reached it: reaching it before the claim earns us nothing.
    """
    today = today or timezone.localdate()
    rows = list(claim_workloads)
    rates = rates_by_key()
    currency = card_currency()
    figures: dict[int, dict[int, WorkloadFigures]] = {}
    for customer in {row.claim.customer_id: row.claim.customer for row in rows}.values():
        figures[customer.pk] = {item.workload.pk: item for item in adoption_figures(customer)}
    payments: dict[tuple[int, int, int], list[Decimal]] = defaultdict(list)
    for claim_id, workload_id, pct, amount in StatementLine.objects.filter(
        claim_id__in={row.claim_id for row in rows}, match_status=MatchStatus.MATCHED
    ).values_list("claim_id", "workload_id", "milestone_pct", "amount"):
        payments[(claim_id, workload_id, pct)].append(amount)
    return [
        _estimate(
            row,
            figures[row.claim.customer_id].get(row.workload_id),
            rates,
            payments,
            currency,
            today,
        )
        for row in rows
    ]


def _estimate(
    row: ClaimWorkload,
    figures: WorkloadFigures | None,
    rates: dict[tuple[int, int], list[IncentiveRate]],
    payments: dict[tuple[int, int, int], list[Decimal]],
    currency: str,
    today: datetime.date,
) -> Estimate:
    if figures is None:
        milestones = tuple(
            _milestone(row, pct, None, None, None, rates, payments, today)
            for pct in milestone_pcts()
        )
        return Estimate(row, None, milestones, currency)
    since = figures.associated_on or row.claim.approved_on
    counted = [
        reading for reading in figures.readings if since is None or reading.refresh_date >= since
    ]
    milestones = tuple(
        _milestone(
            row,
            milestone.pct,
            first_reached_on(counted, milestone.pct),
            milestone.forecast_on,
            figures.opportunity_units,
            rates,
            payments,
            today,
        )
        for milestone in figures.milestones
    )
    return Estimate(row, figures, milestones, currency)


def _milestone(
    row: ClaimWorkload,
    pct: int,
    earned_on: datetime.date | None,
    forecast: datetime.date | None,
    units: int | None,
    rates: dict[tuple[int, int], list[IncentiveRate]],
    payments: dict[tuple[int, int, int], list[Decimal]],
    today: datetime.date,
) -> MilestoneEstimate:
    # An earned milestone is paid at the rate of the day it was reached; one still ahead at the
    # rate of the day the trend reaches it (today's when there is no forecast).
    rate = rate_in_force(rates.get((row.workload_id, pct), []), earned_on or forecast or today)
    amount = money(units * rate.amount_per_unit) if rate is not None and units is not None else None
    paid = payments.get((row.claim_id, row.workload_id, pct), [])
    overdue = (
        earned_on is not None and earned_on + datetime.timedelta(days=UNPAID_AFTER_DAYS) < today
    )
    return MilestoneEstimate(
        pct=pct,
        earned_on=earned_on,
        forecast_on=None if earned_on else forecast,
        rate=rate,
        amount=amount,
        paid=sum(paid, ZERO),
        paid_lines=len(paid),
        unpaid_flag=overdue and not paid,
    )


def unpaid_claim_workload_ids(
    claim_workloads: Iterable[ClaimWorkload], *, today: datetime.date | None = None
) -> list[int]:
    return [row.pk for row in estimates(claim_workloads, today=today) if row.unpaid_flag]


# --- statement lines -------------------------------------------------------------------------


def disputable_until(line: StatementLine) -> datetime.date:
    return line.statement_date + datetime.timedelta(days=DISPUTABLE_DAYS)


def is_disputable(line: StatementLine, today: datetime.date | None = None) -> bool:
    return disputable_until(line) >= (today or timezone.localdate())


def disputable_condition(today: datetime.date | None = None) -> Q:
    """The statement lines still disputable on ``today``, as a query condition."""
    oldest = (today or timezone.localdate()) - datetime.timedelta(days=DISPUTABLE_DAYS)
    return Q(statement_date__gte=oldest)


def match_lines(lines: Sequence[StatementLine]) -> None:
    """Link each (unsaved or saved) line to its customer (by tenant ID) and to our approved claim
    on that tenant × workload; sets ``match_status``. Two queries, whatever the number of lines."""
    from frpdesk.customers.models import Customer

    customers = {
        customer.tenant_id: customer
        for customer in Customer.objects.filter(tenant_id__in={line.tenant_id for line in lines})
    }
    claims: dict[tuple[int, int], Claim] = {}
    # Oldest approval first, opted-out claims before the others: the last one written wins.
    for claim_workload in (
        ClaimWorkload.objects.filter(
            claim__state=ClaimState.APPROVED,
            claim__customer__in=[customer.pk for customer in customers.values()],
        )
        .select_related("claim")
        .order_by("-claim__incentive_opt_out", "claim__approved_on", "claim__pk")
    ):
        claims[(claim_workload.claim.customer_id, claim_workload.workload_id)] = (
            claim_workload.claim
        )
    for line in lines:
        customer = customers.get(line.tenant_id)
        line.customer = customer
        line.claim = claims.get((customer.pk, line.workload_id)) if customer else None
        if customer is None:
            line.match_status = MatchStatus.UNKNOWN_TENANT
        elif line.claim is None:
            line.match_status = MatchStatus.NO_CLAIM
        else:
            line.match_status = MatchStatus.MATCHED


def rematch_lines_of(claim: Claim) -> None:
    """Match again the statement lines of the claim's tenant (its state may have changed)."""
    lines = list(
        StatementLine.objects.filter(
            Q(tenant_id=claim.tenant_id) | Q(customer_id=claim.customer_id)
        )
    )
    if lines:
        match_lines(lines)
        StatementLine.objects.bulk_update(lines, ["customer", "claim", "match_status"])


# --- disputes --------------------------------------------------------------------------------


@transaction.atomic
def record_dispute(
    *,
    acting_user: User | None,
    line: StatementLine,
    reason: str = "",
    status: str | None = None,
    resolution: str = "",
    filed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> LineDispute:
    """File a dispute of a statement line (only while the line is disputable), or update the
    line's dispute: its reason, its status (kept when not given) and Microsoft's resolution."""
    today = today or timezone.localdate()
    dispute = LineDispute.objects.select_for_update().filter(line=line).first()
    if dispute is None:
        until = disputable_until(line)
        filed_on = filed_on or today
        if until < filed_on:
            raise ValidationError(
                f"This line could be disputed until {until.isoformat()} ({DISPUTABLE_DAYS} days "
                "after the statement date); it can no longer be disputed."
            )
        if filed_on > today:
            raise ValidationError({"filed_on": "cannot be in the future."})
        if not reason.strip():
            raise ValidationError({"reason": "Say why the line is wrong."})
        dispute = LineDispute(line=line, filed_on=filed_on, filed_by=acting_user)
    elif filed_on is not None and filed_on != dispute.filed_on:
        raise ValidationError({"filed_on": "A filed dispute keeps its filing date."})
    dispute.reason = reason.strip() or dispute.reason
    dispute.status = status or dispute.status or DisputeStatus.OPEN
    dispute.resolution = resolution.strip()
    if dispute.status not in DisputeStatus.values:
        raise ValidationError({"status": f"“{dispute.status}” is not open, won or lost."})
    if dispute.status != DisputeStatus.OPEN and not dispute.resolution:
        raise ValidationError(
            {"resolution": "Say what Microsoft decided before closing the dispute."}
        )
    dispute.full_clean()
    dispute.save()
    return dispute
