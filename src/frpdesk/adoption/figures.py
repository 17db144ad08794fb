"""Adoption figures (DESIGN.md §2 "Usage and adoption").

Pure functions of a workload's readings (refresh date, MAU, PAU) and its partner association
date: the MAU window, AU%, high-water marks, opportunity units, milestones and their forecast
dates. Below them, the read functions that pages, the API and the CLI show the figures with; each
runs a constant number of queries however many workloads or refresh dates there are.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

if TYPE_CHECKING:
    from frpdesk.adoption.models import UsagePoint
    from frpdesk.catalog.models import Workload
    from frpdesk.customers.models import Customer

# The trend behind a forecast: the least-squares line of AU% over the readings of the last
# TREND_WINDOW_DAYS (ending on the newest reading). Forecasts further out than
# FORECAST_HORIZON_DAYS say nothing useful and are left out.
TREND_WINDOW_DAYS = 180
FORECAST_HORIZON_DAYS = 5 * 365

# Catalog thresholds (program values, editable by a program administrator).
MAU_WINDOW_DAYS = "mau_window_days"
FIRST_MILESTONE = "milestone_first_pct"
SECOND_MILESTONE = "milestone_second_pct"


def mau_window(refresh_date: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """The ``days`` days ending on the refresh date, both ends inclusive."""
    return refresh_date - datetime.timedelta(days=days - 1), refresh_date


def au_pct(mau: int, pau: int | None, decimals: int = 2) -> Decimal | None:
    """MAU ÷ PAU in percent (rounded half up); undefined, not 0, without PAU. May exceed 100."""
    if not pau:
        return None
    return (Decimal(mau) * 100 / Decimal(pau)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


# --- pure figures of one workload ------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One refresh date of a workload: its MAU and the PAU in force then (None: unknown)."""

    refresh_date: datetime.date
    mau: int
    pau: int | None


@dataclass(frozen=True)
class Milestone:
    """An AU% milestone at the newest reading: whether it is reached, the first refresh date it
    was reached on (possibly earlier, when AU% fell back since), and when the trend reaches it."""

    pct: int
    reached: bool
    first_reached_on: datetime.date | None
    forecast_on: datetime.date | None

    @property
    def key(self) -> str:
        return str(self.pct)


def reaches(mau: int, pau: int | None, pct: int) -> bool:
    """Whether MAU ÷ PAU is at least ``pct`` percent, exactly (never without PAU)."""
    return bool(pau) and mau * 100 >= pct * (pau or 0)


def newest(readings: Iterable[Reading]) -> Reading | None:
    return max(readings, key=lambda reading: reading.refresh_date, default=None)


def peak_mau(readings: Iterable[Reading]) -> int:
    """The all-time highest MAU (0 without readings)."""
    return max((reading.mau for reading in readings), default=0)


def peak_on(readings: Iterable[Reading]) -> datetime.date | None:
    """The first refresh date the all-time peak MAU was reached on."""
    ordered = sorted(readings, key=lambda reading: reading.refresh_date)
    peak = peak_mau(ordered)
    return next((reading.refresh_date for reading in ordered if reading.mau == peak), None)


def starting_peak(readings: Iterable[Reading], associated_on: datetime.date | None) -> int:
    """The highest MAU on refresh dates strictly before the partner association date (0 when
    there are none). Without an association the partner counts as associated today, so the
    starting peak is the all-time peak."""
    if associated_on is None:
        return peak_mau(readings)
    return max(
        (reading.mau for reading in readings if reading.refresh_date < associated_on), default=0
    )


def opportunity_units(pau: int | None, start_peak: int) -> int | None:
    """PAU − starting peak, never below 0; unknown without PAU."""
    if pau is None:
        return None
    return max(0, pau - start_peak)


def first_reached_on(readings: Iterable[Reading], pct: int) -> datetime.date | None:
    ordered = sorted(readings, key=lambda reading: reading.refresh_date)
    return next(
        (reading.refresh_date for reading in ordered if reaches(reading.mau, reading.pau, pct)),
        None,
    )


