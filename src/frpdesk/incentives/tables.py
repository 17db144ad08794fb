"""Tables of the incentives area: the rate card, the estimates, statements and their lines."""

import datetime
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from frpdesk.core.access import can
from frpdesk.core.tables import ActionsColumn
from frpdesk.incentives.models import (
    DisputeStatus,
    IncentiveRate,
    LineDispute,
    MatchStatus,
    Statement,
    StatementLine,
)
from frpdesk.incentives.services import (
    UNPAID_AFTER_DAYS,
    Estimate,
    disputable_until,
    estimates,
)
from frpdesk.vas.pricing import format_money

NOWRAP = {"td": {"class": "text-nowrap"}}
MONEY = {"td": {"class": "text-end text-nowrap font-monospace"}, "th": {"class": "text-end"}}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
MATCH_BADGES = {
    MatchStatus.MATCHED: "text-bg-success",
    MatchStatus.NO_CLAIM: "text-bg-warning",
    MatchStatus.UNKNOWN_TENANT: "text-bg-secondary",
}


def claim_url(pk: int) -> str:
    """The claim's page, or "" while the claims area has no page for it."""
    try:
        return reverse("claims:detail", args=[pk])
    except NoReverseMatch:
        return ""


def day(value: datetime.date | None) -> str:
    return value.isoformat() if value else "—"


def unpaid_badge() -> SafeString:
    return format_html(
        '<span class="badge text-bg-danger" data-testid="unpaid-flag" title="Reached more than {} '
        'days ago and on no statement"><i class="bi bi-exclamation-triangle me-1"></i>Unpaid</span>',
        UNPAID_AFTER_DAYS,
    )


class IncentiveRateTable(tables.Table):
    workload = tables.Column(order_by=("workload__sort_order",))
    milestone_pct = tables.Column(verbose_name="Milestone")
    amount_per_unit = tables.Column(verbose_name="Per unit", attrs=MONEY)
    valid_from = tables.DateColumn("Y-m-d", attrs=NOWRAP)
    valid_to = tables.DateColumn("Y-m-d", attrs=NOWRAP, default="open-ended")
    actions = ActionsColumn(
        edit_url_name="incentives:rate-edit", delete_url_name="incentives:rate-delete"
    )

    class Meta:
        model = IncentiveRate
        fields = ("workload", "milestone_pct", "amount_per_unit", "valid_from", "valid_to", "note")
        empty_text = "No rates match these filters. Add the rate card's amounts per workload."

    def render_milestone_pct(self, value: int) -> str:
        return f"{value} % AU"

    def render_amount_per_unit(self, record: IncentiveRate) -> str:
        return format_money(record.amount_per_unit, record.currency)

    def value_amount_per_unit(self, record: IncentiveRate) -> str:
        return f"{record.amount_per_unit} {record.currency}"


class EstimateTable(tables.Table):
    """One row per approved claim workload; given a queryset of claim workloads (the filtered
    list, or an export), it computes their estimates."""

    customer = tables.Column(
        accessor="claim__customer", order_by=("claim__customer__name",), verbose_name="Customer"
    )
    claim = tables.Column(accessor="claim", order_by=("claim__name",))
    workload = tables.Column(
        accessor="claim_workload__workload", order_by=("claim_workload__workload__sort_order",)
    )
    pau = tables.Column(accessor="figures__pau", verbose_name="PAU", attrs=NUMBER, default="—")
    starting_peak = tables.Column(
        accessor="figures__starting_peak", verbose_name="Starting peak", attrs=NUMBER, default="—"
    )
    units = tables.Column(verbose_name="Opportunity units", attrs=NUMBER, default="—")
    au_pct = tables.Column(
        accessor="figures__au_pct", verbose_name="AU%", attrs=NUMBER, default="—"
    )
    milestones = tables.Column(
        accessor="milestones", verbose_name="Milestones", orderable=False, empty_values=()
    )
    earned = tables.Column(attrs=MONEY)
    potential = tables.Column(attrs=MONEY)
    paid = tables.Column(attrs=MONEY)
    forecast_on = tables.Column(verbose_name="Next forecast", attrs=NOWRAP, default="—")
    unpaid_flag = tables.Column(
        verbose_name=f"Unpaid after {UNPAID_AFTER_DAYS} days", empty_values=()
    )

    class Meta:
        empty_text = (
            "No approved claim workloads match these filters. Estimates appear when a claim is "
            "approved and its tenant has usage data."
        )
        row_attrs = {
            "data-unpaid": lambda record: "true" if record.unpaid_flag else "",
            "data-testid": "estimate-row",
        }

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(data, QuerySet):
            data = estimates(data)
        super().__init__(data, *args, **kwargs)

    def render_customer(self, record: Estimate) -> SafeString:
        customer = record.claim.customer
        return format_html(
            '<a href="{}">{}</a>', reverse("customers:detail", args=[customer.pk]), customer
        )

    def render_claim(self, record: Estimate) -> SafeString | str:
        url = claim_url(record.claim.pk)
        return format_html('<a href="{}">{}</a>', url, record.claim) if url else str(record.claim)

    def render_au_pct(self, value: Decimal) -> str:
        return f"{value} %"

    def render_milestones(self, record: Estimate) -> SafeString:
        return format_html_join(
            "",
            '<div class="small text-nowrap" data-testid="milestone-{}">{}</div>',
            (
                (
                    milestone.pct,
                    f"{milestone.pct} %: reached {milestone.earned_on.isoformat()}"
                    if milestone.earned_on
                    else f"{milestone.pct} %: forecast {day(milestone.forecast_on)}",
                )
                for milestone in record.milestones
            ),
        )

    def value_milestones(self, record: Estimate) -> str:
        return "; ".join(
            f"{m.pct} % reached {m.earned_on.isoformat()}"
            if m.earned_on
            else f"{m.pct} % forecast {day(m.forecast_on)}"
            for m in record.milestones
        )

    def render_earned(self, record: Estimate) -> str:
        return format_money(record.earned, record.currency)

    def render_potential(self, record: Estimate) -> str:
        return format_money(record.potential, record.currency)

    def render_paid(self, record: Estimate) -> str:
        return format_money(record.paid, record.currency)

    def render_unpaid_flag(self, record: Estimate) -> SafeString | str:
        return unpaid_badge() if record.unpaid_flag else ""

    def value_unpaid_flag(self, record: Estimate) -> str:
        return "yes" if record.unpaid_flag else ""

    def render_forecast_on(self, value: datetime.date) -> str:
        return value.isoformat()


