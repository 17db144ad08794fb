"""Satisfaction figures: NSAT as Microsoft computes it."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

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