def au_trend(readings: Iterable[Reading], window_days: int = TREND_WINDOW_DAYS) -> float | None:
    """The slope, in AU percentage points per day, of the least-squares line through the readings
    with PAU in the ``window_days`` ending on the newest reading; None with fewer than two."""
    slope = _trend_slope(list(readings), window_days)
    return None if slope is None else float(slope)


def _trend_slope(readings: list[Reading], window_days: int) -> Fraction | None:
    # Exact arithmetic: a forecast that lands on a whole day must not slip to the next one.
    last = newest(readings)
    if last is None:
        return None
    start, _ = mau_window(last.refresh_date, window_days)
    recent = [
        (reading.refresh_date.toordinal(), Fraction(reading.mau * 100, reading.pau))
        for reading in readings
        if reading.pau and reading.refresh_date >= start
    ]
    if len(recent) < 2:
        return None
    mean_x = Fraction(sum(x for x, _ in recent), len(recent))
    mean_y = sum((y for _, y in recent), Fraction(0)) / len(recent)
    spread = sum(((x - mean_x) ** 2 for x, _ in recent), Fraction(0))
    if spread == 0:
        return None
    return sum(((x - mean_x) * (y - mean_y) for x, y in recent), Fraction(0)) / spread


def forecast_on(
    readings: Iterable[Reading], pct: int, window_days: int = TREND_WINDOW_DAYS
) -> datetime.date | None:
    """When AU% reaches ``pct`` if it keeps growing at the trend's pace from the newest reading.

    None when the newest reading reaches it already, has no PAU, or the trend is unknown (fewer
    than two readings with PAU), flat or falling, or too slow to get there within
    FORECAST_HORIZON_DAYS."""
    readings = list(readings)
    last = newest(readings)
    if last is None or not last.pau or reaches(last.mau, last.pau, pct):
        return None
    slope = _trend_slope(readings, window_days)
    if slope is None or slope <= 0:
        return None
    days = (pct - Fraction(last.mau * 100, last.pau)) / slope
    if days > FORECAST_HORIZON_DAYS:
        return None
    return last.refresh_date + datetime.timedelta(days=max(1, math.ceil(days)))


def milestones(readings: Sequence[Reading], pcts: Sequence[int]) -> tuple[Milestone, ...]:
    last = newest(readings)
    return tuple(
        Milestone(
            pct=pct,
            reached=last is not None and reaches(last.mau, last.pau, pct),
            first_reached_on=first_reached_on(readings, pct),
            forecast_on=forecast_on(readings, pct),
        )
        for pct in pcts
    )


def au_band(percent: Decimal | float | None, pcts: Sequence[int]) -> str:
    """The heat-map band of an AU%: ``none`` (undefined), ``below`` the first milestone,
    ``first`` (first reached, second not) or ``second``."""
    if percent is None:
        return "none"
    first, second = pcts
    if percent >= second:
        return "second"
    if percent >= first:
        return "first"
    return "below"


# --- figures of a customer's workloads -------------------------------------------------------


@dataclass(frozen=True)
class WorkloadFigures:
    """Everything the adoption tab shows of one workload, as of its newest refresh date."""

    workload: "Workload"
    refresh_date: datetime.date
    source: str  # UsageSource: report | manual
    mau: int
    pau: int | None
    pau_as_of: datetime.date | None
    au_pct: Decimal | None
    peak_mau: int
    peak_on: datetime.date | None
    associated_on: datetime.date | None
    starting_peak: int
    opportunity_units: int | None
    milestones: tuple[Milestone, ...]
    readings: tuple[Reading, ...]  # oldest first

    @property
    def is_manual(self) -> bool:
        return self.source == "manual"

    @property
    def milestone_pcts(self) -> list[int]:
        return [milestone.pct for milestone in self.milestones]

    def chart_data(self) -> dict[str, Any]:
        """What the trend chart draws: AU% per refresh date (null without PAU), the milestones."""
        return {
            "label": f"{self.workload.name} AU%",
            "points": [
                {
                    "date": reading.refresh_date.isoformat(),
                    "au_pct": _as_float(au_pct(reading.mau, reading.pau)),
                    "mau": reading.mau,
                    "pau": reading.pau,
                }
                for reading in self.readings
            ],
            "milestones": self.milestone_pcts,
        }

    @property
    def has_au_pct(self) -> bool:
        return any(reading.pau for reading in self.readings)


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_of(
    workload: "Workload",
    points: Sequence["UsagePoint"],
    associated_on: datetime.date | None,
    pcts: Sequence[int],
) -> WorkloadFigures:
    """The figures of one workload from its usage points (at least one), without queries."""
    ordered = sorted(points, key=lambda point: point.refresh_date)
    readings = tuple(Reading(point.refresh_date, point.mau, point.pau) for point in ordered)
    last_point, last = ordered[-1], readings[-1]
    start_peak = starting_peak(readings, associated_on)
    return WorkloadFigures(
        workload=workload,
        refresh_date=last.refresh_date,
        source=last_point.source,
        mau=last.mau,
        pau=last.pau,
        pau_as_of=last_point.pau_as_of,
        au_pct=au_pct(last.mau, last.pau),
        peak_mau=peak_mau(readings),
        peak_on=peak_on(readings),
        associated_on=associated_on,
        starting_peak=start_peak,
        opportunity_units=opportunity_units(last.pau, start_peak),
        milestones=milestones(readings, pcts),
        readings=readings,
    )