class StatementTable(tables.Table):
    file_name = tables.Column(
        linkify=("incentives:statement-detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold", "data-testid": "statement-name"}},
    )
    imported_at = tables.DateTimeColumn("Y-m-d H:i", attrs=NOWRAP)
    imported_by = tables.Column()
    lines = tables.Column(accessor="line_count", verbose_name="Lines", attrs=NUMBER)
    actions = ActionsColumn(delete_url_name="incentives:statement-delete")

    class Meta:
        model = Statement
        fields = ("file_name", "imported_at", "imported_by", "lines")
        empty_text = "No statements imported yet."


class StatementLineTable(tables.Table):
    statement_date = tables.DateColumn("Y-m-d", verbose_name="Date", attrs=NOWRAP)
    customer = tables.Column(empty_values=(), order_by=("customer__name", "tenant_id"))
    workload = tables.Column(order_by=("workload__sort_order",))
    milestone_pct = tables.Column(verbose_name="Milestone")
    amount = tables.Column(attrs=MONEY)
    match_status = tables.Column(verbose_name="Match")
    claim = tables.Column()
    disputable_until = tables.Column(
        accessor="statement_date", verbose_name="Disputable until", attrs=NOWRAP
    )
    dispute = tables.Column(empty_values=(), orderable=False, verbose_name="Dispute")

    class Meta:
        model = StatementLine
        fields = (
            "statement_date",
            "customer",
            "workload",
            "milestone_pct",
            "amount",
            "match_status",
            "claim",
            "disputable_until",
            "dispute",
        )
        empty_text = "No statement lines match these filters."
        row_attrs = {"data-testid": "statement-line", "data-row": lambda record: record.row}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_customer(self, record: StatementLine) -> SafeString:
        if record.customer is None:
            return format_html('<span class="font-monospace small">{}</span>', record.tenant_id)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("customers:detail", args=[record.customer_id]),
            record.customer,
        )

    def value_customer(self, record: StatementLine) -> str:
        return str(record.customer) if record.customer else str(record.tenant_id)

    def render_milestone_pct(self, value: int) -> str:
        return f"{value} % AU"

    def render_amount(self, record: StatementLine) -> str:
        return format_money(record.amount, record.currency)

    def value_amount(self, record: StatementLine) -> str:
        return f"{record.amount} {record.currency}"

    def render_match_status(self, record: StatementLine) -> SafeString:
        return format_html(
            '<span class="badge {}" data-testid="match-status">{}</span>',
            MATCH_BADGES[MatchStatus(record.match_status)],
            record.get_match_status_display(),
        )

    def value_match_status(self, record: StatementLine) -> str:
        return record.get_match_status_display()

    def render_claim(self, record: StatementLine) -> SafeString | str:
        assert record.claim is not None
        url = claim_url(record.claim.pk)
        return format_html('<a href="{}">{}</a>', url, record.claim) if url else str(record.claim)

    def render_disputable_until(self, record: StatementLine) -> SafeString:
        until = disputable_until(record)
        if until < self.today:
            return format_html('<span class="text-muted">{} (closed)</span>', until.isoformat())
        return format_html(
            '{} <span class="badge text-bg-info" data-testid="disputable-flag">disputable</span>',
            until.isoformat(),
        )

    def value_disputable_until(self, record: StatementLine) -> str:
        return disputable_until(record).isoformat()

    def render_dispute(self, record: StatementLine) -> SafeString:
        request = self.request
        dispute = _dispute_of(record)
        context = {
            "line": record,
            "dispute": dispute,
            "disputable": disputable_until(record) >= self.today,
            "may_dispute": request is not None and can(request.user, "change", StatementLine),
            "statuses": DisputeStatus.choices,
            "open_status": DisputeStatus.OPEN,
        }
        return SafeString(
            render_to_string("incentives/dispute_cell.html", context, request=request)
        )

    def value_dispute(self, record: StatementLine) -> str:
        dispute = _dispute_of(record)
        if dispute is None:
            return ""
        return f"{dispute.get_status_display()} (filed {dispute.filed_on.isoformat()}): {dispute.reason}"


def _dispute_of(line: StatementLine) -> LineDispute | None:
    try:
        return line.dispute
    except LineDispute.DoesNotExist:
        return None
