"""Satisfaction figures: NSAT as Microsoft computes it."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from frpdesk.satisfaction.models import Rating, SurveyResponse

DISSATISFIED = (Rating.SOMEWHAT_DISSATISFIED, Rating.VERY_DISSATISFIED)


@dataclass(frozen=True)
class Nsat:
    responses: int
    very_satisfied: int
    dissatisfied: int

    @property
    def value(self) -> Decimal | None:
        """% very satisfied − % dissatisfied (somewhat + very) + 100; None without responses."""
        if not self.responses:
            return None
        raw = Decimal(100 * (self.very_satisfied - self.dissatisfied)) / self.responses + 100
        return raw.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nsat_of(counts: Mapping[str, int]) -> Nsat:
    """NSAT of a count of responses per rating."""
    return Nsat(
        responses=sum(counts.values()),
        very_satisfied=counts.get(Rating.VERY_SATISFIED, 0),
        dissatisfied=sum(counts.get(rating, 0) for rating in DISSATISFIED),
    )


def _counted(responses: QuerySet[SurveyResponse]) -> dict[str, Count]:
    return {
        "responses": Count("pk"),
        "very_satisfied": Count("pk", filter=Q(rating=Rating.VERY_SATISFIED)),
        "dissatisfied": Count("pk", filter=Q(rating__in=DISSATISFIED)),
    }


def responses_between(
    start: datetime.date, end: datetime.date, responses: QuerySet[SurveyResponse] | None = None
) -> QuerySet[SurveyResponse]:
    """Responses dated from ``start`` to ``end``, both included."""
    base = responses if responses is not None else SurveyResponse.objects.all()
    return base.filter(responded_on__gte=start, responded_on__lte=end)


def overall_nsat(responses: QuerySet[SurveyResponse]) -> Nsat:
    return Nsat(**responses.aggregate(**_counted(responses)))


def nsat_by_customer(responses: QuerySet[SurveyResponse]) -> dict[int, Nsat]:
    """NSAT per customer id, one query."""
    rows = responses.values("customer_id").annotate(**_counted(responses)).order_by()
    return {row.pop("customer_id"): Nsat(**row) for row in rows}


# --- the NSAT page: the target, the period, the trend -------------------------------------------

NSAT_TARGET_CODE = "nsat_target"
DEFAULT_TARGET = Decimal(80)
DEFAULT_PERIOD_DAYS = 90
# The 4-point scale from best to worst, with the number some survey exports write instead.
SCALE: tuple[tuple[int, Rating], ...] = (
    (4, Rating.VERY_SATISFIED),
    (3, Rating.SOMEWHAT_SATISFIED),
    (2, Rating.SOMEWHAT_DISSATISFIED),
    (1, Rating.VERY_DISSATISFIED),
)


def nsat_target() -> Decimal:
    """The catalog's NSAT target (80 by default): an NSAT below it is flagged."""
    from frpdesk.catalog.models import Threshold

    value = Threshold.objects.filter(code=NSAT_TARGET_CODE).values_list("value", flat=True).first()
    return value if value is not None else DEFAULT_TARGET


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 90 days, today included."""
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def is_below(nsat: Nsat, target: Decimal) -> bool:
    """An NSAT under the target; no responses is not below anything."""
    value = nsat.value
    return value is not None and value < target


def share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nsat_by_month(responses: QuerySet[SurveyResponse]) -> list[tuple[datetime.date, Nsat]]:
    """NSAT per calendar month (the month's first day), oldest first, months with responses."""
    rows = (
        responses.annotate(month=TruncMonth("responded_on"))
        .values("month")
        .annotate(**_counted(responses))
        .order_by("month")
    )
    months: list[tuple[datetime.date, Nsat]] = []
    for row in rows:
        month = row.pop("month")
        if isinstance(month, datetime.datetime):  # some databases truncate to a timestamp
            month = month.date()
        months.append((month, Nsat(**row)))
    return months
