from typing import Any

import django_tables2 as tables
from auditlog.models import LogEntry
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from frpdesk.history.services import change_rows


class LogEntryTable(tables.Table):
    timestamp = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s")
    actor = tables.Column("Who", default="system")
    action = tables.Column("Action")
    content_type = tables.Column("Record type", accessor="content_type__name")
    object_repr = tables.Column("Record")
    changes = tables.Column("Changes (before → after)", empty_values=(), orderable=False)

    class Meta:
        model = LogEntry
        fields = ("timestamp", "actor", "action", "content_type", "object_repr", "changes")
        order_by = ("-timestamp",)

    def render_action(self, record: LogEntry) -> str:
        return str(record.get_action_display())

    def value_action(self, record: LogEntry) -> str:
        return str(record.get_action_display())

    def render_changes(self, record: LogEntry) -> SafeString:
        return format_html_join(
            "",
            '<div class="small"><span class="fw-semibold">{}</span>: {}<span class="diff-new">{}</span></div>',
            (
                (
                    row["field"],
                    format_html('<span class="diff-old">{}</span> → ', row["before"])
                    if row["before"]
                    else "",
                    row["after"],
                )
                for row in change_rows(record)
            ),
        ) or format_html('<span class="text-muted small">—</span>')

    def value_changes(self, record: LogEntry) -> str:
        return "; ".join(
            f"{row['field']}: {row['before']} -> {row['after']}" for row in change_rows(record)
        )

    def value_actor(self, record: LogEntry, value: Any) -> str:
        return str(value or "system")
