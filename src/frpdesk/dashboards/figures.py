"""The figures of the program and portfolio dashboards, their API and the reports.

Every figure is computed over the rows ``restrict(user, "view", …)`` lets the user see; a figure
of a model the user may not view at all is omitted (``None``), never shown as zero. Each function
runs a fixed, small number of aggregate queries whatever the size of the portfolio: nothing here
loops over customers, engagements or usage points in Python.

Periods are whole days, both ends included. The default period is the last quarter: the three
whole calendar months before the current one (on 2026-11-25: 2026-08-01 to 2026-10-31).
"""

import datetime
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from frpdesk.adoption.figures import milestone_pcts
from frpdesk.adoption.models import UsagePoint
from frpdesk.catalog.models import DeliveryPhase, Workload
from frpdesk.claims.models import Claim, ClaimState, ClaimWorkload
from frpdesk.compliance.models import CheckRun, Finding, RuleResult, RunStatus, Severity
from frpdesk.compliance.rules import RULES
from frpdesk.core.access import AnyUser, can, restrict
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.incentives import services as incentives
from frpdesk.incentives.models import IncentiveRate
from frpdesk.licensing.models import Eligibility
from frpdesk.satisfaction import services as satisfaction
from frpdesk.satisfaction.models import SurveyResponse
from frpdesk.vas.models import Quote, QuoteLine, QuoteState, ServicesContract

# The trend charts show the newest completed check runs, oldest first.
TREND_RUNS = 60
OPEN_QUOTE_STATES = (QuoteState.DRAFT, QuoteState.SENT, QuoteState.ACCEPTED)
SIGNED_STATES = (QuoteState.SIGNED, QuoteState.ACTIVE, QuoteState.COMPLETED)
CENT = Decimal("0.01")
NO_LIMIT = 2**62  # a LIMIT as an optimisation fence (see _incentive_sums)


