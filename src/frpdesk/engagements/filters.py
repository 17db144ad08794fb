"""The engagement area's filters, shared by the pages, their exports and the API."""

import django_filters

from frpdesk.accounts.models import User
from frpdesk.catalog.models import DeliveryPhase, Workload
from frpdesk.core.filters import (
    IntegerFilter,
    YesNoFilter,
    condition_filter,
    record_id_filter,
    text_search,
)
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementWorkload,
    EventKind,
    Origin,
    Routing,
    StatusNote,
    TimelineEvent,
    WorkloadSource,
)
from frpdesk.engagements.services import stale_condition


class EngagementFilter(django_filters.FilterSet):
    search = text_search(
        "name",
        "customer__name",
        tenant_id_fields=["customer__tenant_id"],
        placeholder="Engagement, customer, tenant ID",
    )
    phase = django_filters.ModelChoiceFilter(
        queryset=DeliveryPhase.objects.all(), to_field_name="code", label="Phase"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True), null_label="No owner", label="Owner"
    )
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label="Origin")
    # By id, not a drop-down of every customer: with 5,000 customers the <select> made the list
    # and pipeline pages 320 KB and ~0.4 s of CPU each (benchmarks/load_test.py). The search box
    # finds engagements by customer name or tenant ID.
    customer = record_id_filter(Customer)
    workload = django_filters.ModelChoiceFilter(
        field_name="workloads__workload",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
        distinct=True,
    )
    stale = condition_filter(stale_condition, label="Stale (no recent status note)")
    open = YesNoFilter(field_name="closed_on", lookup_expr="isnull", label="Open")

    class Meta:
        model = Engagement
        fields = ["search", "phase", "owner", "origin", "customer", "workload", "stale", "open"]


class EngagementWorkloadFilter(django_filters.FilterSet):
    engagement = IntegerFilter(field_name="engagement", label="Engagement (id)")
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code", label="Workload"
    )
    source = django_filters.ChoiceFilter(choices=WorkloadSource.choices)
    routing = django_filters.ChoiceFilter(choices=Routing.choices, null_label="Not routed")

    class Meta:
        model = EngagementWorkload
        fields = ["engagement", "workload", "source", "routing"]


class ChecklistItemFilter(django_filters.FilterSet):
    engagement = IntegerFilter(
        field_name="engagement_workload__engagement", label="Engagement (id)"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True), null_label="No owner", label="Owner"
    )
    done = YesNoFilter(field_name="done_on", lookup_expr="isnull", exclude=True, label="Done")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = ChecklistItem
        fields = ["engagement", "owner", "done", "due_before"]


class StatusNoteFilter(django_filters.FilterSet):
    engagement = IntegerFilter(field_name="engagement", label="Engagement (id)")
    next_action_owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True), label="Next action owner"
    )

    class Meta:
        model = StatusNote
        fields = ["engagement", "next_action_owner"]


class TimelineEventFilter(django_filters.FilterSet):
    engagement = IntegerFilter(field_name="engagement", label="Engagement (id)")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = TimelineEvent
        fields = ["engagement", "kind"]
