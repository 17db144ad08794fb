"""The rate card, quote and contract lists; money with two decimals and its currency."""

import datetime
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.core.tables import ActionsColumn
from frpdesk.vas.models import Quote, RateCardEntry, ServicesContract
from frpdesk.vas.pricing import format_money, quote_totals
from frpdesk.vas.templatetags.vas import state_badge

NOWRAP = {"td": {"class": "text-nowrap"}}
MONEY = {"td": {"class": "text-end text-nowrap font-monospace"}, "th": {"class": "text-end"}}
RENEWAL_SOON_DAYS = 60


def renewal_cell(day: datetime.date | None, today: datetime.date) -> SafeString | str:
    """The date, flagged when it is due within ``RENEWAL_SOON_DAYS`` or past."""
    if day is None:
        return "—"
    days = (day - today).days
    if days < 0:
        flag = format_html('<span class="badge text-bg-danger ms-1">{} days ago</span>', -days)
    elif days <= RENEWAL_SOON_DAYS:
        flag = format_html(
            '<span class="badge text-bg-warning ms-1" data-testid="renewal-soon">in {} days</span>',
            days,
        )
    else:
        flag = SafeString("")
    return format_html("{}{}", day.isoformat(), flag)


class RateCardTable(tables.Table):
    vas_item = tables.Column(verbose_name="VAS item", order_by=("vas_item__name",))
    name = tables.Column(verbose_name="Role or item", attrs={"td": {"class": "fw-semibold"}})
    kind = tables.Column(verbose_name="Pricing")
    price = tables.Column(verbose_name="Price", attrs=MONEY)
    active = tables.BooleanColumn(verbose_name="Active")
    actions = ActionsColumn(edit_url_name="vas:rate-edit", delete_url_name="vas:rate-delete")

    class Meta:
        model = RateCardEntry
        fields = ("vas_item", "name", "kind", "price", "currency", "active")
        empty_text = "No rate card entries match these filters."

    def render_price(self, record: RateCardEntry) -> str:
        unit = "per day" if record.kind == "day_rate" else "per item"
        return f"{format_money(record.price, record.currency)} {unit}"

    def value_price(self, record: RateCardEntry) -> str:
        return str(record.price)


class QuoteTable(tables.Table):
    number = tables.Column(
        linkify=("vas:quote-detail", {"pk": tables.A("pk")}),
        verbose_name="Quote",
        attrs={"td": {"class": "fw-semibold text-nowrap", "data-testid": "quote-number"}},
    )
    title = tables.Column(verbose_name="Title")
    customer = tables.Column(
        accessor="engagement__customer__name",
        verbose_name="Customer",
        order_by=("engagement__customer__name",),
    )
    engagement = tables.Column(
        linkify=("engagements:detail", {"pk": tables.A("engagement_id")}), verbose_name="Engagement"
    )
    state = tables.Column(verbose_name="State")
    total = tables.Column(accessor="pk", verbose_name="Total", orderable=False, attrs=MONEY)
    valid_until = tables.DateColumn("Y-m-d", verbose_name="Valid until", attrs=NOWRAP)
    renewal_on = tables.Column(verbose_name="Renewal", attrs=NOWRAP)
    created_at = tables.DateColumn("Y-m-d", verbose_name="Created", attrs=NOWRAP)

    class Meta:
        model = Quote
        fields = (
            "number",
            "title",
            "customer",
            "engagement",
            "state",
            "total",
            "valid_until",
            "renewal_on",
            "created_at",
        )
        empty_text = "No quotes match these filters."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_state(self, record: Quote) -> SafeString:
        return state_badge(record.state)

    def value_state(self, record: Quote) -> str:
        return record.get_state_display()

    def render_total(self, record: Quote) -> str:
        return format_money(quote_totals(record).total, record.currency)

    def value_total(self, record: Quote) -> str:
        return str(quote_totals(record).total)

    def render_renewal_on(self, record: Quote) -> SafeString | str:
        return renewal_cell(record.renewal_on, self.today)

    def value_renewal_on(self, record: Quote) -> str:
        return record.renewal_on.isoformat() if record.renewal_on else ""


class ContractTable(tables.Table):
    number = tables.Column(
        linkify=("vas:quote-detail", {"pk": tables.A("quote_id")}),
        verbose_name="Contract",
        attrs={"td": {"class": "fw-semibold text-nowrap", "data-testid": "contract-number"}},
    )
    quote = tables.Column(verbose_name="Quote", order_by=("quote__number",))
    customer = tables.Column(
        accessor="quote__engagement__customer__name",
        verbose_name="Customer",
        order_by=("quote__engagement__customer__name",),
    )
    state = tables.Column(accessor="quote__state", verbose_name="State")
    customer_signatory = tables.Column(verbose_name="Customer signatory")
    signed_on = tables.DateColumn("Y-m-d", verbose_name="Signed", attrs=NOWRAP)
    starts_on = tables.DateColumn("Y-m-d", verbose_name="Starts", attrs=NOWRAP)
    ends_on = tables.DateColumn("Y-m-d", verbose_name="Ends", attrs=NOWRAP)
    renewal_on = tables.Column(verbose_name="Renewal", attrs=NOWRAP)
    actions = ActionsColumn(edit_url_name="vas:contract-edit")

    class Meta:
        model = ServicesContract
        fields = (
            "number",
            "quote",
            "customer",
            "state",
            "customer_signatory",
            "signed_on",
            "starts_on",
            "ends_on",
            "renewal_on",
        )
        empty_text = "No services contracts match these filters."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_quote(self, record: ServicesContract) -> str:
        return f"{record.quote.number} {record.quote.title}"

    def render_state(self, record: ServicesContract) -> SafeString:
        return state_badge(record.quote.state)

    def value_state(self, record: ServicesContract) -> str:
        return record.quote.get_state_display()

    def render_renewal_on(self, record: ServicesContract) -> SafeString | str:
        return renewal_cell(record.renewal_on, self.today)

    def value_renewal_on(self, record: ServicesContract) -> str:
        return record.renewal_on.isoformat() if record.renewal_on else ""