# --- periods ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (earlier when negative), clamped to the
    month's last day (2026-03-31 − 1 month = 2026-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def last_quarter(cls, today: datetime.date | None = None) -> "Period":
        """The three whole calendar months before the current one."""
        first_of_month = (today or timezone.localdate()).replace(day=1)
        return cls(add_months(first_of_month, -3), first_of_month - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """For file names: ``2026-08-01-to-2026-10-31``."""
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes: its first instant and the first instant after it."""
        begin = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(begin), timezone.make_aware(after)


# --- shared shapes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """How many rows have one value of a field (a state, a phase, a severity…)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Amount:
    """Quotes or contracts of one state in one currency: how many, and their total."""

    state: str
    label: str
    currency: str
    count: int
    total: Decimal


def _tallies(
    counts: dict[str, int], choices: Iterable[tuple[str, str]], *, keep_zero: bool = True
) -> tuple[Tally, ...]:
    return tuple(
        Tally(key, str(label), counts.get(key, 0))
        for key, label in choices
        if keep_zero or counts.get(key)
    )


def _counts(queryset: QuerySet[Any], field_name: str) -> dict[str, int]:
    return dict(
        queryset.order_by()
        .values(field_name)
        .annotate(count=Count("pk"))
        .values_list(field_name, "count")
    )


# --- program dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunScore:
    run_id: int
    started_at: datetime.datetime
    score: Decimal


@dataclass(frozen=True)
class FailingPoint:
    """Records failing the rules of each severity in one run (RuleResult.failing summed)."""

    run_id: int
    started_at: datetime.datetime
    by_severity: dict[str, int]


@dataclass(frozen=True)
class RuleTally:
    rule: str
    title: str
    severity: str
    count: int


@dataclass(frozen=True)
class ScoreFigures:
    latest: RunScore | None
    trend: tuple[RunScore, ...]


@dataclass(frozen=True)
class FindingFigures:
    open_total: int
    by_severity: tuple[Tally, ...]  # every severity, most severe first
    by_rule: tuple[RuleTally, ...]  # every rule of the catalogue, most findings first
    opened_in_period: int
    resolved_in_period: int


@dataclass(frozen=True)
class NsatFigure:
    period: Period
    responses: int
    very_satisfied: int
    dissatisfied: int
    value: Decimal | None  # None without responses
    target: Decimal

    @property
    def below_target(self) -> bool:
        return self.value is not None and self.value < self.target


@dataclass(frozen=True)
class ProgramFigures:
    today: datetime.date
    period: Period
    score: ScoreFigures | None  # None: the user may not view check runs
    failing_trend: tuple[FailingPoint, ...] | None  # None: may not view rule results
    findings: FindingFigures | None  # None: may not view findings
    nsat: NsatFigure | None  # None: may not view survey responses


def _run_scores(runs: QuerySet[CheckRun]) -> list[RunScore]:
    return [
        RunScore(run_id, started_at, score)
        for run_id, started_at, score in runs.values_list("pk", "started_at", "score")
        if score is not None
    ]


def completed_runs(user: AnyUser) -> QuerySet[CheckRun]:
    return restrict(user, "view", CheckRun.objects.all()).filter(
        status=RunStatus.DONE, score__isnull=False
    )


def score_figures(
    user: AnyUser, *, period: Period | None = None, limit: int = TREND_RUNS
) -> ScoreFigures | None:
    """The newest score and the score per run: the newest ``limit`` runs, or every run that
    started in ``period`` (oldest first). The latest score is the newest up to the period's end."""
    if not can(user, "view", CheckRun):
        return None
    runs = completed_runs(user)
    if period is not None:
        start, after = period.bounds()
        runs = runs.filter(started_at__lt=after)
        newest = _run_scores(runs.order_by("-started_at", "-pk")[:1])
        trend = _run_scores(runs.filter(started_at__gte=start).order_by("started_at", "pk"))
    else:
        trend = _run_scores(runs.order_by("-started_at", "-pk")[:limit])[::-1]
        newest = trend[-1:]
    return ScoreFigures(latest=newest[0] if newest else None, trend=tuple(trend))


def failing_trend(
    user: AnyUser, runs: Sequence[RunScore] | None
) -> tuple[FailingPoint, ...] | None:
    """Per run of ``runs``, the records failing the rules of each severity."""
    if runs is None or not can(user, "view", RuleResult):
        return None
    sums: dict[int, dict[str, int]] = {run.run_id: {} for run in runs}
    for run_id, severity, failing in (
        restrict(user, "view", RuleResult.objects.all())
        .filter(run_id__in=list(sums))
        .order_by()
        .values("run_id", "severity")
        .annotate(failing=Sum("failing"))
        .values_list("run_id", "severity", "failing")
    ):
        sums[run_id][severity] = failing
    return tuple(
        FailingPoint(
            run.run_id,
            run.started_at,
            {severity.value: sums[run.run_id].get(severity.value, 0) for severity in Severity},
        )
        for run in runs
    )


def finding_figures(user: AnyUser, period: Period) -> FindingFigures | None:
    """Open findings now by severity and by rule; findings opened and resolved in the period."""
    if not can(user, "view", Finding):
        return None
    findings = restrict(user, "view", Finding.objects.all())
    open_findings = findings.filter(resolved_at__isnull=True)
    by_severity = _counts(open_findings, "severity")
    by_rule = _counts(open_findings, "rule")
    start, after = period.bounds()
    in_period = findings.aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=start, opened_at__lt=after)),
        resolved=Count("pk", filter=Q(resolved_at__gte=start, resolved_at__lt=after)),
    )
    rules = sorted(RULES.values(), key=lambda rule: -by_rule.get(rule.code, 0))
    return FindingFigures(
        open_total=sum(by_severity.values()),
        by_severity=_tallies(by_severity, Severity.choices),
        by_rule=tuple(
            RuleTally(rule.code, rule.title, rule.severity.value, by_rule.get(rule.code, 0))
            for rule in rules
        ),
        opened_in_period=in_period["opened"],
        resolved_in_period=in_period["resolved"],
    )


def nsat_figure(user: AnyUser, period: Period) -> NsatFigure | None:
    """NSAT of the survey responses dated in the period."""
    if not can(user, "view", SurveyResponse):
        return None
    responses = satisfaction.responses_between(
        period.start, period.end, restrict(user, "view", SurveyResponse.objects.all())
    )
    nsat = satisfaction.overall_nsat(responses)
    return NsatFigure(
        period=period,
        responses=nsat.responses,
        very_satisfied=nsat.very_satisfied,
        dissatisfied=nsat.dissatisfied,
        value=nsat.value,
        target=satisfaction.nsat_target(),
    )


