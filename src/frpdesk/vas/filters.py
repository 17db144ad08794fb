"""Filters of the vas lists, shared by the pages, their exports and the API."""

import django_filters
from django import forms

from frpdesk.catalog.models import VasItem
from frpdesk.core.filters import YesNoFilter, record_id_filter, text_search
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


class RateCardFilter(django_filters.FilterSet):
    search = text_search(
        "name", "vas_item__name", "vas_item__code", placeholder="Role or item, VAS item"
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


class QuoteFilter(django_filters.FilterSet):
    search = text_search(
        "number",
        "title",
        "engagement__name",
        "engagement__customer__name",
        placeholder="Number, title, customer",
    )
    state = django_filters.MultipleChoiceFilter(
        choices=QuoteState.choices,
        label="State",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    renewal_due_before = django_filters.DateFilter(
        field_name="renewal_on", lookup_expr="lte", label="Renewal due by", widget=DATE
    )
    engagement = record_id_filter(Engagement)
    customer = record_id_filter(Customer, "engagement__customer")

    class Meta:
        model = Quote
        fields = ["search", "state", "renewal_due_before", "engagement", "customer"]


class QuoteLineFilter(django_filters.FilterSet):
    quote = django_filters.ModelChoiceFilter(queryset=Quote.objects.all(), label="Quote (id)")
    kind = django_filters.ChoiceFilter(choices=LineKind.choices, label="Kind")

    class Meta:
        model = QuoteLine
        fields = ["quote", "kind"]


class ContractFilter(django_filters.FilterSet):
    search = text_search(
        "number",
        "quote__number",
        "quote__title",
        "quote__engagement__customer__name",
        "customer_signatory",
        placeholder="Number, quote, customer, signatory",
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
    engagement = record_id_filter(Engagement, "quote__engagement")
    customer = record_id_filter(Customer, "quote__engagement__customer")

    class Meta:
        model = ServicesContract
        fields = ["search", "state", "renewal_due_before", "ends_before", "engagement", "customer"]
