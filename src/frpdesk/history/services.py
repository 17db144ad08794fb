"""Reading the audit trail. Entries are written by django-auditlog and never changed."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from frpdesk.core.access import AnyUser, can, restrict


def audit_entries(user: AnyUser) -> models.QuerySet[LogEntry]:
    return restrict(user, "history", LogEntry.objects.select_related("actor", "content_type"))


def object_history(user: AnyUser, instance: models.Model) -> models.QuerySet[LogEntry]:
    """The entries of one object, for users who may both see it and read history."""
    if not can(user, "view", type(instance)):
        return LogEntry.objects.none()
    return audit_entries(user).filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
    )


def change_rows(entry: LogEntry) -> list[dict[str, Any]]:
    """Field-level before/after pairs with the fields' verbose names.

    Many-to-many changes come as an operation ("add", "delete", "clear") on a list of objects.
    """
    rows = []
    for field, values in (entry.changes_display_dict or {}).items():
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = ", ".join(str(item) for item in values.get("objects", []))
            before, after = "", f"{values.get('operation', 'change')}: {objects}"
        elif isinstance(values, list):
            before, after = [*values, "", ""][:2]
        else:
            before, after = "", values
        if entry.action == LogEntry.Action.CREATE:
            before = ""
        rows.append({"field": field, "before": before, "after": after})
    return rows