def program_figures(
    user: AnyUser, *, period: Period | None = None, today: datetime.date | None = None
) -> ProgramFigures:
    """The program dashboard: compliance score and its trend (newest runs), open findings by
    severity and rule with the failing records per severity per run, and NSAT in the period."""
    today = today or timezone.localdate()
    period = period or Period.last_quarter(today)
    score = score_figures(user)
    return ProgramFigures(
        today=today,
        period=period,
        score=score,
        failing_trend=failing_trend(user, score.trend if score is not None else None),
        findings=finding_figures(user, period),
        nsat=nsat_figure(user, period),
    )


# --- portfolio dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFigures:
    total: int
    eligible: int | None  # None: the user may not view eligibility
    eligible_seats: int | None  # Σ eligible seats of the eligible customers


@dataclass(frozen=True)
class EngagementFigures:
    open_total: int
    by_phase: tuple[Tally, ...]  # open engagements per phase, in phase order


@dataclass(frozen=True)
class WorkloadAdoption:
    """A workload's newest AU% over the portfolio (Σ MAU ÷ Σ PAU of each customer's newest
    point with PAU), the same a month earlier, and how many customers reached each milestone."""

    code: str
    name: str
    customers: int  # customers with a usage point of the workload
    mau: int
    pau: int
    au_pct: Decimal | None
    previous_au_pct: Decimal | None
    reached: tuple[tuple[int, int], ...]  # (milestone %, customers at or above it)

    @property
    def movement(self) -> Decimal | None:
        """Percentage points since a month earlier."""
        if self.au_pct is None or self.previous_au_pct is None:
            return None
        return self.au_pct - self.previous_au_pct


@dataclass(frozen=True)
class AdoptionFigures:
    as_of: datetime.date
    compared_with: datetime.date
    milestone_pcts: tuple[int, ...]
    workloads: tuple[WorkloadAdoption, ...]  # workloads with usage data, catalog order
    # (milestone %, customers with at least one workload at or above it)
    customers_reached: tuple[tuple[int, int], ...] = ()

    @property
    def reached_totals(self) -> tuple[tuple[int, int], ...]:
        """Customer × workload pairs at or above each milestone."""
        return tuple(
            (pct, sum(dict(item.reached)[pct] for item in self.workloads))
            for pct in self.milestone_pcts
        )


@dataclass(frozen=True)
class ClaimFigures:
    total: int
    by_state: tuple[Tally, ...]  # every state, in the state machine's order
    approved_in_period: int


@dataclass(frozen=True)
class IncentiveFigures:
    currency: str
    claim_workloads: int  # approved claim workloads that can earn (not opted out)
    earned: Decimal
    potential: Decimal


@dataclass(frozen=True)
class VasFigures:
    pipeline: tuple[Amount, ...] | None  # open quotes by state and currency; None: no access
    signed: tuple[Amount, ...] | None  # contracts signed, active or completed; None: no access
    signed_in_period: tuple[Amount, ...] | None  # contracts signed in the period, per currency


@dataclass(frozen=True)
class PortfolioFigures:
    today: datetime.date
    period: Period
    customers: CustomerFigures | None
    engagements: EngagementFigures | None
    adoption: AdoptionFigures | None
    claims: ClaimFigures | None
    incentives: IncentiveFigures | None
    vas: VasFigures | None


def customer_figures(user: AnyUser) -> CustomerFigures | None:
    if not can(user, "view", Customer):
        return None
    customers = restrict(user, "view", Customer.objects.all())
    total = customers.count()
    if not can(user, "view", Eligibility):
        return CustomerFigures(total=total, eligible=None, eligible_seats=None)
    eligible = (
        restrict(user, "view", Eligibility.objects.all())
        .filter(eligible=True, customer__in=customers)
        .aggregate(count=Count("pk"), seats=Coalesce(Sum("eligible_seats"), 0))
    )
    return CustomerFigures(
        total=total, eligible=eligible["count"], eligible_seats=eligible["seats"]
    )


