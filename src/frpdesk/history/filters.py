import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType

from frpdesk.accounts.models import User
from frpdesk.core.filters import text_search

FRPDESK_APPS = ("accounts", "catalog", "partner", "directory")


class LogEntryFilter(django_filters.FilterSet):
    search = text_search("object_repr", "changes_text", "changes", label="Object or change")
    content_type = django_filters.ModelChoiceFilter(
        label="Record type",
        queryset=ContentType.objects.filter(app_label__in=FRPDESK_APPS).order_by("model"),
    )
    action = django_filters.ChoiceFilter(choices=LogEntry.Action.choices)
    object_pk = django_filters.CharFilter(widget=forms.HiddenInput)
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label="Who")
    timestamp_after = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__gte", label="From"
    )
    timestamp_before = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__lte", label="To"
    )

    class Meta:
        model = LogEntry
        fields = [
            "search",
            "content_type",
            "object_pk",
            "action",
            "actor",
            "timestamp_after",
            "timestamp_before",
        ]
