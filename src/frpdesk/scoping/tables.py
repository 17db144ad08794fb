"""The customer request list: what was asked, how it is classified and what blocks delivery."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from frpdesk.scoping.links import scope_tab_url
from frpdesk.scoping.models import CustomerRequest
from frpdesk.scoping.services import FINAL_STATUSES, delivery_blockers, disclosure_of

NOWRAP = {"td": {"class": "text-nowrap"}}


class CustomerRequestTable(tables.Table):
    requested_on = tables.DateColumn("Y-m-d", verbose_name="Requested", attrs=NOWRAP)
    description = tables.Column(
        linkify=("scoping:request-detail", {"pk": tables.A("pk")}),
        verbose_name="Request",
        attrs={"td": {"data-testid": "request-description", "style": "min-width: 20rem"}},
    )
    customer = tables.Column(
        accessor="engagement__customer__name",
        verbose_name="Customer",
        linkify=lambda record: scope_tab_url(record.engagement_id),
    )
    workload = tables.Column(verbose_name="Workload", accessor="workload__name")
    classification = tables.Column(verbose_name="Classification")
    status = tables.Column(verbose_name="Status")
    blocked = tables.Column(
        accessor="pk", verbose_name="Missing before delivery", orderable=False, empty_values=()
    )
    disclosure = tables.Column(
        accessor="pk", verbose_name="Disclosed", orderable=False, empty_values=(), attrs=NOWRAP
    )
    contract = tables.Column(accessor="contract__number", verbose_name="Contract", attrs=NOWRAP)

    class Meta:
        model = CustomerRequest
        fields = (
            "requested_on",
            "description",
            "customer",
            "workload",
            "classification",
            "status",
            "blocked",
            "disclosure",
            "contract",
        )
        empty_text = "No customer requests match these filters."
        row_attrs = {"data-testid": "request-row"}

    def render_description(self, value: str) -> str:
        return value if len(value) <= 90 else value[:89] + "…"

    def render_classification(self, record: CustomerRequest) -> SafeString:
        return SafeString(render_to_string("scoping/classification_badge.html", {"item": record}))

    def value_classification(self, record: CustomerRequest) -> str:
        return record.get_classification_display()

    def render_status(self, record: CustomerRequest) -> SafeString:
        return SafeString(render_to_string("scoping/status_badge.html", {"item": record}))

    def value_status(self, record: CustomerRequest) -> str:
        return record.get_status_display()

    def _missing(self, record: CustomerRequest) -> list[str]:
        if record.status in FINAL_STATUSES:
            return []
        return [blocker.item.capitalize() for blocker in delivery_blockers(record)]

    def render_blocked(self, record: CustomerRequest) -> SafeString:
        missing = self._missing(record)
        if not missing:
            return format_html('<span class="text-muted small">{}</span>', "—")
        return format_html_join(
            " ",
            '<span class="badge text-bg-danger" data-testid="missing">{}</span>',
            ((name,) for name in missing),
        )

    def value_blocked(self, record: CustomerRequest) -> str:
        return ", ".join(self._missing(record))

    def render_disclosure(self, record: CustomerRequest) -> str:
        disclosure = disclosure_of(record)
        return disclosure.disclosed_on.isoformat() if disclosure else "—"

    def value_disclosure(self, record: CustomerRequest) -> str:
        disclosure = disclosure_of(record)
        return disclosure.disclosed_on.isoformat() if disclosure else ""