def engagement_figures(user: AnyUser) -> EngagementFigures | None:
    if not can(user, "view", Engagement):
        return None
    counts = _counts(
        restrict(user, "view", Engagement.objects.all()).filter(closed_on__isnull=True),
        "phase__code",
    )
    phases = DeliveryPhase.objects.order_by("sort_order").values_list("code", "name")
    by_phase = _tallies(counts, phases)
    return EngagementFigures(open_total=sum(counts.values()), by_phase=by_phase)


def _sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL of a (restricted) queryset, or None when it can match no row at all."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _date_param(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT)


def adoption_figures(user: AnyUser, *, as_of: datetime.date) -> AdoptionFigures | None:
    """AU% per workload over the portfolio as of ``as_of`` and a month earlier, and the
    customers at or above each milestone (stored AU% of the newest point, as the heat-map)."""
    if not can(user, "view", UsagePoint):
        return None
    compared_with = add_months(as_of, -1)
    pcts = tuple(milestone_pcts())
    points = _sql(
        restrict(user, "view", UsagePoint.objects.all())
        .order_by()
        .values("id", "customer_id", "workload_id", "refresh_date", "mau", "pau", "au_pct")
    )
    rows: list[tuple[Any, ...]] = []
    if points is not None:
        inner, inner_params = points
        reached = "".join(
            f", SUM(CASE WHEN au_pct >= {int(pct)} THEN 1 ELSE 0 END)" for pct in pcts
        )
        customers_reached = "".join(
            f", COUNT(DISTINCT CASE WHEN au_pct >= {int(pct)} THEN customer_id END)" for pct in pcts
        )
        # Each customer × workload with usage data (a pass over the (customer, workload, refresh
        # date) index), then per pair its newest point up to each day: an index seek, then the
        # row (SQLite: by its id; PostgreSQL: a lateral join, which its planner runs as one
        # backward index scan per pair). Per workload the sums; over all, the customers at each
        # milestone (the heat-map's milestone filter lists them).
        pairs = f"(SELECT DISTINCT p.customer_id, p.workload_id FROM ({inner}) p) m"
        of_pair = (
            f"FROM ({inner}) c WHERE c.customer_id = m.customer_id "
            "AND c.workload_id = m.workload_id AND c.refresh_date <= %s "
            "ORDER BY c.refresh_date DESC LIMIT 1"
        )
        now, earlier = _date_param(as_of), _date_param(compared_with)
        if connection.vendor == "postgresql":
            newest = (
                f"FROM {pairs} CROSS JOIN LATERAL (SELECT c.mau, c.pau, c.au_pct {of_pair}) a "
                f"LEFT JOIN LATERAL (SELECT c.mau, c.pau {of_pair}) b ON TRUE"
            )
            params = (*inner_params, *inner_params, now, *inner_params, earlier)
        else:
            newest = (
                f"FROM {pairs} JOIN ({inner}) a ON a.id = (SELECT c.id {of_pair}) "
                f"LEFT JOIN ({inner}) b ON b.id = (SELECT c.id {of_pair})"
            )
            params = (
                *inner_params,
                *(*inner_params, *inner_params, now),
                *(*inner_params, *inner_params, earlier),
            )
        sql = (
            "WITH newest AS ("
            "SELECT m.customer_id, m.workload_id, a.mau, a.pau, a.au_pct, "
            f"b.mau AS earlier_mau, b.pau AS earlier_pau {newest}) "
            "SELECT workload_id, COUNT(*), "
            "SUM(CASE WHEN pau > 0 THEN mau ELSE 0 END), "
            "SUM(CASE WHEN pau > 0 THEN pau ELSE 0 END), "
            "SUM(CASE WHEN earlier_pau > 0 THEN earlier_mau ELSE 0 END), "
            f"SUM(CASE WHEN earlier_pau > 0 THEN earlier_pau ELSE 0 END){reached} "
            "FROM newest GROUP BY workload_id "
            f"UNION ALL SELECT NULL, 0, 0, 0, 0, 0{customers_reached} FROM newest"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    by_workload = {row[0]: row for row in rows if row[0] is not None}
    totals = next((row[6:] for row in rows if row[0] is None), (0,) * len(pcts))
    workloads = []
    for workload in Workload.objects.filter(pk__in=list(by_workload)).order_by(
        "sort_order", "code"
    ):
        _pk, customers, mau, pau, earlier_mau, earlier_pau, *counts = by_workload[workload.pk]
        workloads.append(
            WorkloadAdoption(
                code=workload.code,
                name=workload.name,
                customers=customers,
                mau=int(mau or 0),
                pau=int(pau or 0),
                au_pct=_percent(int(mau or 0), int(pau or 0)),
                previous_au_pct=_percent(int(earlier_mau or 0), int(earlier_pau or 0)),
                reached=tuple(zip(pcts, (int(count or 0) for count in counts), strict=True)),
            )
        )
    return AdoptionFigures(
        as_of=as_of,
        compared_with=compared_with,
        milestone_pcts=pcts,
        workloads=tuple(workloads),
        customers_reached=tuple(zip(pcts, (int(count or 0) for count in totals), strict=True)),
    )


def claim_figures(user: AnyUser, period: Period) -> ClaimFigures | None:
    if not can(user, "view", Claim):
        return None
    rows = (
        restrict(user, "view", Claim.objects.all())
        .order_by()
        .values("state")
        .annotate(
            count=Count("pk"),
            approved=Count(
                "pk", filter=Q(approved_on__gte=period.start, approved_on__lte=period.end)
            ),
        )
    )
    counts, approved = {}, 0
    for row in rows:
        counts[row["state"]] = row["count"]
        approved += row["approved"]
    return ClaimFigures(
        total=sum(counts.values()),
        by_state=_tallies(counts, ClaimState.choices),
        approved_in_period=approved,
    )


def _cents(expression: Combinable) -> Cast:
    return Cast(Round(expression * 100), BigIntegerField())


def _money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)


