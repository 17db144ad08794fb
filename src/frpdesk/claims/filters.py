"""The filters of the claim and conflict lists, shared by the pages, their exports and the API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.claims.services import overdue_condition
from frpdesk.core.filters import YesNoFilter
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement


class ClaimFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name, CLM-id, reference, tenant"}),
    )
    state = django_filters.ChoiceFilter(choices=ClaimState.choices, label="State")
    overdue = YesNoFilter(method="filter_overdue", label="Overdue")
    workload = django_filters.ModelChoiceFilter(
        field_name="workloads__workload",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
    )
    # By id, not a drop-down: a partner may have thousands of customers. The customer's and the
    # engagement's pages link here with ``?customer=<id>`` / ``?engagement=<id>``.
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), widget=forms.HiddenInput, label="Customer (id)"
    )
    engagement = django_filters.ModelChoiceFilter(
        queryset=Engagement.objects.all(), widget=forms.HiddenInput, label="Engagement (id)"
    )

    class Meta:
        model = Claim
        fields = ["search", "state", "overdue", "workload", "customer", "engagement"]

    def filter_search(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        text = value.strip()
        if not text:
            return queryset
        condition = (
            Q(name__icontains=text)
            | Q(partner_center_reference__icontains=text)
            | Q(customer__name__icontains=text)
            | Q(tenant_id__icontains=text.strip("{}"))
        )
        number = text.upper().removeprefix("CLM-")
        if number.isdigit():
            condition |= Q(pk=int(number))
        return queryset.filter(condition)

    def filter_overdue(
        self, queryset: QuerySet[Claim], name: str, value: bool | None
    ) -> QuerySet[Claim]:
        if value is None:
            return queryset
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class ExternalClaimFilter(django_filters.FilterSet):
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), widget=forms.HiddenInput, label="Customer (id)"
    )
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code", label="Workload"
    )

    class Meta:
        model = ExternalClaim
        fields = ["customer", "workload"]
