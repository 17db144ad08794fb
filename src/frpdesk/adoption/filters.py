"""Filters of the portfolio heat-map: the customer list's own filters plus adoption ones.

``workload`` narrows the AU% band and milestone filters to one workload; without it they match a
customer when any workload's newest AU% matches (a workload without data counts as "no AU%").
"""

import django_filters
from django.db.models import Count, Q, QuerySet

from frpdesk.adoption.figures import milestone_pcts, newest_points_queryset
from frpdesk.adoption.models import UsagePoint
from frpdesk.catalog.models import Workload
from frpdesk.customers.filters import CustomerFilter, customer_search
from frpdesk.customers.models import Customer

BANDS = [
    ("none", "No AU% (no data or no PAU)"),
    ("below", "Below the first milestone"),
    ("first", "First milestone, not the second"),
    ("second", "Second milestone reached"),
]
MILESTONES = [
    ("first", "First milestone reached"),
    ("second", "Second milestone reached"),
    ("neither", "No milestone reached"),
]


class HeatmapFilter(CustomerFilter):
    search = customer_search(label="Customer", placeholder="Name, domain, tenant ID")
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(),
        to_field_name="code",
        method="filter_workload",
        label="Workload",
        empty_label="Any workload",
    )
    band = django_filters.ChoiceFilter(
        choices=BANDS, method="filter_band", label="AU% band", empty_label="Any AU%"
    )
    milestone = django_filters.ChoiceFilter(
        choices=MILESTONES,
        method="filter_milestone",
        label="Milestone",
        empty_label="Any",
    )
    # Customer-list filters the heat-map has no use for (None removes an inherited filter).
    eligible = None  # type: ignore[assignment]
    has_licences = None  # type: ignore[assignment]
    is_edu = None  # type: ignore[assignment]

    class Meta:
        model = Customer
        fields = ["search", "owner", "tag", "country", "segment", "workload", "band", "milestone"]

    def chosen_workload(self) -> Workload | None:
        form = self.form
        workload = form.cleaned_data.get("workload") if hasattr(form, "cleaned_data") else None
        return workload if isinstance(workload, Workload) else None

    def filter_workload(
        self, queryset: QuerySet[Customer], name: str, value: Workload | None
    ) -> QuerySet[Customer]:
        """Alone, customers with usage data of the workload; with a band or milestone, those
        filters look at it only."""
        if (
            value is None
            or self.form.cleaned_data.get("band")
            or self.form.cleaned_data.get("milestone")
        ):
            return queryset
        return queryset.filter(pk__in=UsagePoint.objects.filter(workload=value).values("customer"))

    def filter_band(
        self, queryset: QuerySet[Customer], name: str, value: str
    ) -> QuerySet[Customer]:
        if not value:
            return queryset
        first, second = milestone_pcts()
        if value == "none":
            return self._without_au(queryset)
        bounds = {
            "below": Q(au_pct__lt=first),
            "first": Q(au_pct__gte=first, au_pct__lt=second),
            "second": Q(au_pct__gte=second),
        }[value]
        return self._with_au(queryset, bounds)

    def filter_milestone(
        self, queryset: QuerySet[Customer], name: str, value: str
    ) -> QuerySet[Customer]:
        if not value:
            return queryset
        first, second = milestone_pcts()
        if value == "neither":
            # No workload (or not the chosen one) at or above the first milestone.
            return queryset.exclude(
                pk__in=self._cells().filter(au_pct__gte=first).values("customer")
            )
        return self._with_au(queryset, Q(au_pct__gte=first if value == "first" else second))

    def _cells(self) -> QuerySet[UsagePoint]:
        cells = newest_points_queryset()
        workload = self.chosen_workload()
        return cells.filter(workload=workload) if workload else cells

    def _with_au(self, queryset: QuerySet[Customer], condition: Q) -> QuerySet[Customer]:
        return queryset.filter(pk__in=self._cells().filter(condition).values("customer"))

    def _without_au(self, queryset: QuerySet[Customer]) -> QuerySet[Customer]:
        with_au = self._cells().filter(au_pct__isnull=False)
        if self.chosen_workload() is not None:
            return queryset.exclude(pk__in=with_au.values("customer"))
        # Some workload without a figure: fewer workloads with AU% than there are workloads.
        workload_count = Workload.objects.count()
        full = (
            with_au.values("customer")
            .annotate(cells=Count("workload", distinct=True))
            .filter(cells__gte=workload_count)
            .values("customer")
        )
        return queryset.exclude(pk__in=full)