def incentive_figures(user: AnyUser, *, today: datetime.date) -> IncentiveFigures | None:
    """Earned and potential incentives of the approved claim workloads the user may view, as the
    incentive estimates page computes them, in one aggregate query."""
    if not can(user, "view", IncentiveRate) or not can(user, "view", ClaimWorkload):
        return None
    rows = restrict(user, "view", incentives.approved_claim_workloads())
    currency = incentives.card_currency()
    if IncentiveRate.objects.filter(Q(valid_from__gt=today) | Q(valid_to__gte=today)).exists():
        # A rate that changes after today: a milestone still ahead is paid at the rate of the
        # day the trend forecasts it reaches it, which only the estimates service computes.
        totals = incentives.Totals.of(incentives.estimates(rows, today=today))
        return IncentiveFigures(currency, rows.count(), totals.earned, totals.potential)
    earned, potential, count = _incentive_sums(rows, today)
    return IncentiveFigures(currency, count, _money(earned), _money(potential))


def _rate_cents(rates: dict[tuple[int, int], list[IncentiveRate]], pct: int, day: str) -> Case:
    """The rate (cents per unit) in force on the date column ``day`` for the row's workload
    (``workload``), as ``incentives.services.rate_in_force``: the newest period containing the day.
    Built from the rate card (a few rows) so that it needs no query per claim workload."""
    whens = []
    for (workload_id, milestone), periods in sorted(rates.items()):
        if milestone != pct:
            continue
        for rate in sorted(periods, key=lambda rate: rate.valid_from, reverse=True):
            condition = Q(workload=workload_id, **{f"{day}__gte": rate.valid_from})
            if rate.valid_to is not None:
                condition &= Q(**{f"{day}__lte": rate.valid_to})
            whens.append(When(condition, then=Value(int(rate.amount_per_unit * 100))))
    return Case(*whens, default=Value(None), output_field=BigIntegerField())


