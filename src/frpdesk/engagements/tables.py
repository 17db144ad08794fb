"""The engagement list: one row per engagement, stale ones flagged."""

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.engagements.models import Engagement


class EngagementTable(tables.Table):
    name = tables.Column(
        linkify=("engagements:detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold"}},
    )
    customer = tables.Column(
        linkify=("customers:detail", {"pk": tables.A("customer_id")}), order_by=("customer__name",)
    )
    origin = tables.Column()
    owner = tables.Column(order_by=("owner__last_name", "owner__first_name"))
    phase = tables.Column(order_by=("phase__sort_order",))
    workloads = tables.Column(accessor="pk", verbose_name="Workloads", orderable=False)
    started_on = tables.DateColumn(format="Y-m-d", verbose_name="Started")
    last_note_at = tables.DateColumn(format="Y-m-d", verbose_name="Last status note")
    is_stale = tables.Column(verbose_name="Status note", order_by=("is_stale",))

    class Meta:
        model = Engagement
        fields = (
            "name",
            "customer",
            "origin",
            "owner",
            "phase",
            "workloads",
            "started_on",
            "last_note_at",
            "is_stale",
        )
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "engagement-table"}
        row_attrs = {"data-engagement": lambda record: record.pk}
        empty_text = "No engagement matches these filters."

    def render_workloads(self, record: Engagement) -> SafeString:
        return SafeString(
            "".join(
                format_html('<span class="badge badge-soft me-1">{}</span>', item.workload.name)
                for item in record.workloads.all()
            )
        )

    def value_workloads(self, record: Engagement) -> str:
        return ", ".join(item.workload.name for item in record.workloads.all())

    def render_is_stale(self, value: bool, record: Any) -> SafeString:
        if record.closed_on:
            return SafeString('<span class="badge text-bg-light border">Closed</span>')
        if value:
            return SafeString(
                '<span class="badge text-bg-warning" data-testid="stale"><i class="bi '
                'bi-hourglass-bottom me-1"></i>Stale</span>'
            )
        return SafeString('<span class="badge text-bg-success-subtle text-success">Fresh</span>')

    def value_is_stale(self, value: bool, record: Any) -> str:
        return "closed" if record.closed_on else "stale" if value else "fresh"
