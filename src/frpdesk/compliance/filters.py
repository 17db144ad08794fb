"""The filters of the findings and check-run lists, shared by the pages, their exports and the
API. Findings show the open ones unless ``state`` says otherwise (``resolved`` or ``all``)."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from frpdesk.accounts.models import User
from frpdesk.compliance.models import CheckRun, Finding, RunStatus, Severity, Trigger
from frpdesk.compliance.rules import RULES
from frpdesk.core.filters import record_id_filter, text_search
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement

OPEN, RESOLVED, ALL = "open", "resolved", "all"
STATES = [(OPEN, "Open"), (RESOLVED, "Resolved"), (ALL, "Open and resolved")]


def _state(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    if value == OPEN:
        return queryset.filter(resolved_at__isnull=True)
    if value == RESOLVED:
        return queryset.filter(resolved_at__isnull=False)
    return queryset


class FindingFilter(django_filters.FilterSet):
    search = text_search(
        "object_label", "message", "customer__name", placeholder="Record, message, customer"
    )
    state = django_filters.ChoiceFilter(
        choices=STATES, method=_state, label="State", empty_label=None
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="Severity")
    rule = django_filters.ChoiceFilter(
        choices=[(code, rule.title) for code, rule in RULES.items()], label="Rule"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True).order_by("first_name", "username"),
        label="Owner",
    )
    customer = record_id_filter(Customer)
    engagement = record_id_filter(Engagement)
    run = record_id_filter(CheckRun, field_name="opened_by_run", label="Opened by run (id)")

    class Meta:
        model = Finding
        fields = ["search", "state", "severity", "rule", "owner", "customer", "engagement", "run"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is None or not data.get("state"):
            data = data.copy() if data is not None else {}
            data["state"] = OPEN
        super().__init__(data, *args, **kwargs)


class CheckRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label="Status")
    trigger = django_filters.ChoiceFilter(choices=Trigger.choices, label="Trigger")

    class Meta:
        model = CheckRun
        fields = ["status", "trigger"]
