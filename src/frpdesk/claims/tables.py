"""The claim list: state, the current clock and the overdue flag."""

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.catalog.services import holidays
from frpdesk.claims import services
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.core.tables import ActionsColumn

STATE_BADGES = {
    ClaimState.DRAFT: "text-bg-light border",
    ClaimState.SUBMITTED: "text-bg-info",
    ClaimState.UNDER_REVIEW: "text-bg-primary",
    ClaimState.ACTION_REQUIRED: "text-bg-warning",
    ClaimState.APPROVED: "text-bg-success",
    ClaimState.REJECTED: "text-bg-danger",
    ClaimState.DISPUTE: "text-bg-warning",
    ClaimState.REJECTED_FINAL: "text-bg-dark",
}


def state_badge(claim: Claim) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="claim-state">{}</span>',
        STATE_BADGES[ClaimState(claim.state)],
        claim.get_state_display(),
    )


class ClaimTable(tables.Table):
    reference = tables.Column(
        accessor="pk",
        verbose_name="Claim",
        linkify=("claims:detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold text-nowrap", "data-testid": "claim-id"}},
    )
    name = tables.Column(linkify=("claims:detail", {"pk": tables.A("pk")}))
    state = tables.Column(verbose_name="State")
    deadline = tables.Column(verbose_name="Clock", empty_values=(), order_by=("deadline",))
    customer = tables.Column(linkify=("customers:detail", {"pk": tables.A("customer_id")}))
    workloads = tables.Column(accessor="pk", verbose_name="Workloads", orderable=False)
    tenant_id = tables.Column(verbose_name="Tenant ID")
    partner_center_reference = tables.Column(verbose_name="Partner Center reference")

    class Meta:
        model = Claim
        fields = (
            "reference",
            "name",
            "state",
            "deadline",
            "customer",
            "workloads",
            "tenant_id",
            "partner_center_reference",
        )
        empty_text = "No claims match these filters."
        row_attrs = {
            "data-overdue": lambda record, table: (
                "true" if services.is_overdue(record, table.today) else ""
            ),
            "class": lambda record, table: (
                "table-danger" if services.is_overdue(record, table.today) else ""
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.days_off = holidays()

    def render_reference(self, record: Claim) -> str:
        return services.reference(record)

    def value_reference(self, record: Claim) -> str:
        return services.reference(record)

    def render_state(self, record: Claim) -> SafeString:
        return state_badge(record)

    def value_state(self, record: Claim) -> str:
        return record.get_state_display()

    def render_deadline(self, record: Claim) -> SafeString | str:
        words = services.time_left(record, self.today, self.days_off)
        if not words:
            return format_html('<span class="text-muted small">{}</span>', "—")
        if services.is_overdue(record, self.today):
            return format_html(
                '<span class="badge text-bg-danger" data-testid="overdue-flag">'
                '<i class="bi bi-alarm me-1"></i>Overdue</span><div class="small">{}</div>',
                words,
            )
        return format_html('<span class="small">{}</span>', words)

    def value_deadline(self, record: Claim) -> str:
        words = services.time_left(record, self.today, self.days_off)
        return f"OVERDUE: {words}" if services.is_overdue(record, self.today) else words

    def _codes(self, record: Claim) -> list[str]:
        return [item.workload.name for item in record.workloads.all()]

    def render_workloads(self, record: Claim) -> SafeString:
        return SafeString(
            "".join(
                format_html('<span class="badge badge-soft me-1 mb-1">{}</span>', name)
                for name in self._codes(record)
            )
        )

    def value_workloads(self, record: Claim) -> str:
        return "; ".join(self._codes(record))


class ExternalClaimTable(tables.Table):
    customer = tables.Column(linkify=("customers:detail", {"pk": tables.A("customer_id")}))
    workload = tables.Column()
    partner_name = tables.Column(verbose_name="Claimed by", empty_values=())
    seen_on = tables.DateColumn("Y-m-d", verbose_name="Seen")
    note = tables.Column()
    actions = ActionsColumn("claims:external-edit", "claims:external-delete")

    class Meta:
        model = ExternalClaim
        fields = ("customer", "workload", "partner_name", "seen_on", "note", "actions")
        empty_text = "No claims by other partners recorded."

    def render_partner_name(self, value: str) -> str:
        return value or "another partner"
