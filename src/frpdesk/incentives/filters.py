"""The incentives lists' filters, shared by the pages, their exports and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimWorkload
from frpdesk.core.filters import YesNoFilter, condition_filter, record_id_filter
from frpdesk.customers.models import Customer
from frpdesk.incentives.models import IncentiveRate, MatchStatus, Statement, StatementLine
from frpdesk.incentives.services import (
    UNPAID_AFTER_DAYS,
    disputable_condition,
    unpaid_claim_workload_ids,
)


def workload_filter(field_name: str = "workload") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
    )


class IncentiveRateFilter(django_filters.FilterSet):
    workload = workload_filter()
    milestone_pct = django_filters.NumberFilter(label="Milestone (% AU)")
    in_force_on = django_filters.DateFilter(
        method="filter_in_force_on",
        label="In force on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = IncentiveRate
        fields = ["workload", "milestone_pct", "in_force_on"]

    def filter_in_force_on(
        self, queryset: QuerySet[IncentiveRate], name: str, value: Any
    ) -> QuerySet[IncentiveRate]:
        if value is None:
            return queryset
        return queryset.filter(valid_from__lte=value).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=value)
        )


class StatementFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        field_name="file_name", lookup_expr="icontains", label="File name"
    )

    class Meta:
        model = Statement
        fields = ["search"]


class StatementLineFilter(django_filters.FilterSet):
    match_status = django_filters.ChoiceFilter(choices=MatchStatus.choices, label="Match")
    disputable = condition_filter(disputable_condition, label="Still disputable")
    disputed = YesNoFilter(
        field_name="dispute", lookup_expr="isnull", exclude=True, label="Disputed"
    )
    workload = workload_filter()
    claim = record_id_filter(Claim)
    customer = record_id_filter(Customer)
    statement = record_id_filter(Statement)

    class Meta:
        model = StatementLine
        fields = [
            "match_status",
            "disputable",
            "disputed",
            "workload",
            "claim",
            "customer",
            "statement",
        ]


class EstimateFilter(django_filters.FilterSet):
    """Filters of the incentive estimates (one row per approved claim workload)."""

    workload = workload_filter()
    customer = record_id_filter(Customer, "claim__customer")
    claim = record_id_filter(Claim)
    unpaid = YesNoFilter(method="filter_unpaid", label=f"Unpaid after {UNPAID_AFTER_DAYS} days")

    class Meta:
        model = ClaimWorkload
        fields = ["workload", "customer", "claim", "unpaid"]

    def filter_unpaid(
        self, queryset: QuerySet[ClaimWorkload], name: str, value: bool | None
    ) -> QuerySet[ClaimWorkload]:
        # The flag depends on usage figures and payments, not on columns: found in Python.
        if value is None:
            return queryset
        flagged = unpaid_claim_workload_ids(queryset)
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)