def _incentive_sums(rows: QuerySet[ClaimWorkload], today: datetime.date) -> tuple[int, int, int]:
    """Σ earned and Σ potential amounts (cents) and the number of claim workloads.

    Per claim workload: opportunity units = newest PAU − starting peak (highest MAU before the
    partner association; all-time without one), never below 0; a milestone is earned on the
    first refresh date on or after the association (else the claim's approval) whose MAU ÷ PAU
    reaches it, at the rate in force that day; one not earned yet counts at today's rate (equal
    to the forecast day's when no rate changes after today). The per-row figures are columns of
    an inner query, the amounts are summed over them: one query, four lookups per row."""
    points = UsagePoint.objects.filter(
        customer=OuterRef("claim__customer"), workload=OuterRef("workload")
    ).order_by()
    association = "claim__customer__partner_associations"
    annotated = (
        rows.select_related(None)
        .order_by()
        .annotate(
            association=FilteredRelation(
                association, condition=Q(**{f"{association}__workload": F("workload")})
            )
        )
    )
    annotated = annotated.annotate(
        since=Coalesce(
            F("association__associated_on"),
            F("claim__approved_on"),
            Value(datetime.date.min),
        ),
        newest_pau=Subquery(points.order_by("-refresh_date").values("pau")[:1]),
        starting_peak=Coalesce(
            Subquery(
                points.filter(
                    refresh_date__lt=Coalesce(
                        OuterRef("association__associated_on"), Value(datetime.date.max)
                    )
                )
                .values("customer")
                .annotate(peak=Max("mau"))
                .values("peak"),
                output_field=IntegerField(),
            ),
            0,
        ),
    )
    pcts = milestone_pcts()
    annotated = annotated.annotate(
        **{
            f"earned_{pct}": Subquery(
                points.filter(refresh_date__gte=OuterRef("since"), pau__gt=0)
                .annotate(mau_100=F("mau") * 100)
                .filter(mau_100__gte=F("pau") * pct)
                .order_by("refresh_date")
                .values("refresh_date")[:1]
            )
            for pct in pcts
        }
    )
    rates = incentives.rates_by_key()
    today_rates = {key: incentives.rate_in_force(periods, today) for key, periods in rates.items()}
    units = Case(
        When(newest_pau__gt=F("starting_peak"), then=F("newest_pau") - F("starting_peak")),
        default=0,
    )

    def rate_today(pct: int) -> Case:
        return Case(
            *(
                When(workload=workload_id, then=Value(int(rate.amount_per_unit * 100)))
                for (workload_id, milestone), rate in sorted(today_rates.items())
                if milestone == pct and rate is not None
            ),
            default=Value(None),
            output_field=BigIntegerField(),
        )

    earned = [
        Case(
            When(
                **{f"earned_{pct}__isnull": False},
                then=units * _rate_cents(rates, pct, f"earned_{pct}"),
            ),
            default=0,
        )
        for pct in pcts
    ]
    potential = [
        Case(When(**{f"earned_{pct}__isnull": True}, then=units * rate_today(pct)), default=0)
        for pct in pcts
    ]
    # The LIMIT (never reached) keeps the database from inlining each lookup into every
    # expression that uses its column: the lookups then run once per row, not once per use.
    sums = annotated[:NO_LIMIT].aggregate(
        earned=Coalesce(Sum(reduce(operator.add, earned), output_field=BigIntegerField()), 0),
        potential=Coalesce(Sum(reduce(operator.add, potential), output_field=BigIntegerField()), 0),
        count=Count("pk"),
    )
    return int(sums["earned"]), int(sums["potential"]), int(sums["count"])


