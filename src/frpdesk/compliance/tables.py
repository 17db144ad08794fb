"""The findings and check-run lists: severity badges, the record, what is wrong and the fix."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.compliance.models import CheckRun, Finding, RunStatus, Severity
from frpdesk.compliance.rules import RULES

SEVERITY_BADGES = {
    Severity.CRITICAL: "text-bg-danger",
    Severity.MAJOR: "text-bg-warning",
    Severity.MINOR: "text-bg-secondary",
}
STATUS_BADGES = {
    RunStatus.RUNNING: "text-bg-info",
    RunStatus.DONE: "text-bg-success",
    RunStatus.FAILED: "text-bg-danger",
}


def severity_badge(severity: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="severity">{}</span>',
        SEVERITY_BADGES[Severity(severity)],
        Severity(severity).label,
    )


def rule_title(code: str) -> str:
    rule = RULES.get(code)
    return rule.title if rule else code


def status_badge(run: CheckRun, *, poll: bool = True) -> SafeString:
    """The run's status; while it runs, the badge asks for itself again every second (htmx)."""
    if run.status == RunStatus.RUNNING and poll:
        return format_html(
            '<span hx-get="{}" hx-trigger="every 1s" hx-swap="outerHTML" '
            'data-testid="run-status" data-status="running"><span class="badge {}">'
            '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>'
            "Running</span></span>",
            reverse("compliance:run-status", args=[run.pk]),
            STATUS_BADGES[RunStatus.RUNNING],
        )
    return format_html(
        '<span data-testid="run-status" data-status="{}"><span class="badge {}">{}</span></span>',
        run.status,
        STATUS_BADGES[RunStatus(run.status)],
        run.get_status_display(),
    )


def _moment(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class FindingTable(tables.Table):
    severity = tables.Column(verbose_name="Severity")
    rule = tables.Column(verbose_name="Rule")
    object_label = tables.Column(
        verbose_name="Record",
        linkify=("compliance:detail", {"pk": tables.A("pk")}),
        attrs={"a": {"data-testid": "finding-link"}},
    )
    customer = tables.Column(linkify=("customers:detail", {"pk": tables.A("customer_id")}))
    message = tables.Column(orderable=False, attrs={"td": {"class": "small"}})
    owner = tables.Column(verbose_name="Owner", empty_values=())
    opened_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name="Opened")
    last_seen_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name="Last seen")
    resolved_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name="Resolved")
    fix = tables.Column(
        accessor="fix_url", verbose_name="Fix", orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Finding
        fields = (
            "severity",
            "rule",
            "object_label",
            "customer",
            "message",
            "owner",
            "opened_at",
            "last_seen_at",
            "resolved_at",
            "fix",
        )
        empty_text = "No findings match these filters."
        row_attrs = {
            "data-finding": lambda record: record.pk,
            "data-rule": lambda record: record.rule,
        }

    def render_severity(self, record: Finding) -> SafeString:
        return severity_badge(record.severity)

    def value_severity(self, record: Finding) -> str:
        return record.get_severity_display()

    def value_opened_at(self, record: Finding) -> str:
        return _moment(record.opened_at)

    def value_last_seen_at(self, record: Finding) -> str:
        return _moment(record.last_seen_at)

    def value_resolved_at(self, record: Finding) -> str:
        return _moment(record.resolved_at)

    def render_rule(self, value: str) -> str:
        return rule_title(value)

    def value_rule(self, value: str) -> str:
        return rule_title(value)

    def render_owner(self, record: Finding) -> str:
        return record.owner.display_name if record.owner else "Program administrators"

    def value_owner(self, record: Finding) -> str:
        return record.owner.display_name if record.owner else "Program administrators"

    def render_fix(self, value: str, record: Finding) -> SafeString:
        if not record.is_open:
            return SafeString("")
        return format_html(
            '<a class="btn btn-sm btn-outline-primary text-nowrap" href="{}" data-testid="fix">'
            '<i class="bi bi-wrench-adjustable me-1"></i>Fix</a>',
            value,
        )

    def value_fix(self, value: str) -> str:
        return value


class CheckRunTable(tables.Table):
    started_at = tables.DateTimeColumn(
        "Y-m-d H:i",
        verbose_name="Started",
        linkify=("compliance:run-detail", {"pk": tables.A("pk")}),
        attrs={"a": {"data-testid": "run-link"}},
    )
    trigger = tables.Column()
    started_by = tables.Column(verbose_name="By", empty_values=())
    status = tables.Column()
    score = tables.Column(attrs={"td": {"class": "fw-semibold", "data-testid": "run-score"}})
    checked = tables.Column(verbose_name="Checked")
    failing = tables.Column(verbose_name="Failing")
    opened = tables.Column(verbose_name="Opened")
    resolved = tables.Column(verbose_name="Resolved")
    duration = tables.Column(accessor="finished_at", verbose_name="Duration", orderable=False)

    class Meta:
        model = CheckRun
        fields = (
            "started_at",
            "trigger",
            "started_by",
            "status",
            "score",
            "checked",
            "failing",
            "opened",
            "resolved",
            "duration",
        )
        empty_text = "No check has run yet."
        row_attrs = {"data-run": lambda record: record.pk}

    def render_started_by(self, record: CheckRun) -> str:
        return record.started_by.display_name if record.started_by else "—"

    def value_started_at(self, record: CheckRun) -> str:
        return _moment(record.started_at)

    def value_started_by(self, record: CheckRun) -> str:
        return record.started_by.get_username() if record.started_by else ""

    def render_status(self, record: CheckRun) -> SafeString:
        return status_badge(record)

    def value_status(self, record: CheckRun) -> str:
        return record.get_status_display()

    def render_duration(self, record: CheckRun) -> str:
        if record.finished_at is None:
            return "—"
        return f"{(record.finished_at - record.started_at).total_seconds():.1f} s"

    def value_duration(self, record: CheckRun) -> str:
        return self.render_duration(record)
