"""The SOW lists' filters, shared by the pages and the API."""

import django_filters

from frpdesk.core.filters import YesNoFilter, record_id_filter, text_search
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import DocumentFormat, SignedSow, SowTemplate, SowVersion


class SowVersionFilter(django_filters.FilterSet):
    engagement = record_id_filter(Engagement)
    format = django_filters.ChoiceFilter(choices=DocumentFormat.choices, label="Format")

    class Meta:
        model = SowVersion
        fields = ["engagement", "format"]


class SignedSowFilter(django_filters.FilterSet):
    engagement = record_id_filter(Engagement)
    poe_ok = YesNoFilter(label="Passes the PoE preflight")

    class Meta:
        model = SignedSow
        fields = ["engagement", "poe_ok"]


class SowTemplateFilter(django_filters.FilterSet):
    search = text_search("version", "name", "note", placeholder="Version, name, note")
    active = YesNoFilter(label="Active")

    class Meta:
        model = SowTemplate
        fields = ["search", "active"]
