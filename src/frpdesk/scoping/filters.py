"""Filters of the scoping lists, shared by the pages, their exports and the API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from frpdesk.catalog.models import Workload
from frpdesk.core.filters import YesNoFilter
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.scoping.models import (
    CustomerRequest,
    Outcome,
    RequestClass,
    RequestStatus,
    ScopeAssessment,
)
from frpdesk.scoping.services import blocked_condition


class CustomerRequestFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Description, customer, requested by"}),
    )
    classification = django_filters.ChoiceFilter(
        choices=RequestClass.choices, label="Classification"
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label="Status")
    # Outside the Benefit, not delivered nor declined, and missing a disclosure or a contract.
    blocked = YesNoFilter(method="filter_blocked", label="Blocked before delivery")
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code", label="Workload"
    )
    # By id, not drop-downs: a partner may have thousands of them. The engagement and customer
    # pages link here with ``?engagement=<id>`` or ``?customer=<id>``.
    engagement = django_filters.ModelChoiceFilter(
        queryset=Engagement.objects.all(), widget=forms.HiddenInput, label="Engagement (id)"
    )
    customer = django_filters.ModelChoiceFilter(
        field_name="engagement__customer",
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        label="Customer (id)",
    )

    class Meta:
        model = CustomerRequest
        fields = [
            "search",
            "classification",
            "status",
            "blocked",
            "workload",
            "engagement",
            "customer",
        ]

    def filter_search(
        self, queryset: QuerySet[CustomerRequest], name: str, value: str
    ) -> QuerySet[CustomerRequest]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(description__icontains=text)
            | Q(requested_by__icontains=text)
            | Q(engagement__customer__name__icontains=text)
        )

    def filter_blocked(
        self, queryset: QuerySet[CustomerRequest], name: str, value: bool | None
    ) -> QuerySet[CustomerRequest]:
        if value is None:
            return queryset
        condition = blocked_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)


class ScopeAssessmentFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(field_name="engagement", label="Engagement (id)")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="Outcome")

    class Meta:
        model = ScopeAssessment
        fields = ["engagement", "outcome"]