def _amounts(
    queryset: QuerySet[Any], *, prefix: str, states: Sequence[str], within: Q | None = None
) -> tuple[tuple[Amount, ...], tuple[Amount, ...]]:
    """Count and total of the quotes (reached through ``prefix``) per state and currency: of
    all the rows, and of the rows meeting ``within`` (none without it), in one query."""
    line_cents = (_cents(F("quantity")) * _cents(F("unit_price")) + 50) / 100
    subtotals = (
        QuoteLine.objects.filter(quote=OuterRef(prefix.removesuffix("__") or "pk"))
        .order_by()
        .values("quote")
        .annotate(cents=Sum(line_cents))
        .values("cents")
    )
    inner = (
        queryset.order_by()
        .filter(**{f"{prefix}state__in": list(states)})
        .annotate(
            # A sum of integers is a decimal on PostgreSQL: back to an integer, so that the
            # divisions below are whole-cent divisions on every database.
            subtotal=Coalesce(
                Cast(Subquery(subtotals, output_field=BigIntegerField()), BigIntegerField()), 0
            ),
            discount=_cents(F(f"{prefix}discount_pct")),
            tax=_cents(F(f"{prefix}tax_pct")),
            quote_state=F(f"{prefix}state"),
            quote_currency=F(f"{prefix}currency"),
            within=Case(When(within or Q(pk__isnull=True), then=1), default=0),
        )
        .values("quote_state", "quote_currency", "within", "subtotal", "discount", "tax")
    )
    # Each quote's subtotal once (the LIMIT, never reached, keeps the database from inlining
    # its lookup into every use), then its total as vas.pricing.quote_totals computes it.
    compiled = _sql(inner[:NO_LIMIT])
    rows: list[tuple[Any, ...]] = []
    if compiled is not None:
        sql, params = compiled
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT quote_state, quote_currency, COUNT(*), SUM(total), SUM(within), "
                "SUM(CASE WHEN within = 1 THEN total ELSE 0 END) "
                "FROM (SELECT quote_state, quote_currency, within, "
                "net + (net * tax + 5000) / 10000 AS total "
                "FROM (SELECT quote_state, quote_currency, within, tax, "
                "subtotal - (subtotal * discount + 5000) / 10000 AS net "
                f"FROM ({sql}) quotes) nets) totals "
                "GROUP BY quote_state, quote_currency",
                params,
            )
            rows = cursor.fetchall()
    labels = dict(QuoteState.choices)
    found = sorted((list(states).index(row[0]), row[1], row) for row in rows)
    return (
        tuple(
            Amount(states[index], str(labels[states[index]]), currency, row[2], _money(row[3]))
            for index, currency, row in found
        ),
        tuple(
            Amount(states[index], str(labels[states[index]]), currency, int(row[4]), _money(row[5]))
            for index, currency, row in found
            if row[4]
        ),
    )


def vas_figures(user: AnyUser, period: Period) -> VasFigures | None:
    may_quotes, may_contracts = can(user, "view", Quote), can(user, "view", ServicesContract)
    if not may_quotes and not may_contracts:
        return None
    pipeline = signed = in_period = None
    if may_quotes:
        pipeline, _ = _amounts(
            restrict(user, "view", Quote.objects.all()), prefix="", states=OPEN_QUOTE_STATES
        )
    if may_contracts:
        signed, signed_within = _amounts(
            restrict(user, "view", ServicesContract.objects.all()),
            prefix="quote__",
            states=SIGNED_STATES,
            within=Q(signed_on__gte=period.start, signed_on__lte=period.end),
        )
        in_period = _by_currency(signed_within, label="Signed in the period")
    return VasFigures(pipeline=pipeline, signed=signed, signed_in_period=in_period)


def _by_currency(amounts: Iterable[Amount], *, label: str) -> tuple[Amount, ...]:
    totals: dict[str, tuple[int, Decimal]] = {}
    for amount in amounts:
        count, total = totals.get(amount.currency, (0, Decimal("0.00")))
        totals[amount.currency] = (count + amount.count, total + amount.total)
    return tuple(
        Amount("", label, currency, count, total)
        for currency, (count, total) in sorted(totals.items())
    )


def totals_by_currency(amounts: Iterable[Amount]) -> dict[str, Decimal]:
    """Σ totals per currency (most quotes are in one currency)."""
    return {amount.currency: amount.total for amount in _by_currency(amounts, label="")}


def portfolio_figures(
    user: AnyUser, *, period: Period | None = None, today: datetime.date | None = None
) -> PortfolioFigures:
    """The portfolio dashboard: customers and eligibility, open engagements by phase, AU% by
    workload with its movement since a month earlier and the milestones reached, claims by state,
    incentives earned and potential, the VAS pipeline and signed revenue. Everything is as of
    today; claims approved and contracts signed are also counted in the period."""
    today = today or timezone.localdate()
    period = period or Period.last_quarter(today)
    return PortfolioFigures(
        today=today,
        period=period,
        customers=customer_figures(user),
        engagements=engagement_figures(user),
        adoption=adoption_figures(user, as_of=today),
        claims=claim_figures(user, period),
        incentives=incentive_figures(user, today=today),
        vas=vas_figures(user, period),
    )
