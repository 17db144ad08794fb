from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from frpdesk.accounts.models import Team, User
from frpdesk.core.tables import ActionsColumn, ListColumn


class UserTable(tables.Table):
    display_name = tables.Column(
        "Name", accessor="display_name", order_by=("last_name", "first_name")
    )
    roles = tables.Column("Roles", accessor="role_names", orderable=False)
    teams = ListColumn(verbose_name="Teams")
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ("username", "display_name", "email", "roles", "teams", "is_active", "last_login")
        order_by = ("username",)

    def render_roles(self, value: list[str]) -> str:
        return ", ".join(value) or "—"

    def value_roles(self, value: list[str]) -> str:
        return ", ".join(value)


class TeamTable(tables.Table):
    name = tables.Column(attrs={"td": {"class": "fw-semibold"}})
    members = ListColumn(verbose_name="Members")
    customer_count = tables.Column(verbose_name="Customers", attrs={"td": {"class": "text-end"}})
    actions = ActionsColumn("accounts:team-edit", "accounts:team-delete")

    class Meta:
        model = Team
        fields = ("name", "description", "members", "customer_count")
        order_by = ("name",)
        empty_text = (
            "No teams yet: consultants and sales people see no customer until they join one."
        )

    def render_customer_count(self, value: int, record: Any) -> Any:
        return format_html(
            '<a href="{}?team={}">{}</a>', reverse("customers:list"), record.pk, value
        )
