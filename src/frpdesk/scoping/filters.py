"""Filters of the scoping lists, shared by the pages, their exports and the API."""

import django_filters

from frpdesk.catalog.models import Workload
from frpdesk.core.filters import IntegerFilter, condition_filter, record_id_filter, text_search
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
    search = text_search(
        "description",
        "requested_by",
        "engagement__customer__name",
        placeholder="Description, customer, requested by",
    )
    classification = django_filters.ChoiceFilter(
        choices=RequestClass.choices, label="Classification"
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label="Status")
    # Outside the Benefit, not delivered nor declined, and missing a disclosure or a contract.
    blocked = condition_filter(blocked_condition, label="Blocked before delivery")
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code", label="Workload"
    )
    engagement = record_id_filter(Engagement)
    customer = record_id_filter(Customer, "engagement__customer")

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


class ScopeAssessmentFilter(django_filters.FilterSet):
    engagement = IntegerFilter(field_name="engagement", label="Engagement (id)")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="Outcome")

    class Meta:
        model = ScopeAssessment
        fields = ["engagement", "outcome"]
