"""The SOW template list."""

from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString

from frpdesk.sow.models import SowTemplate


class SowTemplateTable(tables.Table):
    version = tables.Column(
        linkify=("sow:template-detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold text-nowrap", "data-testid": "template-version"}},
    )
    name = tables.Column()
    active = tables.Column(verbose_name="Active", attrs={"td": {"data-testid": "template-active"}})
    sections = tables.Column(verbose_name="Sections", orderable=False)
    note = tables.Column()
    created_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name="Added")

    class Meta:
        model = SowTemplate
        fields = ("version", "name", "active", "sections", "note", "created_at")
        empty_text = "No SOW template matches these filters."

    def render_active(self, value: bool) -> SafeString | str:
        if value:
            return SafeString('<span class="badge text-bg-success">Active</span>')
        return ""

    def value_active(self, value: bool) -> str:
        return "yes" if value else "no"

    def render_sections(self, value: Any) -> int:
        return len(value) if isinstance(value, list) else 0
