"""The delivery log table."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.notifications.models import Channel, Delivery

CHANNEL_LABELS = {Channel.EMAIL: ("envelope", "Email"), Channel.TEAMS: ("microsoft-teams", "Teams")}


class DeliveryTable(tables.Table):
    sent_at = tables.DateTimeColumn(
        "Y-m-d H:i", verbose_name="Sent", attrs={"td": {"class": "text-nowrap"}}
    )
    kind = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    channel = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    subject = tables.Column(orderable=False)
    ok = tables.Column(
        verbose_name="Outcome", empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = Delivery
        fields = ("sent_at", "kind", "channel", "subject", "ok")
        empty_text = "Nothing sent to you yet."
        row_attrs = {
            "data-testid": "delivery",
            "data-ok": lambda record: "true" if record.ok else "false",
        }

    def render_channel(self, record: Delivery) -> SafeString:
        icon, label = CHANNEL_LABELS[Channel(record.channel)]
        return format_html('<i class="bi bi-{} me-1"></i>{}', icon, label)

    def value_channel(self, record: Delivery) -> str:
        return record.get_channel_display()

    def render_subject(self, record: Delivery) -> SafeString:
        return format_html(
            '<details><summary data-testid="delivery-subject">{}</summary>'
            '<pre class="small bg-body-tertiary p-2 rounded mt-2 mb-0" style="white-space: pre-wrap">{}</pre></details>',
            record.subject,
            record.body,
        )

    def value_subject(self, record: Delivery) -> str:
        return record.subject

    def render_ok(self, record: Delivery) -> SafeString:
        if record.ok:
            return SafeString(
                '<span class="badge text-bg-success" data-testid="delivery-ok">'
                '<i class="bi bi-check-lg me-1"></i>Sent</span>'
            )
        return format_html(
            '<span class="badge text-bg-danger" data-testid="delivery-failed">'
            '<i class="bi bi-x-lg me-1"></i>Failed</span><div class="small text-danger">{}</div>',
            record.error,
        )

    def value_ok(self, record: Delivery) -> str:
        return "sent" if record.ok else f"failed: {record.error}"
