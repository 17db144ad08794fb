"""Columns shared by every app's tables."""

from typing import Any

import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.core.access import can


class ActionsColumn(tables.Column):
    """Edit and delete links, left out of exports."""

    def __init__(self, edit_url_name: str = "", delete_url_name: str = "", **kwargs: Any) -> None:
        self.edit_url_name = edit_url_name
        self.delete_url_name = delete_url_name
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}})
        super().__init__(**kwargs)

    def render(self, record: Any, table: Any) -> SafeString:
        user = table.request.user if table.request else None
        if user is None:
            return SafeString("")
        links = []
        if can(user, "history", type(record)):
            content_type = ContentType.objects.get_for_model(record)
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-secondary" href="{}?content_type={}&amp;object_pk={}" title="History" data-testid="history"><i class="bi bi-clock-history"></i></a>',
                    reverse("history:audit"),
                    content_type.pk,
                    record.pk,
                )
            )
        if self.edit_url_name and can(user, "change", type(record)):
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-secondary ms-1" href="{}" title="Edit" data-testid="edit"><i class="bi bi-pencil"></i></a>',
                    reverse(self.edit_url_name, args=[record.pk]),
                )
            )
        if self.delete_url_name and can(user, "delete", type(record)):
            links.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-danger ms-1" href="{}" title="Delete"><i class="bi bi-trash"></i></a>',
                    reverse(self.delete_url_name, args=[record.pk]),
                )
            )
        return SafeString("".join(links))


class ListColumn(tables.Column):
    """A list of texts (or countries) shown as badges and exported comma-separated."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def _items(self, value: Any) -> list[str]:
        if hasattr(value, "all"):
            value = value.all()
        return [getattr(item, "name", None) or str(item) for item in value]

    def render(self, value: Any) -> SafeString:
        return SafeString(
            "".join(
                format_html('<span class="badge badge-soft me-1 mb-1">{}</span>', item)
                for item in self._items(value)
            )
        )

    def value(self, value: Any) -> str:
        return ", ".join(self._items(value))
