"""The SOW lists' filters, shared by the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from frpdesk.core.filters import YesNoFilter
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import DocumentFormat, SignedSow, SowTemplate, SowVersion


def _engagement_filter() -> django_filters.ModelChoiceFilter:
    # By id, not a drop-down: the engagement's page links here with ``?engagement=<id>``.
    return django_filters.ModelChoiceFilter(
        queryset=Engagement.objects.all(), widget=forms.HiddenInput, label="Engagement (id)"
    )


class SowVersionFilter(django_filters.FilterSet):
    engagement = _engagement_filter()
    format = django_filters.ChoiceFilter(choices=DocumentFormat.choices, label="Format")

    class Meta:
        model = SowVersion
        fields = ["engagement", "format"]


class SignedSowFilter(django_filters.FilterSet):
    engagement = _engagement_filter()
    poe_ok = YesNoFilter(label="Passes the PoE preflight")

    class Meta:
        model = SignedSow
        fields = ["engagement", "poe_ok"]


class SowTemplateFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Version, name, note"}),
    )
    active = YesNoFilter(label="Active")

    class Meta:
        model = SowTemplate
        fields = ["search", "active"]

    def filter_search(
        self, queryset: QuerySet[SowTemplate], name: str, value: str
    ) -> QuerySet[SowTemplate]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(version__icontains=text) | Q(name__icontains=text) | Q(note__icontains=text)
        )
