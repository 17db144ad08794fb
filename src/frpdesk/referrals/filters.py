"""The referral list's filters, shared by the page, its exports and the API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.core.filters import YesNoFilter
from frpdesk.customers.models import Customer
from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
from frpdesk.referrals.services import overdue_condition


class ReferralFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Referral ID, tenant, domain, RFA ID"}),
    )
    acceptance = django_filters.ChoiceFilter(choices=Acceptance.choices, label="Acceptance")
    kind = django_filters.ChoiceFilter(choices=ReferralKind.choices, label="Kind")
    overdue = YesNoFilter(method="filter_overdue", label="Overdue")
    workload = django_filters.ModelChoiceFilter(
        field_name="workloads",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
    )
    # By id, not a drop-down: a partner may have thousands of customers. The customer's page links
    # here with ``?customer=<id>``.
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), widget=forms.HiddenInput, label="Customer (id)"
    )
    has_customer = YesNoFilter(
        field_name="customer", lookup_expr="isnull", exclude=True, label="Customer linked"
    )
    received_while_paused = YesNoFilter(label="Received while paused")

    class Meta:
        model = Referral
        fields = [
            "search",
            "acceptance",
            "kind",
            "overdue",
            "workload",
            "customer",
            "has_customer",
            "received_while_paused",
        ]

    def filter_search(
        self, queryset: QuerySet[Referral], name: str, value: str
    ) -> QuerySet[Referral]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(referral_id__icontains=text)
            | Q(tenant_name__icontains=text)
            | Q(tenant_domain__icontains=text)
            | Q(rfa_id__icontains=text)
            | Q(tenant_id__icontains=text.strip("{}"))
        )

    def filter_overdue(
        self, queryset: QuerySet[Referral], name: str, value: bool | None
    ) -> QuerySet[Referral]:
        if value is None:
            return queryset
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
