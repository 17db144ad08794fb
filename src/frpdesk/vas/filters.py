"""Filters of the vas lists, shared by the pages, their exports and the API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from frpdesk.catalog.models import VasItem
from frpdesk.core.filters import YesNoFilter
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.vas.models import (
    LineKind,
    PricingKind,
    Quote,
    QuoteLine,
    QuoteState,
    RateCardEntry,
    ServicesContract,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _search(queryset: QuerySet, value: str, *fields: str) -> QuerySet:
    text = value.strip()
    if not text:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    return queryset.filter(condition)


class RateCardFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Role or item, VAS item"}),
    )
    vas_item = django_filters.ModelChoiceFilter(
        queryset=VasItem.objects.all(), to_field_name="code", label="VAS item"
    )
    kind = django_filters.ChoiceFilter(choices=PricingKind.choices, label="Pricing")
    currency = django_filters.CharFilter(
        lookup_expr="iexact", label="Currency", widget=forms.TextInput(attrs={"placeholder": "USD"})
    )
    active = YesNoFilter(label="Active")

    class Meta:
        model = RateCardEntry
        fields = ["search", "vas_item", "kind", "currency", "active"]

    def filter_search(
        self, queryset: QuerySet[RateCardEntry], name: str, value: str
    ) -> QuerySet[RateCardEntry]:
        return _search(queryset, value, "name", "vas_item__name", "vas_item__code")


class QuoteFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Number, title, customer"}),
    )
    state = django_filters.MultipleChoiceFilter(
        choices=QuoteState.choices,
        label="State",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    renewal_due_before = django_filters.DateFilter(
        field_name="renewal_on", lookup_expr="lte", label="Renewal due by", widget=DATE
    )
    # By id, not drop-downs: the engagement and customer pages link here with ``?engagement=``.
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
        model = Quote
        fields = ["search", "state", "renewal_due_before", "engagement", "customer"]

    def filter_search(self, queryset: QuerySet[Quote], name: str, value: str) -> QuerySet[Quote]:
        return _search(
            queryset, value, "number", "title", "engagement__name", "engagement__customer__name"
        )


class QuoteLineFilter(django_filters.FilterSet):
    quote = django_filters.ModelChoiceFilter(queryset=Quote.objects.all(), label="Quote (id)")
    kind = django_filters.ChoiceFilter(choices=LineKind.choices, label="Kind")

    class Meta:
        model = QuoteLine
        fields = ["quote", "kind"]


class ContractFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Number, quote, customer, signatory"}),
    )
    state = django_filters.MultipleChoiceFilter(
        field_name="quote__state",
        choices=[
            (value, text)
            for value, text in QuoteState.choices
            if value not in (QuoteState.DRAFT, QuoteState.SENT, QuoteState.ACCEPTED)
        ],
        label="State",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    renewal_due_before = django_filters.DateFilter(
        field_name="renewal_on", lookup_expr="lte", label="Renewal due by", widget=DATE
    )
    ends_before = django_filters.DateFilter(
        field_name="ends_on", lookup_expr="lte", label="Ends by", widget=DATE
    )
    engagement = django_filters.ModelChoiceFilter(
        field_name="quote__engagement",
        queryset=Engagement.objects.all(),
        widget=forms.HiddenInput,
        label="Engagement (id)",
    )
    customer = django_filters.ModelChoiceFilter(
        field_name="quote__engagement__customer",
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        label="Customer (id)",
    )

    class Meta:
        model = ServicesContract
        fields = ["search", "state", "renewal_due_before", "ends_before", "engagement", "customer"]

    def filter_search(
        self, queryset: QuerySet[ServicesContract], name: str, value: str
    ) -> QuerySet[ServicesContract]:
        return _search(
            queryset,
            value,
            "number",
            "quote__number",
            "quote__title",
            "quote__engagement__customer__name",
            "customer_signatory",
        )
