"""The lines of a licence snapshot, as the customer page shows them."""

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.licensing.models import SnapshotLine

NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end font-monospace"}}


class SnapshotLineTable(tables.Table):
    sku_part_number = tables.Column(
        verbose_name="SKU", attrs={"td": {"class": "font-monospace small text-nowrap"}}
    )
    product = tables.Column(accessor="sku", verbose_name="Product", empty_values=())
    enabled = tables.Column(verbose_name="Enabled (paid)", attrs=NUMBER)
    suspended = tables.Column(attrs=NUMBER)
    warning = tables.Column(attrs=NUMBER)
    consumed = tables.Column(attrs=NUMBER)

    class Meta:
        model = SnapshotLine
        fields = ("sku_part_number", "product", "enabled", "suspended", "warning", "consumed")
        orderable = False
        empty_text = "This snapshot has no SKUs."
        row_attrs = {"data-sku": lambda record: record.sku_part_number}

    def render_product(self, value: Any) -> SafeString:
        if value is None:
            return SafeString(
                '<span class="badge text-bg-warning" data-testid="unknown-sku" '
                'title="Not in the SKU catalog: counts for nothing">'
                '<i class="bi bi-exclamation-triangle me-1"></i>Unknown SKU</span>'
            )
        return format_html("{}", value.product_name)

    def render_suspended(self, value: int) -> SafeString | str:
        return _highlight(value, "text-danger")

    def render_warning(self, value: int) -> SafeString | str:
        return _highlight(value, "text-warning-emphasis")


def _highlight(value: int, css: str) -> SafeString | str:
    if not value:
        return "0"
    return format_html('<span class="{} fw-semibold">{}</span>', css, f"{value:,}")
