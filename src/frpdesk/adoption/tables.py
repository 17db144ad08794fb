"""Tables of the adoption area: the portfolio heat-map and the inactive users of a workload."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import polars as pl
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2.data import TableData

from frpdesk.adoption.figures import au_band, milestone_pcts, newest_points
from frpdesk.adoption.models import UsagePoint
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import Customer

BAND_WORDS = {
    "none": "no AU% (no data or no PAU)",
    "below": "below the first milestone",
    "first": "first milestone reached",
    "second": "second milestone reached",
}


def adoption_tab_url(customer_pk: int, workload_code: str = "") -> str:
    from frpdesk.customers.views import customer_url

    url = customer_url(customer_pk, "adoption")
    return f"{url}#adoption-{workload_code}" if workload_code else url


class WorkloadAuColumn(tables.Column):
    """The newest AU% of one workload, coloured by band and linked to the customer's tab."""

    def __init__(self, workload: Workload, **kwargs: Any) -> None:
        self.workload = workload
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("verbose_name", workload.name)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault(
            "attrs",
            {
                "th": {"class": "heat-head", "data-workload": workload.code},
                "td": {"class": "heat-td", "data-workload": workload.code},
            },
        )
        super().__init__(**kwargs)

    def order(self, queryset: QuerySet[Customer], is_descending: bool) -> tuple[Any, bool]:
        newest_au = Subquery(
            UsagePoint.objects.filter(customer=OuterRef("pk"), workload=self.workload)
            .order_by("-refresh_date")
            .values("au_pct")[:1]
        )
        alias = f"newest_au_{self.workload.pk}"
        value = F(alias)
        ordering = value.desc(nulls_last=True) if is_descending else value.asc(nulls_last=True)
        return queryset.alias(**{alias: newest_au}).order_by(ordering, "name"), True

    def render(self, record: Customer, table: "HeatmapTable") -> SafeString:
        point = table.newest_point(record, self.workload)
        href = adoption_tab_url(record.pk, self.workload.code)
        if point is None:
            return format_html(
                '<a class="heat-cell heat-none" href="{}" data-band="none" title="{}: no usage '
                'data yet">·</a>',
                href,
                self.workload.name,
            )
        band = au_band(point.au_pct, table.pcts)
        if point.au_pct is None:
            return format_html(
                '<a class="heat-cell heat-none" href="{}" data-band="none" title="{}: MAU {} on '
                '{}; AU% undefined without PAU">no PAU</a>',
                href,
                self.workload.name,
                point.mau,
                point.refresh_date.isoformat(),
            )
        return format_html(
            '<a class="heat-cell heat-{}" href="{}" data-band="{}" title="{}: MAU {} of PAU {} on '
            '{}, {}">{}%</a>',
            band,
            href,
            band,
            self.workload.name,
            point.mau,
            point.pau,
            point.refresh_date.isoformat(),
            BAND_WORDS[band],
            _one_decimal(point.au_pct),
        )

    def value(self, record: Customer, table: "HeatmapTable") -> float | str:
        point = table.newest_point(record, self.workload)
        if point is None or point.au_pct is None:
            return ""
        return float(_one_decimal(point.au_pct))


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


