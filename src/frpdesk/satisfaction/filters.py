"""The satisfaction lists' filters, shared by the pages, their exports and the API."""

import django_filters
from django import forms

from frpdesk.core.filters import record_id_filter, text_search
from frpdesk.customers.models import Customer
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class SurveyResponseFilter(django_filters.FilterSet):
    """``customer`` (id), ``rating``, ``date_from``/``date_to`` (response date, both included),
    ``survey_import`` (id) and a search of the customer's name or the comment."""

    search = text_search(
        "customer__name", "customer__primary_domain", "comment", placeholder="Customer, comment"
    )
    rating = django_filters.ChoiceFilter(choices=Rating.choices, label="Response")
    date_from = django_filters.DateFilter(
        field_name="responded_on", lookup_expr="gte", label="From", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="responded_on", lookup_expr="lte", label="To", widget=DATE_INPUT
    )
    customer = record_id_filter(Customer)
    survey_import = record_id_filter(SurveyImport, label="Survey import (id)")

    class Meta:
        model = SurveyResponse
        fields = ["search", "rating", "date_from", "date_to", "customer", "survey_import"]


class SurveyImportFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        field_name="file_name", lookup_expr="icontains", label="File name"
    )

    class Meta:
        model = SurveyImport
        fields = ["search"]
