import django_tables2 as tables

from frpdesk.accounts.models import User


class UserTable(tables.Table):
    display_name = tables.Column(
        "Name", accessor="display_name", order_by=("last_name", "first_name")
    )
    roles = tables.Column("Roles", accessor="role_names", orderable=False)
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ("username", "display_name", "email", "roles", "is_active", "last_login")
        order_by = ("username",)

    def render_roles(self, value: list[str]) -> str:
        return ", ".join(value) or "—"

    def value_roles(self, value: list[str]) -> str:
        return ", ".join(value)
