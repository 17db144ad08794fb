"""The referral list: urgency first, with each clock's time left and the overdue flag."""

import datetime
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.core.tables import ListColumn
from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
from frpdesk.referrals.services import is_overdue, next_due

ACCEPTANCE_BADGES = {
    Acceptance.PENDING: "text-bg-warning",
    Acceptance.ACCEPTED: "text-bg-success",
    Acceptance.DECLINED: "text-bg-secondary",
    Acceptance.REASSIGNED: "text-bg-danger",
}
NOWRAP = {"td": {"class": "text-nowrap"}}


def days_phrase(due: datetime.date, today: datetime.date) -> str:
    days = (due - today).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"{days} day{'s' if days != 1 else ''} left"


def time_left(referral: Referral, today: datetime.date) -> str:
    """The next deadline of a pending referral in words, e.g. "first response due today"."""
    due = next_due(referral)
    if due is None:
        return ""
    if referral.first_responded_on is None and due == referral.first_response_due:
        clock = "first response"
    else:
        clock = "acceptance"
    return f"{clock} {days_phrase(due, today)}"


def acceptance_badge(referral: Referral) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="acceptance">{}</span>',
        ACCEPTANCE_BADGES[Acceptance(referral.acceptance)],
        referral.get_acceptance_display(),
    )


def paused_badge() -> SafeString:
    return SafeString(
        '<span class="badge text-bg-light border border-warning text-warning-emphasis" '
        'title="Assigned while our referrals were paused in Partner Center" '
        'data-testid="paused-flag"><i class="bi bi-pause-circle me-1"></i>Received while paused'
        "</span>"
    )


class ReferralTable(tables.Table):
    referral_id = tables.Column(
        linkify=("referrals:detail", {"pk": tables.A("pk")}),
        verbose_name="Referral ID",
        attrs={"td": {"class": "fw-semibold text-nowrap", "data-testid": "referral-id"}},
    )
    urgency = tables.Column(
        accessor="pk",
        verbose_name="Time left",
        empty_values=(),
        order_by=("next_due",),
        attrs={"td": {"data-testid": "time-left"}},
    )
    kind = tables.Column(verbose_name="Kind")
    tenant_name = tables.Column(verbose_name="Tenant")
    workloads = ListColumn(verbose_name="RFA workloads")
    assigned_on = tables.DateColumn("Y-m-d", verbose_name="Assigned", attrs=NOWRAP)
    first_response_due = tables.DateColumn("Y-m-d", verbose_name="Answer by", attrs=NOWRAP)
    acceptance_due = tables.DateColumn("Y-m-d", verbose_name="Accept by", attrs=NOWRAP)
    acceptance = tables.Column(verbose_name="Acceptance", empty_values=())
    customer = tables.Column(
        linkify=("customers:detail", {"pk": tables.A("customer_id")}), verbose_name="Customer"
    )

    class Meta:
        model = Referral
        fields = (
            "referral_id",
            "urgency",
            "acceptance",
            "kind",
            "tenant_name",
            "workloads",
            "assigned_on",
            "first_response_due",
            "acceptance_due",
            "customer",
        )
        empty_text = "No referrals match these filters."
        row_attrs = {
            "data-overdue": lambda record: "true" if getattr(record, "is_overdue", False) else "",
            "class": lambda record: "table-danger" if getattr(record, "is_overdue", False) else "",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def order_urgency(self, queryset: QuerySet[Referral], is_descending: bool) -> Any:
        due = F("next_due")
        ordering = due.desc(nulls_last=True) if is_descending else due.asc(nulls_last=True)
        return queryset.order_by(ordering, "acceptance_due", "referral_id"), True

    def render_urgency(self, record: Referral) -> SafeString | str:
        words = time_left(record, self.today)
        if not words:
            return format_html('<span class="text-muted small">{}</span>', "—")
        if is_overdue(record, self.today):
            return format_html(
                '<span class="badge text-bg-danger" data-testid="overdue-flag">'
                '<i class="bi bi-alarm me-1"></i>Overdue</span><div class="small">{}</div>',
                words,
            )
        colour = "text-warning-emphasis fw-semibold" if "today" in words else ""
        return format_html('<span class="small {}">{}</span>', colour, words)

    def value_urgency(self, record: Referral) -> str:
        words = time_left(record, self.today)
        return f"OVERDUE: {words}" if is_overdue(record, self.today) else words

    def render_kind(self, record: Referral) -> SafeString:
        label = "Benefit" if record.kind == ReferralKind.BENEFIT else "Standard"
        return format_html('<span class="badge badge-soft">{}</span>', label)

    def value_kind(self, record: Referral) -> str:
        return record.get_kind_display()

    def render_tenant_name(self, record: Referral) -> SafeString:
        return format_html(
            '<div>{}</div><div class="small text-muted">{}</div>',
            record.tenant_name,
            record.tenant_domain,
        )

    def value_tenant_name(self, record: Referral) -> str:
        return record.tenant_name

    def render_acceptance(self, record: Referral) -> SafeString:
        badge = acceptance_badge(record)
        if record.received_while_paused:
            return format_html("{} {}", badge, paused_badge())
        return badge

    def value_acceptance(self, record: Referral) -> str:
        paused = " (received while paused)" if record.received_while_paused else ""
        return f"{record.get_acceptance_display()}{paused}"

    def render_first_response_due(self, record: Referral, value: datetime.date) -> SafeString:
        if record.first_responded_on:
            return format_html(
                '{}<div class="small text-success"><i class="bi bi-check2 me-1"></i>answered {}'
                "</div>",
                value.isoformat(),
                record.first_responded_on.isoformat(),
            )
        return format_html("{}", value.isoformat())

    def value_customer(self, record: Referral) -> str:
        return str(record.customer) if record.customer else ""
