import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from frpdesk.accounts.models import User

FRPDESK_APPS = ("accounts", "catalog", "partner", "directory")


class LogEntryFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Object or change")
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

    def filter_search(
        self, queryset: QuerySet[LogEntry], name: str, value: str
    ) -> QuerySet[LogEntry]:
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(changes_text__icontains=value)
            | Q(changes__icontains=value)
        )