class HeatmapTable(tables.Table):
    """Customers × workloads; a cell is the newest AU% of the workload."""

    name = tables.Column(
        verbose_name="Customer",
        linkify=lambda record: adoption_tab_url(record.pk),
        attrs={"td": {"class": "fw-semibold heat-customer"}},
    )
    tenant_id = tables.Column(
        verbose_name="Tenant ID", visible=False, attrs={"td": {"class": "font-monospace"}}
    )
    owner = tables.Column(
        verbose_name="Owner",
        order_by=("owner__last_name", "owner__first_name"),
        # Laptops need the width for the workloads; the owner is a filter there too.
        attrs={
            "th": {"class": "d-none d-xxl-table-cell"},
            "td": {"class": "d-none d-xxl-table-cell"},
        },
    )

    class Meta:
        model = Customer
        fields = ("name", "tenant_id", "owner")
        order_by = ("name",)
        empty_text = "No customers match these filters."
        attrs = {"class": "table table-hover align-middle mb-0 heatmap", "data-testid": "heatmap"}

    def __init__(
        self, *args: Any, workloads: Sequence[Workload] | None = None, **kwargs: Any
    ) -> None:
        self.workloads = list(workloads if workloads is not None else Workload.objects.all())
        self.pcts = milestone_pcts()
        self._newest: dict[tuple[int, int], UsagePoint] | None = None
        kwargs["extra_columns"] = [
            (f"au_{workload.code}", WorkloadAuColumn(workload)) for workload in self.workloads
        ]
        super().__init__(*args, **kwargs)

    def newest_point(self, customer: Customer, workload: Workload) -> UsagePoint | None:
        """The newest point of a cell; loaded in one query for every row shown (the page's
        rows, or all rows for an export)."""
        if self._newest is None:
            page = getattr(self, "page", None)
            if page is not None:
                self._newest = newest_points([row.record.pk for row in page.object_list])
            else:
                self._newest = newest_points(self.data.data)
        return self._newest.get((customer.pk, workload.pk))

    def value_tenant_id(self, value: Any) -> str:
        return str(value)

    def value_owner(self, value: Any) -> str:
        return str(value) if value else ""


class FrameRows(TableData):
    """A polars frame as a table's rows: only the rows a page shows become dicts (a tenant has up
    to millions of users). The frame's order is kept: such a table is not sortable."""

    data: pl.DataFrame

    def __len__(self) -> int:
        return self.data.height

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            start, stop, _ = key.indices(self.data.height)
            return self.data.slice(start, max(0, stop - start)).to_dicts()
        return self.data.row(key, named=True)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.data.iter_rows(named=True)


class InactiveUserTable(tables.Table):
    """Licensed, non-deleted users not active in a workload's MAU window (``FrameRows`` of
    ``ledger.inactive_users``)."""

    display_name = tables.Column(verbose_name="User", attrs={"td": {"class": "fw-semibold"}})
    user_key = tables.Column(
        verbose_name="User principal name", attrs={"td": {"class": "small text-break"}}
    )
    concealed = tables.Column(verbose_name="Concealed", visible=False)
    last_activity = tables.Column(verbose_name="Last activity", empty_values=())
    assigned_products = tables.Column(
        verbose_name="Assigned products",
        orderable=False,
        attrs={"td": {"class": "small text-muted"}},
    )

    class Meta:
        # The ledger's order: never active first, then the longest inactive.
        orderable = False
        empty_text = "Every licensed user of this workload was active in the window."
        attrs = {
            "class": "table table-hover align-middle mb-0",
            "data-testid": "inactive-users",
        }

    def render_display_name(self, value: str, record: dict[str, Any]) -> SafeString:
        if record.get("concealed"):
            return format_html(
                '<span class="badge text-bg-warning me-2" data-testid="concealed">'
                '<i class="bi bi-incognito me-1"></i>concealed</span>'
                '<span class="font-monospace small fw-normal">{}</span>',
                value,
            )
        return format_html("{}", value)

    def render_user_key(self, value: str, record: dict[str, Any]) -> SafeString:
        if record.get("concealed"):
            return format_html('<span class="font-monospace">{}</span>', value)
        return format_html("{}", value)

    def render_last_activity(self, value: Any) -> SafeString:
        if not value:
            return SafeString('<span class="badge text-bg-light border">never</span>')
        return format_html("{}", value.isoformat())

    def value_last_activity(self, value: Any) -> str:
        return value.isoformat() if value else "never"

    def value_concealed(self, value: Any) -> str:
        return "yes" if value else "no"

    def render_assigned_products(self, value: Any) -> str:
        return ", ".join(value) if isinstance(value, list) else str(value or "")

    def value_assigned_products(self, value: Any) -> str:
        return self.render_assigned_products(value)