def milestone_pcts() -> tuple[int, int]:
    """The two AU% milestones of the program catalog (15 and 40 by default)."""
    from frpdesk.catalog.services import threshold_int

    return threshold_int(FIRST_MILESTONE), threshold_int(SECOND_MILESTONE)


def mau_window_days() -> int:
    """How many days, ending on a report's refresh date, a user counts as active (28)."""
    from frpdesk.catalog.services import threshold_int

    return threshold_int(MAU_WINDOW_DAYS)


def workload_figures(customer: "Customer") -> list[WorkloadFigures]:
    """The figures of every workload of the customer that has usage data, in catalog order."""
    from frpdesk.adoption.models import PartnerAssociation, UsagePoint

    points: dict[int, list[UsagePoint]] = {}
    workloads: dict[int, Workload] = {}
    for point in (
        UsagePoint.objects.filter(customer=customer)
        .select_related("workload")
        .order_by("workload__sort_order", "workload__code", "refresh_date")
    ):
        points.setdefault(point.workload_id, []).append(point)
        workloads[point.workload_id] = point.workload
    if not points:
        return []
    associated = dict(
        PartnerAssociation.objects.filter(customer=customer).values_list(
            "workload_id", "associated_on"
        )
    )
    pcts = milestone_pcts()
    return [
        figures_of(workloads[workload_id], workload_points, associated.get(workload_id), pcts)
        for workload_id, workload_points in points.items()
    ]


def customer_adoption_document(customer: "Customer") -> dict[str, Any]:
    """The stable JSON document of ``frpdesk adoption --json`` and the API: per workload with
    data, the figures of its newest refresh date (AU% rounded to 0.1, null without PAU)."""
    return {
        "tenant_id": str(customer.tenant_id),
        "workloads": {
            figures.workload.code: {
                "refresh_date": figures.refresh_date.isoformat(),
                "mau": figures.mau,
                "pau": figures.pau or 0,
                "au_pct": _as_float(au_pct(figures.mau, figures.pau, decimals=1)),
                "peak_mau": figures.peak_mau,
                "milestones": {
                    milestone.key: milestone.reached for milestone in figures.milestones
                },
            }
            for figures in workload_figures(customer)
        },
    }


def newest_points(
    customers: "QuerySet[Customer] | Sequence[int]",
) -> dict[tuple[int, int], "UsagePoint"]:
    """(customer id, workload id) → the newest usage point, for the given customers (a queryset
    or ids), in one query."""
    return {
        (point.customer_id, point.workload_id): point
        for point in newest_points_queryset().filter(customer__in=customers)
    }


def newest_points_queryset() -> "QuerySet[UsagePoint]":
    """Every tenant × workload's newest usage point."""
    from frpdesk.adoption.models import UsagePoint

    newest_date = (
        UsagePoint.objects.filter(customer=OuterRef("customer"), workload=OuterRef("workload"))
        .order_by("-refresh_date")
        .values("refresh_date")[:1]
    )
    return UsagePoint.objects.filter(refresh_date=Subquery(newest_date))
